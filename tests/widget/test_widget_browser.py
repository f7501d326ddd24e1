"""The web widget in real headless Chromium (Debian's, driven by Playwright) against the real servers.

What the widget shows and keeps, by design:

- The person's own bubble shows what they typed, card number included, while
  the page is open: it is their screen and their words. Nowhere else in the
  page does the number appear, and it is never stored as typed: once the
  server says it hid something, the browser keeps the message as the server
  kept it ("[card number hidden]"), so a reload shows that.
- The transcript and session id live in ``sessionStorage`` only: nothing in
  ``localStorage``, no cookies.
- ``finbot run``'s demo page is signed in as one demo customer (bot.demo); each
  test that banks signs the page in as a customer of its own instead (the
  page's ``data-token`` swapped on the way), so that one test's frozen card or
  erased conversation is not another's.

Screenshots go to ``test-artifacts/``; with ``FINBOT_UPDATE_SCREENSHOTS=1``
the desktop and phone ones are also copied to ``docs/images/`` for the README.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any, Dict, Iterator, List
from urllib.parse import urlparse

import pytest

from tests.support.servers import ROOT, RunningAssistant
from tests.support.sockets import stored_senders, stored_texts

playwright_sync = pytest.importorskip("playwright.sync_api")
Browser = playwright_sync.Browser
Page = playwright_sync.Page
expect = playwright_sync.expect

pytestmark = pytest.mark.servers

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
DOC_IMAGES = ROOT / "docs" / "images"
CARD = "4111 1111 1111 1111"
ANSWER_TIMEOUT_MS = 45_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"Debian's chromium is missing at {CHROMIUM}: run scripts/ensure-chromium.sh")
    with playwright_sync.sync_playwright() as playwright:
        # Never a browser of Playwright's own: the machine's chromium, by its path.
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=["--no-sandbox", "--disable-gpu"])
        try:
            yield launched
        finally:
            launched.close()


def shot(page: Page, name: str, for_docs: str = "") -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / name
    page.screenshot(path=str(target))
    if for_docs and os.environ.get("FINBOT_UPDATE_SCREENSHOTS") == "1":
        DOC_IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(target, DOC_IMAGES / for_docs)


def bot_messages(page: Page) -> Any:
    return page.locator(".finbot-message.finbot-from-bot")


def send(page: Page, text: str) -> None:
    """Type and send ``text``, then wait for the bot's answer (a new bot bubble, typing indicator gone)."""
    before = bot_messages(page).count()
    page.locator("#finbot-input").fill(text)
    page.locator("#finbot-input").press("Enter")
    expect(bot_messages(page)).not_to_have_count(before, timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator(".finbot-typing")).to_be_hidden(timeout=ANSWER_TIMEOUT_MS)
    page.wait_for_timeout(800)  # the rest of a multi-part answer


def broker_rows(var_dir: Path, sender: str) -> List[str]:
    """The event broker's stored copy of one conversation (var/events.db)."""
    import sqlite3

    with sqlite3.connect(var_dir / "events.db") as db:
        return [row[0] for row in db.execute("SELECT data FROM events WHERE sender_id = ?", (sender,))]


def session_storage(page: Page) -> Dict[str, Any]:
    raw = page.evaluate("() => Object.fromEntries(Object.entries(sessionStorage))")
    return {key: json.loads(value) for key, value in raw.items()}


@pytest.fixture
def signed_in(assistant: RunningAssistant, request: pytest.FixtureRequest) -> Iterator[str]:
    """The demo page signed in as a customer of this test's own for the whole test (the demo token file,
    which the server reads on each request, holds their token meanwhile); the conversation id it gives."""
    subject = f"{request.node.name[:40]}-{os.urandom(4).hex()}"
    demo = assistant.var_dir / "run" / "demo-token"
    kept = demo.read_text()
    demo.write_text(assistant.token(subject, scopes=("chat", "privacy:erase")) + "\n")
    try:
        yield assistant.conversation_of(subject)
    finally:
        demo.write_text(kept)


def open_widget(page: Page, url: str) -> None:
    page.goto(url + "/widget/")
    page.get_by_role("button", name=re.compile("Open chat")).click()
    # A new conversation starts with the assistant's greeting and its quick replies.
    expect(bot_messages(page).first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator(".finbot-quick-reply").first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)


