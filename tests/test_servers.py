"""The real assistant: `finbot run` starts both servers, answers over REST, makes no network call."""

from __future__ import annotations

import json
import os
import re
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from tests.support.netguard import read_log
from tests.support.servers import RunningAssistant, run_assistant

pytestmark = pytest.mark.servers


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningAssistant]:
    with run_assistant(tmp_path_factory.mktemp("assistant")) as running:
        yield running


def texts(reply: list) -> str:
    return " ".join(message.get("text", "") for message in reply)


def test_greets_over_rest(assistant: RunningAssistant) -> None:
    reply = assistant.say("u1", "hi")
    assert "Hello" in texts(reply), reply
    assert reply[0]["recipient_id"] == "u1"
    assert any(message.get("buttons") for message in reply)


def test_custom_action_answers_through_the_action_server(assistant: RunningAssistant) -> None:
    asked = assistant.say("u2", "I earn 3000 a month, how should I budget it?")
    assert "skip" in texts(asked), asked  # the budget form asks for the costs, or "skip" for the split alone
    reply = assistant.say("u2", "skip")
    assert "1,500.00" in texts(reply) and "900.00" in texts(reply) and "600.00" in texts(reply), reply


def test_action_server_is_healthy(assistant: RunningAssistant) -> None:
    with urllib.request.urlopen(assistant.actions_url + "/health", timeout=5) as response:
        assert response.status == 200


def test_state_lives_under_var(assistant: RunningAssistant) -> None:
    assistant.say("u3", "hello")
    assert (assistant.var_dir / "tracker.db").exists()
    assert (assistant.var_dir / "logs" / "rasa.log").exists()
    assert not (Path.cwd() / "tracker.db").exists()


def test_no_network_attempt_by_either_server(assistant: RunningAssistant) -> None:
    # Exercise both servers first, then read what the guard recorded in their processes.
    assistant.say("u4", "help")
    assistant.say("u4", "my income is 2500")
    assert read_log(str(assistant.netguard_log)) == []
    assert "network blocked" not in assistant.read_output()


def test_identifiers_are_hidden_before_anything_keeps_them(assistant: RunningAssistant) -> None:
    card, name = "4111 1111 1111 1111", "Zebulon Quackenbush"
    reply = assistant.say("u5", f"hi, I'm {name} and my card is {card}")
    assert "I hid the card number and name you typed" in texts(reply), reply
    stored = b"".join(
        path.read_bytes() for path in assistant.var_dir.rglob("*") if path.is_file() and path.name != "vault.db"
    ) + assistant.read_output().encode()
    for canary in (card, card.replace(" ", ""), name, name.lower()):
        assert canary.encode() not in stored, f"{canary!r} reached a file under var/ or the servers' output"
    assert b"<CREDIT_CARD_1>" in (assistant.var_dir / "tracker.db").read_bytes()


def test_socketio_widget_protocol_with_redaction(assistant: RunningAssistant) -> None:
    import asyncio

    import socketio

    async def conversation() -> list:
        client = socketio.AsyncClient(reconnection=False)
        received: asyncio.Queue = asyncio.Queue()
        confirmed: asyncio.Future = asyncio.get_running_loop().create_future()
        client.on("bot_uttered", received.put_nowait)
        client.on("session_confirm", lambda session: confirmed.done() or confirmed.set_result(session))
        await client.connect(assistant.rasa_url, socketio_path="/socket.io", transports=["websocket"])
        try:
            await client.emit("session_request", {"session_id": "widget-1", "structured": True})
            session = await asyncio.wait_for(confirmed, 10)
            message = {"message": "my card is 5555 5555 5555 4444, hello", "session_id": session}
            await client.emit("user_uttered", message)
            await client.emit("user_uttered", {"message": 42, "session_id": session})  # malformed
            messages = []
            while len(messages) < 3:
                messages.append(await asyncio.wait_for(received.get(), 30))
            return messages
        finally:
            await client.disconnect()

    messages = asyncio.run(conversation())
    text = " ".join(str(m.get("text", "")) for m in messages)
    assert "I hid the card number" in text
    replies = [m for m in messages if "error" not in m and "I hid" not in str(m.get("text"))]
    assert replies, messages  # the assistant answered the message itself too
    assert any("must be a string" in str(m.get("error", "")) for m in messages)
    assert b"5555555555554444" not in (assistant.var_dir / "tracker.db").read_bytes().replace(b" ", b"")


