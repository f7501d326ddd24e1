"""The real assistant: `finbot run` starts both servers, answers over REST, makes no network call."""

from __future__ import annotations

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
            await client.emit("session_request", {"session_id": "widget-1"})
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
