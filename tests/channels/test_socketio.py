"""The widget's socket.io channel against real servers: redaction notices, erase, and token binding.

The shared ``assistant`` runs ``credentials.yml`` as shipped (``require_token: false``);
``token_assistant`` is one more ``finbot run``, of a copy of the project whose
socket.io channel has ``require_token: true``.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, Callable, Dict, Iterator

import pytest
import requests
import socketio

from bot.channels.auth import SCOPE_CHAT, SCOPE_PRIVACY_ERASE, SCOPE_PRIVACY_READ
from tests.support.servers import RunningAssistant, project_copy, run_assistant
from tests.support.sockets import ChatSocket, stored_senders, stored_texts

pytestmark = pytest.mark.servers
CARD = "4111 1111 1111 1111"


BANK_ORIGIN = "https://bank.example"


def conversation(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:10]}"


def test_a_card_number_gets_a_structured_notice_and_never_comes_back(assistant: RunningAssistant) -> None:
    async def scenario() -> None:
        chat = ChatSocket(assistant.rasa_url)
        await chat.connect()
        try:
            session = await chat.session(conversation("notice"))
            answers = await chat.say(f"my card number is {CARD}, what is my balance?", session)
        finally:
            await chat.close()
        notices = [a for a in answers if "redaction" in a]
        assert notices and notices[0]["redaction"] == {"kinds": ["CREDIT_CARD"], "labels": ["card number"]}
        assert notices[0]["text"]  # a widget that knows nothing of "redaction" still shows the note
        assert chat.redacted == [{"text": "my card number is [card number hidden], what is my balance?"}]
        assert any(a.get("text") and "redaction" not in a for a in answers)  # and the bot answered
        everything = repr(answers) + repr(chat.redacted)
        assert "4111" not in everything and CARD.replace(" ", "") not in everything

    asyncio.run(scenario())


async def until(condition: Callable[[], bool]) -> None:
    while not condition():
        await asyncio.sleep(0.02)


def test_a_stock_widget_gets_the_notice_and_errors_as_text_alone(assistant: RunningAssistant) -> None:
    # rasa-webchat and the like show only messages made of "text" (and buttons): any other key and the
    # message is dropped, so the person would never learn that their card number was hidden.
    async def scenario() -> None:
        chat = ChatSocket(assistant.rasa_url)
        await chat.connect()
        try:
            session = await chat.session(conversation("stock"), structured=False)
            answers = await chat.say(f"my card number is {CARD}, what is my balance?", session)
            before = len(chat.uttered)
            await chat.client.emit("user_uttered", {"message": 5, "session_id": session})  # a bad message
            await asyncio.wait_for(until(lambda: len(chat.uttered) > before), 10)
        finally:
            await chat.close()
        assert answers and all(set(answer) <= {"text", "quick_replies", "buttons"} for answer in answers), answers
        assert any("card number" in answer["text"] for answer in answers)  # the notice, as text
        assert chat.uttered[-1] == {"text": "Sorry, I couldn't read that: \"message\" must be a string"}

    asyncio.run(scenario())


def test_erase_forgets_only_the_conversation_this_socket_confirmed(assistant: RunningAssistant) -> None:
    async def scenario() -> None:
        alice, mallory = ChatSocket(assistant.rasa_url), ChatSocket(assistant.rasa_url)
        await alice.connect()
        await mallory.connect()
        try:
            assert await mallory.erase() == {"erased": False, "error": "send session_request first", "status": 400}
            alice_id = await alice.session(conversation("alice"))
            assert await alice.say("hi", alice_id)
            mallory_id = await mallory.session(conversation("mallory"))
            assert await mallory.say("hi", mallory_id)
            # Naming another conversation in the event changes nothing: only the confirmed one goes.
            assert await mallory.erase({"session_id": alice_id}) == {"erased": True, "kept_elsewhere": []}
            senders = stored_senders(assistant.var_dir)
            assert alice_id in senders and mallory_id not in senders
            assert await alice.erase() == {"erased": True, "kept_elsewhere": []}
            assert alice_id not in stored_senders(assistant.var_dir)
            # After an erase the socket must ask for a new session before erasing again.
            assert (await alice.erase())["erased"] is False
        finally:
            await alice.close()
            await mallory.close()

    asyncio.run(scenario())


@pytest.fixture(scope="module")
def token_assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningAssistant]:
    """``finbot run`` of a project copy (same model) whose socket.io channel requires a token, with pages of
    ``BANK_ORIGIN`` allowed to call it (``--cors``)."""
    tmp = tmp_path_factory.mktemp("token-assistant")

    def require_token(credentials: Dict[str, Any]) -> None:
        credentials["bot.channels.socketio.RedactingSocketIOInput"]["require_token"] = True

    env = project_copy(tmp / "project", require_token)
    with run_assistant(tmp, extra_env=env, run_args=["--cors", BANK_ORIGIN]) as running:
        yield running


def cors_headers(url: str, origin: str) -> Dict[str, str]:
    """The CORS headers of a socket.io polling handshake and of a REST preflight from a page of ``origin``."""
    handshake = requests.get(url + "/socket.io/?EIO=4&transport=polling", headers={"Origin": origin}, timeout=30)
    preflight = requests.options(url + "/webhooks/rest/webhook", timeout=30, headers={
        "Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    return {"socket.io": handshake.headers.get("Access-Control-Allow-Origin", ""),
            "rest": preflight.headers.get("Access-Control-Allow-Origin", "")}


def test_pages_of_an_origin_given_with_cors_may_call_and_others_may_not(
        token_assistant: RunningAssistant, assistant: RunningAssistant) -> None:
    assert cors_headers(token_assistant.rasa_url, BANK_ORIGIN) == {"socket.io": BANK_ORIGIN, "rest": BANK_ORIGIN}
    assert cors_headers(token_assistant.rasa_url, "https://elsewhere.example") == {"socket.io": "", "rest": ""}
    # Off by default: the shared assistant runs without --cors.
    assert cors_headers(assistant.rasa_url, BANK_ORIGIN) == {"socket.io": "", "rest": ""}


@pytest.mark.parametrize("case", ["none", "garbage", "expired", "no chat scope"])
def test_a_connection_without_a_valid_chat_token_is_refused(token_assistant: RunningAssistant, case: str) -> None:
    token = {
        "none": None,
        "garbage": "not-a-token",
        "expired": token_assistant.token(conversation("late"), ttl_seconds=-120),
        "no chat scope": token_assistant.token(conversation("reader"), scopes=[SCOPE_PRIVACY_READ]),
    }[case]

    async def scenario() -> None:
        chat = ChatSocket(token_assistant.rasa_url)
        with pytest.raises(socketio.exceptions.ConnectionError):
            await chat.connect(token, wait_timeout=3)  # the refusal arrives at once; the client waits this long
        await chat.close()
        assert chat.refusal is not None
        status = 403 if case == "no chat scope" else 401
        assert chat.refusal["data"]["status"] == status
        assert "token" in chat.refusal["message"]

    asyncio.run(scenario())


def test_the_session_is_the_tokens_subject_whatever_the_client_asks(token_assistant: RunningAssistant) -> None:
    alice_sub, bob_sub = conversation("alice"), conversation("bob")
    # Kept as app:<sub> (or a pseudonym of a sub like these, which the engine takes for identifiers): the
    # namespace of signed-in customers, which no open channel can name.
    alice_id, bob_id = token_assistant.conversation_of(alice_sub), token_assistant.conversation_of(bob_sub)

    async def scenario() -> None:
        alice, bob = ChatSocket(token_assistant.rasa_url), ChatSocket(token_assistant.rasa_url)
        await alice.connect(token_assistant.token(alice_sub, scopes=[SCOPE_CHAT]))
        await bob.connect(token_assistant.token(bob_sub, scopes=[SCOPE_CHAT, SCOPE_PRIVACY_ERASE]))
        try:
            assert await alice.session() == alice_id
            assert await bob.session(alice_id) == bob_id  # asking for Alice's conversation gets Bob's own
            assert await alice.say("hi", alice_id)
            before = len(alice.uttered)
            # Bob names Alice's conversation in the message: it still goes to his own.
            assert await bob.say(f"my card number is {CARD}", alice_id)
            # A round trip on Alice's socket: whatever the server sent it before is in by the time it is answered.
            assert await alice.session() == alice_id
            assert len(alice.uttered) == before  # nothing of Bob's reached Alice's socket
            senders = stored_senders(token_assistant.var_dir)
            assert alice_id in senders and bob_id in senders
            assert not any("card number" in row or "CREDIT_CARD" in row
                           for row in stored_texts(token_assistant.var_dir, alice_id))
            # A chat-only token may not erase (as on the app channel); Bob's token may, and only his own.
            refused = await alice.erase({})
            assert refused["erased"] is False and refused["status"] == 403
            assert await bob.erase({"session_id": alice_id}) == {"erased": True, "kept_elsewhere": []}
            senders = stored_senders(token_assistant.var_dir)
            assert bob_id not in senders and alice_id in senders
        finally:
            await alice.close()
            await bob.close()

    asyncio.run(scenario())
