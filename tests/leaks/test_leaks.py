"""The leak suite: canaries through every entry point, then every sink searched. Zero hits.

Entry points: the REST channel and the socket.io channel (a real socket.io
client). Sinks: every file under var/ (tracker and event databases, vault,
logs) except the key file, both servers' captured output, and every request
the action server received (recorded before it scrubs anything).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, AsyncIterator, Dict, Iterator, List, Tuple

import pytest
import socketio

from tests.leaks.canaries import Canary, chat_style, generate, search
from tests.leaks.sinks import recorded, server_sinks
from tests.support.servers import RunningAssistant, run_assistant

pytestmark = pytest.mark.servers

CANARIES = generate() + chat_style()


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningAssistant]:
    tmp = tmp_path_factory.mktemp("leaks")
    env = {"FINBOT_RECORD_ACTION_REQUESTS": str(tmp / "action-requests.jsonl")}
    with run_assistant(tmp, extra_env=env, run_args=["--debug"]) as running:
        yield running


def send_rest(assistant: RunningAssistant, canaries: List[Canary]) -> List[str]:
    replies = []
    for index, canary in enumerate(canaries):
        for message in canary.messages:
            reply = assistant.say(f"rest-{index % 25}", message)
            replies.append(" ".join(part.get("text", "") for part in reply))
    return replies


async def send_socketio(url: str, canaries: List[Canary]) -> List[dict]:
    """The canaries in 25 widget sessions, each issued by the server and asked for again by its id."""
    client = socketio.AsyncClient(reconnection=False)
    received: asyncio.Queue = asyncio.Queue()
    confirmed: asyncio.Queue = asyncio.Queue()
    client.on("bot_uttered", received.put_nowait)
    client.on("session_confirm", confirmed.put_nowait)
    await client.connect(url, socketio_path="/socket.io", transports=["websocket"])
    answers = []
    sessions: Dict[int, str] = {}
    try:
        for index, canary in enumerate(canaries):
            asked = sessions.get(index % 25)
            await client.emit("session_request", {"session_id": asked, "structured": True})
            session = str(await asyncio.wait_for(confirmed.get(), 30))
            assert asked is None or session == asked  # a session the server issued is given back
            sessions[index % 25] = session
            for message in canary.messages:
                await client.emit("user_uttered", {"message": message, "session_id": session})
                answers.append(await asyncio.wait_for(received.get(), 60))  # the notice (or the reply)
                quiet = 5.0  # the reply follows a notice at once; after it, the channel falls quiet
                while True:
                    try:
                        answers.append(await asyncio.wait_for(received.get(), quiet))
                    except asyncio.TimeoutError:
                        break
                    quiet = 0.3
    finally:
        await client.disconnect()
    return answers


def sinks(assistant: RunningAssistant) -> Dict[str, str]:
    found = server_sinks(assistant)
    found["action server requests"] = recorded(assistant.var_dir.parent / "action-requests.jsonl")
    return found


@pytest.fixture(scope="module")
def conversations(assistant: RunningAssistant) -> Dict[str, list]:
    rest = send_rest(assistant, CANARIES)
    widget = asyncio.run(send_socketio(assistant.rasa_url, CANARIES))
    return {"rest": rest, "socketio": widget}


def test_every_canary_was_hidden_and_the_user_told(conversations: Dict[str, list]) -> None:
    # Each message with a value in it gets the notice; "my account number is" alone has none yet.
    with_value = [m for c in CANARIES for m in c.messages if m != "my account number is"]
    assert len(CANARIES) >= 200 and len(conversations["rest"]) == sum(len(c.messages) for c in CANARIES)
    told = [reply for reply in conversations["rest"] if "I hid the" in reply]
    assert len(told) == len(with_value), [r for r in conversations["rest"] if "I hid the" not in r][:5]
    notices = [m for m in conversations["socketio"] if "I hid the" in str(m.get("text"))]
    assert len(notices) == len(with_value)


def test_no_sink_holds_any_canary(assistant: RunningAssistant, conversations: Dict[str, list]) -> None:
    found = sinks(assistant)
    assert {"tracker.db", "events.db", "vault.db", "servers' output", "action server requests"} <= set(found)
    assert len(found["action server requests"]) > 0, "the action server was never called"
    hits = search(found, CANARIES)
    assert hits == [], f"{len(hits)} leaks: {hits[:20]}"


def test_the_search_finds_a_planted_canary(assistant: RunningAssistant, conversations: Dict[str, list]) -> None:
    found = sinks(assistant)
    for canary in CANARIES[:25]:
        planted = dict(found)
        planted["tracker.db"] = found["tracker.db"] + " ".join(canary.messages)
        assert search(planted, [canary]) == [f"canary #0 ({canary.kind}) in tracker.db"], canary.kind


def test_the_stores_hold_placeholders(assistant: RunningAssistant, conversations: Dict[str, list]) -> None:
    with sqlite3.connect(assistant.var_dir / "tracker.db") as db:
        texts = [json.loads(row[0]).get("text") or "" for row in db.execute("SELECT data FROM events")]
    assert sum("<CREDIT_CARD_" in text for text in texts) >= 2 * sum(c.kind == "CREDIT_CARD" for c in CANARIES)
    with sqlite3.connect(assistant.var_dir / "events.db") as db:
        assert db.execute("SELECT count(*) FROM events").fetchone()[0] > 2 * len(CANARIES)


BAD_BODIES = [
    (b"", 400), (b"   ", 400), (b"{nope", 400), (b"[1]", 400), (b"\xff\xfe\x00", 400),
    (b'{"sender": 5, "message": "hi"}', 400), (b'{"sender": "bad", "message": ["hi"]}', 400),
    (b'{"sender": "bad", "message": "\\u0000\\u0001"}', 400), (b'{"sender": "bad", "message": "   "}', 400),
    (b'{"sender": "bad", "message": "' + b"a" * (1024 * 1024) + b'"}', 413),
]


@pytest.mark.parametrize("body, status", BAD_BODIES, ids=[f"bad-{i}" for i in range(len(BAD_BODIES))])
def test_bad_input_gets_a_clear_error_and_the_server_stays_up(
    assistant: RunningAssistant, body: bytes, status: int
) -> None:
    with sqlite3.connect(assistant.var_dir / "tracker.db") as db:
        before = db.execute("SELECT count(*) FROM events WHERE sender_id = 'rest-1'").fetchone()[0]
    request = urllib.request.Request(assistant.rasa_url + "/webhooks/rest/webhook", data=body,
                                     headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=30)
    assert caught.value.code == status
    assert "error" in json.loads(caught.value.read())
    assert "Hello" in " ".join(m.get("text", "") for m in assistant.say("still-up", "hi"))
    with sqlite3.connect(assistant.var_dir / "tracker.db") as db:
        after = db.execute("SELECT count(*) FROM events WHERE sender_id = 'rest-1'").fetchone()[0]
    assert after == before


def test_fail_closed_refuses_and_keeps_nothing(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yml"
    shipped = (Path(__file__).resolve().parents[2] / "bot" / "privacy" / "policy.yml").read_text()
    policy.write_text(shipped.replace("timeout_seconds: 2.0", "timeout_seconds: 0.000001"))
    canary = CANARIES[0]
    with run_assistant(tmp_path, extra_env={"FINBOT_PRIVACY_POLICY": str(policy)}) as running:
        reply = " ".join(m.get("text", "") for m in running.say("closed", canary.message))
        assert "couldn't process that message safely" in reply
        found = sinks(running)
    assert search(found, [canary]) == []
    with sqlite3.connect(running.var_dir / "tracker.db") as db:
        users = db.execute("SELECT count(*) FROM events WHERE sender_id = 'closed' AND type_name = 'user'").fetchone()
    assert users[0] == 0


def test_metadata_is_scrubbed_and_unknown_keys_dropped(assistant: RunningAssistant) -> None:
    card = "5555 5555 5555 4444"
    assistant.post("/webhooks/rest/webhook", {
        "sender": "meta-1", "message": "hello",
        "metadata": {"locale": f"en-GB {card}", "tracking": card, "nested": {"card": card}, "timezone": 60},
    })
    with sqlite3.connect(assistant.var_dir / "tracker.db") as db:
        rows = [json.loads(r[0]) for r in db.execute(
            "SELECT data FROM events WHERE sender_id = 'meta-1' AND type_name = 'user'")]
    metadata = rows[-1]["metadata"]
    assert {k: metadata[k] for k in ("locale", "timezone")} == {"locale": "en-GB <CREDIT_CARD_1>", "timezone": 60}
    assert "tracking" not in metadata and "nested" not in metadata  # keys the policy does not allow
    assert "5555" not in json.dumps(rows)


SOCKET_BAD_EVENTS = [
    "just a string", 5, ["hi"], {"session_id": "bad-sio"}, {"message": "", "session_id": "bad-sio"},
    {"message": "   ", "session_id": "bad-sio"}, {"message": 5, "session_id": "bad-sio"},
    {"message": ["hi"], "session_id": "bad-sio"}, {"message": "\u0000\u0001\u0002", "session_id": "bad-sio"},
    {"message": "a" * (100 * 1024), "session_id": "bad-sio"}, {"message": "hi", "session_id": 7},
    {"message": "hi", "session_id": "bad-sio", "metadata": "{nope"},
    {"message": b"\xff\xfe\x00", "session_id": "bad-sio"},  # binary (not text) sent as an attachment
]


def in_session(event: Any, session: str) -> Any:
    """A bad event with its "bad-sio" session id replaced by the one the server issued."""
    if isinstance(event, dict) and event.get("session_id") == "bad-sio":
        return {**event, "session_id": session}
    return event


async def send_bad_socketio_events(url: str) -> Tuple[List[dict], str]:
    """Each bad event's answer; then a 1 MB event, which the transport refuses by closing the connection;
    then a good message on a fresh connection, to show the server is still up. And the session's id."""
    answers = []
    async with connected(url) as (client, received):
        confirmed: asyncio.Queue = asyncio.Queue()
        client.on("session_confirm", confirmed.put_nowait)
        await client.emit("session_request", {"session_id": None, "structured": True})
        session = str(await asyncio.wait_for(confirmed.get(), 30))
        for event in SOCKET_BAD_EVENTS:
            await client.emit("user_uttered", in_session(event, session))
            answers.append(await asyncio.wait_for(received.get(), 30))
    async with connected(url) as (client, received):
        await client.emit("user_uttered", {"message": "a" * (1024 * 1024), "session_id": session})
        for _ in range(100):
            if not client.connected:
                break
            await asyncio.sleep(0.1)
        answers.append({"error": "connection closed"} if not client.connected else {})
    async with connected(url) as (client, received):
        await client.emit("session_request", {"session_id": session, "structured": True})
        await client.emit("user_uttered", {"message": "hi", "session_id": session})
        answers.append(await asyncio.wait_for(received.get(), 60))
    return answers, session