def app_say(assistant: RunningAssistant, token: str, message: str) -> list:
    request = urllib.request.Request(
        assistant.rasa_url + "/webhooks/app/webhook", data=json.dumps({"message": message}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        messages: list = json.loads(answer.read())["messages"]
        return messages


def test_banking_answers_a_signed_in_customer_and_asks_anyone_else_to_sign_in(assistant: RunningAssistant) -> None:
    from actions.signed_in import SIGN_IN

    anonymous = assistant.say("u5", "what is my balance?")
    assert texts(anonymous) == SIGN_IN, anonymous
    assert "£" not in texts(anonymous)
    # Advice still answers the anonymous visitor.
    assert "skip" in texts(assistant.say("u5", "I earn 3000 a month, how should I budget it?"))
    signed_in = app_say(assistant, assistant.token("balance-customer"), "what is my balance?")
    assert "£" in texts(signed_in) and SIGN_IN not in texts(signed_in), signed_in


def test_the_demo_page_is_signed_in_as_the_demo_customer(assistant: RunningAssistant) -> None:
    from bot.channels.auth import TokenVerifier, local_secret
    from bot.demo import DEMO_SUBJECT

    with urllib.request.urlopen(assistant.rasa_url + "/widget/", timeout=10) as answer:
        page = answer.read().decode()
        assert answer.headers["Cache-Control"] == "no-store"
    token = re.search(r'data-token="([^"]+)"', page)
    assert token is not None
    principal = TokenVerifier(local_secret(str(assistant.var_dir))).verify(token.group(1))
    assert principal.conversation == f"app:{DEMO_SUBJECT}"
    assert "demo customer" in assistant.read_output()


@pytest.mark.parametrize("scopes, erased", [(("chat",), False), (("chat", "privacy:erase"), True)])
def test_forget_me_by_chat_needs_the_erase_scope(assistant: RunningAssistant, scopes: tuple, erased: bool) -> None:
    from actions.advice.privacy import CANNOT_ERASE
    from tests.support.sockets import stored_senders

    subject = f"forget-{len(scopes)}"
    token = assistant.token(subject, scopes=scopes)
    app_say(assistant, token, "hello")
    app_say(assistant, token, "forget me")
    answer = texts(app_say(assistant, token, "/affirm"))
    assert (CANNOT_ERASE in answer) is not erased, answer
    assert (assistant.conversation_of(subject) in stored_senders(assistant.var_dir)) is not erased
    audit = f"erased conversation {assistant.conversation_of(subject)} at the customer's request"
    assert (audit in assistant.read_output()) is erased


def test_the_rasa_server_purges_on_the_policys_schedule(assistant: RunningAssistant) -> None:
    assistant.say("u6", "hello")
    log = (assistant.var_dir / "logs" / "rasa.log").read_text(errors="replace")
    assert "retention: purging every 3600 s" in log
    assert "retention purge deleted 0 vault value(s)" in log  # the first run, at start: nothing was old


def test_the_rest_channel_streams_its_answers_a_line_each_when_asked(assistant: RunningAssistant) -> None:
    # What Rasa's REST channel does with ?stream=true, and what Rasa's console client asks for by default.
    sender = f"stream-{os.urandom(4).hex()}"
    request = urllib.request.Request(
        assistant.rasa_url + "/webhooks/rest/webhook?stream=true", headers={"Content-Type": "application/json"},
        data=json.dumps({"sender": sender, "message": "my card 4111 1111 1111 1111 was stolen"}).encode())
    with urllib.request.urlopen(request, timeout=60) as answer:
        assert answer.headers["Content-Type"].startswith("text/event-stream")
        lines = answer.read().decode().splitlines()
    answers = [json.loads(line) for line in lines if line.strip()]
    assert len(answers) >= 2 and all(item.get("recipient_id") == sender and item.get("text") for item in answers)
    assert any("card number" in item["text"] for item in answers)  # the notice, as a text a stock client shows
    assert "4111" not in "\n".join(lines)
    # Without the flag: one JSON list, as before.
    assert isinstance(assistant.say(sender, "thanks"), list)