def test_a_conversation_in_the_browser(browser: Browser, assistant: RunningAssistant, signed_in: str) -> None:
    conversation = signed_in
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    errors: List[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        open_widget(page, assistant.rasa_url)
        expect(page.locator("#finbot-input")).to_be_focused()

        # A card number: the bot answers, and the person's message gets the lock note.
        send(page, f"what is my balance? my card number is {CARD}")
        mine = page.locator(".finbot-from-user").last
        expect(mine.locator(".finbot-lock")).to_have_text("Card number hidden before saving")
        expect(bot_messages(page).last).to_contain_text("balances")
        expect(page.locator(".finbot-quick-replies")).to_have_count(0)  # the greeting's were used up
        # The number is in the person's own bubble and nowhere else in the page.
        html = page.content()
        assert html.count(CARD) == 1 and CARD in mine.inner_text()
        assert "4111" not in html.replace(CARD, "", 1)
        assert "4111" not in json.dumps(session_storage(page))  # stored as the server kept it

        # Spending by category comes with a chart: an SVG with a text alternative and a table.
        send(page, "how much did I spend by category last month?")
        chart = page.locator(".finbot-chart").last
        expect(chart.locator("svg[role=img] title")).to_contain_text("Spending by category")
        expect(chart.locator("table.finbot-visually-hidden tbody tr").first).to_be_attached()
        shot(page, "widget-desktop.png", for_docs="widget-desktop.png")

        # A quick reply is a real button; its answer follows.
        send(page, "can you freeze my card?")
        reply = page.locator(".finbot-quick-reply").first
        expect(reply).to_be_visible()
        title = reply.inner_text()
        before = bot_messages(page).count()
        reply.click()
        expect(page.locator(".finbot-from-user").last).to_contain_text(title)
        expect(bot_messages(page)).not_to_have_count(before, timeout=ANSWER_TIMEOUT_MS)
        expect(bot_messages(page).last).to_contain_text(re.compile("card", re.IGNORECASE))

        # A reload keeps the conversation for this browser session, with the number hidden.
        page.wait_for_timeout(500)
        shown = page.locator(".finbot-message").count()
        page.reload()
        expect(page.locator(".finbot-message")).to_have_count(shown)
        restored = page.locator(".finbot-from-user", has_text="[card number hidden]")
        expect(restored).to_have_count(1)
        expect(restored.locator(".finbot-lock")).to_be_visible()
        assert "4111" not in page.content()
        assert page.evaluate("() => localStorage.length") == 0
        assert context.cookies() == []
        shot(page, "widget-after-reload.png")

        # Clear: the browser forgets, and so does the server. A signed-in customer keeps their conversation
        # id (the token's), which starts afresh: nothing said before the erase is stored any more.
        session_key = next(key for key in session_storage(page) if key.endswith(":session"))
        old_session = session_storage(page)[session_key]
        assert old_session == conversation
        assert any("CREDIT_CARD" in row for row in stored_texts(assistant.var_dir, conversation))
        assert conversation in stored_senders(assistant.var_dir, "events.db")
        page.get_by_role("button", name=re.compile("Clear conversation")).click()
        expect(page.locator(".finbot-from-system")).to_contain_text("erased", timeout=ANSWER_TIMEOUT_MS)
        expect(page.locator(".finbot-from-user")).to_have_count(0)
        expect(bot_messages(page).first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)  # a new greeting
        assert session_storage(page)[session_key] == conversation
        assert not any("CREDIT_CARD" in row for row in stored_texts(assistant.var_dir, conversation))
        assert not any("CREDIT_CARD" in row for row in broker_rows(assistant.var_dir, conversation))
        assert "4111" not in json.dumps(session_storage(page))
        assert page.evaluate("() => localStorage.length") == 0
        shot(page, "widget-after-clear.png")
        assert errors == []
    finally:
        context.close()


def test_the_widget_works_from_the_keyboard(browser: Browser, assistant: RunningAssistant) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    try:
        page.goto(assistant.rasa_url + "/widget/")
        launcher = page.locator(".finbot-launcher")
        expect(launcher).to_be_visible()
        for _ in range(12):  # past the page's own links, to the launcher
            page.keyboard.press("Tab")
            if launcher.evaluate("node => node === document.activeElement"):
                break
        expect(launcher).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator("#finbot-panel")).to_be_visible()
        expect(page.locator("#finbot-input")).to_be_focused()
        page.keyboard.press("Escape")
        expect(page.locator("#finbot-panel")).to_be_hidden()
        expect(launcher).to_be_focused()
        expect(launcher).to_have_attribute("aria-expanded", "false")
        # The messages area is announced as a live log.
        log = page.locator(".finbot-log")
        expect(log).to_have_attribute("role", "log")
        expect(log).to_have_attribute("aria-live", "polite")
    finally:
        context.close()