@contextlib.asynccontextmanager
async def connected(url: str) -> AsyncIterator[Tuple[socketio.AsyncClient, asyncio.Queue]]:
    client = socketio.AsyncClient(reconnection=False)
    received: asyncio.Queue = asyncio.Queue()
    client.on("bot_uttered", received.put_nowait)
    await client.connect(url, socketio_path="/socket.io", transports=["websocket"])
    try:
        yield client, received
    finally:
        if client.connected:
            await client.disconnect()


def test_bad_socketio_events_get_a_clear_error_and_the_server_stays_up(assistant: RunningAssistant) -> None:
    with sqlite3.connect(assistant.var_dir / "tracker.db") as db:
        before = db.execute("SELECT count(*) FROM events").fetchone()[0]
    answers, session = asyncio.run(send_bad_socketio_events(assistant.rasa_url))
    *errors, greeting = answers
    assert len(errors) == len(SOCKET_BAD_EVENTS) + 1
    assert all(answer.get("error") for answer in errors), [a for a in errors if not a.get("error")]
    assert "longer than" in errors[9]["error"]
    assert "Hello" in str(greeting.get("text"))
    with sqlite3.connect(assistant.var_dir / "tracker.db") as db:
        # No other conversation got anything, and the bad session holds only the good message.
        others = db.execute("SELECT count(*) FROM events WHERE sender_id != ?", (session,)).fetchone()[0]
        assert others == before
        users = db.execute("SELECT count(*) FROM events WHERE sender_id = ? AND type_name = 'user'", (session,))
        assert users.fetchone()[0] == 1  # only the good message
