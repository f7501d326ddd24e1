"""Serving the widget's files: the fixed table of names, headers, caching, and no way out of it."""

from __future__ import annotations

import http.client
from pathlib import Path
from typing import Dict, Tuple
from urllib.parse import urlsplit

import pytest

from bot.channels.widget import ASSETS, WIDGET_DIR, WidgetInput, load_assets, serve
from tests.support.servers import RunningAssistant

EXPECTED_TYPES = {
    "": "text/html; charset=utf-8",
    "finbot-widget.js": "text/javascript; charset=utf-8",
    "finbot-widget.css": "text/css; charset=utf-8",
    "demo.css": "text/css; charset=utf-8",
    "socket.io.min.js": "text/javascript; charset=utf-8",
}


def test_every_served_name_exists_with_its_type() -> None:
    assets = load_assets(WIDGET_DIR)
    assert set(assets) == set(ASSETS) == set(EXPECTED_TYPES)
    for name, asset in assets.items():
        assert asset.content_type == EXPECTED_TYPES[name]
        assert asset.body == (WIDGET_DIR / ASSETS[name][0]).read_bytes()


def test_a_file_is_served_with_safe_headers_and_an_etag() -> None:
    assets = load_assets(WIDGET_DIR)
    answer = serve(assets, "finbot-widget.js", None)
    assert answer.status == 200 and answer.body == assets["finbot-widget.js"].body
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Cache-Control"] == "no-cache"
    assert answer.headers["ETag"] == assets["finbot-widget.js"].etag
    assert "Content-Security-Policy" not in answer.headers  # only the page has one


def test_the_page_has_a_content_security_policy_that_keeps_it_to_this_server() -> None:
    answer = serve(load_assets(WIDGET_DIR), "", None)
    policy = answer.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert b'src="/widget/finbot-widget.js"' in answer.body  # the page embeds the widget by its snippet


def test_a_matching_etag_gets_304_without_a_body() -> None:
    assets = load_assets(WIDGET_DIR)
    etag = assets["finbot-widget.css"].etag
    answer = serve(assets, "finbot-widget.css", f'"other", {etag}')
    assert answer.status == 304 and not answer.body
    assert serve(assets, "finbot-widget.css", '"stale"').status == 200


@pytest.mark.parametrize("name", ["index.html", "src", "../credentials.yml", "..%2Fcredentials.yml",
                                  "node_modules", "package.json", "finbot-widget.js.map", "FINBOT-WIDGET.JS"])
def test_any_other_name_is_not_found(name: str) -> None:
    answer = serve(load_assets(WIDGET_DIR), name, None)
    assert answer.status == 404 and answer.headers["X-Content-Type-Options"] == "nosniff"


def test_a_missing_file_is_left_out_not_served_empty(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "finbot-widget.js").write_text("// the widget")
    assets = load_assets(tmp_path)
    assert set(assets) == {"finbot-widget.js"}
    assert serve(assets, "socket.io.min.js", None).status == 404


def test_the_channel_is_mounted_at_widget_and_takes_its_folder_from_credentials(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "index.html").write_text("<p>page</p>")
    channel = WidgetInput.from_credentials({"widget_dir": str(tmp_path)})
    assert isinstance(channel, WidgetInput)
    assert channel.url_prefix() == "/widget" and set(channel.assets) == {""}


# Through the real server: Sanic's routing must not open another way in.

def raw_get(url: str, path: str, headers: Dict[str, str] | None = None) -> Tuple[int, Dict[str, str], bytes]:
    """GET with the path sent exactly as given (no client-side normalisation of ``..``)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        for key, value in (headers or {}).items():
            connection.putheader(key, value)
        connection.endheaders()
        answer = connection.getresponse()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    finally:
        connection.close()


@pytest.mark.servers
def test_the_running_server_serves_the_widget(assistant: RunningAssistant) -> None:
    for name, content_type in EXPECTED_TYPES.items():
        status, headers, body = raw_get(assistant.rasa_url, f"/widget/{name}")
        assert status == 200, name
        assert headers["content-type"] == content_type
        assert headers["x-content-type-options"] == "nosniff"
        if name == "":  # `finbot run` signs the demo page in as the demo customer: never cached
            assert headers["cache-control"] == "no-store" and b'data-token="' in body
            continue
        assert headers["cache-control"] == "no-cache"
        assert body == (WIDGET_DIR / ASSETS[name][0]).read_bytes()
    status, _, _ = raw_get(assistant.rasa_url, "/widget/finbot-widget.js",
                           {"If-None-Match": load_assets(WIDGET_DIR)["finbot-widget.js"].etag})
    assert status == 304
    assert "/widget/" in assistant.read_output()  # finbot run prints the widget's URL


@pytest.mark.servers
@pytest.mark.parametrize("path", [
    "/widget/../credentials.yml", "/widget/%2e%2e/credentials.yml", "/widget/..%2fcredentials.yml",
    "/widget/%2e%2e%2f%2e%2e%2fcredentials.yml", "/widget/src/", "/widget/src/finbot-widget.js",
    "/widget/node_modules/socket.io-client/package.json", "/widget//etc/passwd", "/widget/%00",
    "/widget/finbot-widget.js/", "/widget/package.json",
])
def test_no_listing_and_no_way_out(assistant: RunningAssistant, path: str) -> None:
    status, _, body = raw_get(assistant.rasa_url, path)
    assert status in (400, 404), (path, status)
    # Sanic's 404 page names the URL; what must never come back is a file's content.
    for content in (b"RedactingSocketIOInput", b"root:x:", b'"version"', b"use strict", b"<script"):
        assert content not in body, (path, content)


def test_the_demo_page_carries_the_demo_customers_token_and_is_never_cached(tmp_path: Path) -> None:
    from bot.channels.auth import mint
    from bot.channels.widget import demo_token, signed_in_page

    token = mint("demo-customer", b"d" * 32, scopes=["chat"])
    path = tmp_path / "demo-token"
    path.write_text(token + "\n")
    assert demo_token(path) == token
    answer = signed_in_page(load_assets(WIDGET_DIR)[""], token)
    assert f'<script src="/widget/finbot-widget.js" data-token="{token}"'.encode() in answer.body
    assert answer.headers["Cache-Control"] == "no-store" and "ETag" not in answer.headers
    assert "default-src 'self'" in answer.headers["Content-Security-Policy"]


@pytest.mark.parametrize("content", [None, "", "not a token", 'a.b.c" onload="alert(1)', "a.b"])
def test_no_demo_token_or_one_of_the_wrong_shape_is_never_put_in_the_page(tmp_path: Path,
                                                                          content: str | None) -> None:
    from bot.channels.widget import demo_token

    path = tmp_path / "demo-token"
    if content is not None:
        path.write_text(content)
    assert demo_token(path) is None
    assert demo_token(None) is None