def test_on_a_phone_the_panel_takes_the_screen(browser: Browser, assistant: RunningAssistant, signed_in: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True,
                                  device_scale_factor=2)
    page = context.new_page()
    try:
        open_widget(page, assistant.rasa_url)
        box = page.locator("#finbot-panel").bounding_box()
        assert box is not None
        assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, 360, 740)
        send(page, f"can you freeze my card {CARD}?")
        expect(page.locator(".finbot-from-user").last.locator(".finbot-lock")).to_be_visible()
        expect(page.locator(".finbot-quick-reply").first).to_be_visible()
        # Nothing sticks out sideways at 360 px.
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
        shot(page, "widget-phone.png", for_docs="widget-phone.png")

        # The connection drops (as when the server restarts): the widget reconnects to the same session.
        session = next(v for k, v in session_storage(page).items() if k.endswith(":session"))
        status = page.evaluate("() => { window.finbotWidget.socket.io.engine.close();"
                               " return document.querySelector('.finbot-status').textContent; }")
        assert status.startswith("Reconnecting")
        expect(page.locator(".finbot-status")).to_have_text("Online", timeout=ANSWER_TIMEOUT_MS)
        before = bot_messages(page).count()
        page.locator(".finbot-quick-reply").last.click()
        expect(bot_messages(page)).not_to_have_count(before, timeout=ANSWER_TIMEOUT_MS)
        assert next(v for k, v in session_storage(page).items() if k.endswith(":session")) == session
    finally:
        context.close()


@pytest.fixture
def bank_page(tmp_path: Path) -> Iterator[str]:
    """Another origin (a bank's own site) on loopback, serving ``tmp_path``."""
    import functools
    import http.server
    import threading

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_the_snippet_embeds_the_widget_in_another_sites_page(
    browser: Browser, assistant: RunningAssistant, bank_page: str, tmp_path: Path
) -> None:
    (tmp_path / "index.html").write_text(
        "<!doctype html><html lang=en><head><title>A bank</title></head><body><h1>A bank's page</h1>"
        f'<script src="{assistant.rasa_url}/widget/finbot-widget.js" data-server="{assistant.rasa_url}" '
        'data-title="Ask Acme" data-primary-color="#6b1f7a" defer></script></body></html>')
    context = browser.new_context(viewport={"width": 1024, "height": 760})
    page = context.new_page()
    try:
        page.goto(bank_page + "/index.html")
        launcher = page.get_by_role("button", name="Open chat: Ask Acme")
        launcher.click()
        expect(page.locator("#finbot-title")).to_have_text("Ask Acme")
        expect(bot_messages(page).first).to_contain_text("Hello", timeout=ANSWER_TIMEOUT_MS)
        # Its style sheet came from the finbot server, and the page's colour is used.
        assert page.locator(f'link[href="{assistant.rasa_url}/widget/finbot-widget.css"]').count() == 1
        colour = page.locator(".finbot-header").evaluate("node => getComputedStyle(node).backgroundColor")
        assert colour == "rgb(107, 31, 122)"
        assert page.evaluate("() => localStorage.length") == 0 and context.cookies() == []
    finally:
        context.close()


def test_the_widget_loads_its_files_from_beside_its_own_script(
    browser: Browser, assistant: RunningAssistant, bank_page: str, tmp_path: Path
) -> None:
    """Hosted by the bank under a folder of its own (as from a CDN), on a page at another path: the style
    sheet and the socket.io client come from the script's folder, with its version query, and never from
    the page's path or a /widget/ path; the widget still talks to the finbot server of data-server."""
    from bot.channels.widget import ASSETS, WIDGET_DIR

    folder = tmp_path / "static" / "chat" / "v2"
    folder.mkdir(parents=True)
    for name in ("finbot-widget.js", "finbot-widget.css", "socket.io.min.js"):
        shutil.copyfile(WIDGET_DIR / ASSETS[name][0], folder / name)
    (tmp_path / "help").mkdir()
    (tmp_path / "help" / "index.html").write_text(
        "<!doctype html><html lang=en><head><title>Help</title></head><body><h1>Help</h1>"
        f'<script src="../static/chat/v2/finbot-widget.js?v=7" data-server="{assistant.rasa_url}" '
        'data-title="Ask Acme" defer></script></body></html>')
    context = browser.new_context(viewport={"width": 1024, "height": 760})
    page = context.new_page()
    fetched: List[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.on("websocket", lambda socket: fetched.append(socket.url))  # not a "request" event
    try:
        page.goto(bank_page + "/help/index.html")
        page.get_by_role("button", name="Open chat: Ask Acme").click()
        expect(bot_messages(page).first).to_contain_text("Hello", timeout=ANSWER_TIMEOUT_MS)
        beside = f"{bank_page}/static/chat/v2/"
        assert page.locator("link[data-finbot-style]").get_attribute("href") == beside + "finbot-widget.css?v=7"
        assert page.locator(f'script[src="{beside}socket.io.min.js?v=7"]').count() == 1
        assert {beside + "finbot-widget.css?v=7", beside + "socket.io.min.js?v=7"} <= set(fetched)
        assert not [url for url in fetched if "/widget/" in url or url.startswith(bank_page + "/help/finbot")]
        # The style sheet applies (the launcher is a pill), and the socket went to the finbot server.
        radius = page.locator(".finbot-launcher").evaluate("node => getComputedStyle(node).borderRadius")
        assert radius == "999px"
        server = urlparse(assistant.rasa_url).netloc
        assert any(urlparse(url).netloc == server and urlparse(url).path == "/socket.io/" for url in fetched)
    finally:
        context.close()
