"""The banking-app channel: request checks without a server, then every status against the real assistant.

The server tests share one ``finbot run`` (the ``assistant`` fixture); each
uses its own token subjects, so they never see each other's conversations.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
import uuid
from typing import Any, Dict, List, Optional, Sequence

import pytest
import requests
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import AwaitableTrackerStore, FailSafeTrackerStore, InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.app_http import AppOutputChannel, auth_error_response, check_size, parse_chat
from bot.channels.auth import SCOPE_CHAT, SCOPE_PRIVACY_ERASE, SCOPE_PRIVACY_READ, AuthError, local_secret, mint
from bot.channels.privacy import conversation_lock, erase_conversation, redacting_store
from bot.channels.rest import BadRequest
from bot.stores.scrub import EventScrubber
from bot.stores.tracker_store import RedactingTrackerStore
from tests.support.servers import RunningAssistant

CARD = "4111 1111 1111 1111"
CARD_FORMS = ("4111 1111 1111 1111", "4111111111111111", "4111-1111-1111-1111", "1111 1111 1111")
IBAN = "GB82 WEST 1234 5698 7654 32"
IBAN_FORMS = ("GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432", "12345698765432", "5698 7654")
TIMEOUT = 90.0


# --- without a server -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, status, fragment",
    [
        (None, 400, "empty"),
        (b"", 400, "empty"),
        (b"  \n", 400, "empty"),
        (b"\xff\xfe{}", 400, "UTF-8"),
        (b"{not json", 400, "not valid JSON"),
        (b"[1, 2]", 400, "JSON object"),
        (b'"hi"', 400, "JSON object"),
        (b"{}", 400, '"message" must be a string'),
        (b'{"message": 5}', 400, '"message" must be a string'),
        (b'{"message": null}', 400, '"message" must be a string'),
        (b'{"message": ""}', 400, '"message" is empty'),
        (b'{"message": "   "}', 400, '"message" is empty'),
        (b'{"message": "\\u0000\\u0007"}', 400, '"message" is empty'),
        (b'{"message": "hi", "metadata": "x"}', 400, '"metadata"'),
        (b'{"message": "hi", "metadata": [1]}', 400, '"metadata"'),
        (b'{"message": "hi", "sender": "someone-else"}', 400, "token's subject"),
        (b'{"message": "hi", "sender_id": "someone-else"}', 400, "token's subject"),
        (b'{"message": "hi", "conversation_id": "x"}', 400, "token's subject"),
        (b'{"message": "' + b"x" * 70_000 + b'"}', 413, "larger than"),
    ],
)
def test_bad_chat_bodies_are_refused_with_a_reason(raw: Optional[bytes], status: int, fragment: str) -> None:
    with pytest.raises(BadRequest) as refused:
        parse_chat(raw, 65536)
    assert refused.value.status == status and fragment in str(refused.value)


def test_a_good_chat_body_gives_message_and_metadata() -> None:
    assert parse_chat(b'{"message": "hi\\u0007 there", "metadata": {"locale": "en"}}') == (
        "hi there", {"locale": "en"})
    assert parse_chat('{"message": "¿saldo? 👍", "extra": 1}'.encode()) == ("¿saldo? 👍", None)


@pytest.mark.parametrize(
    "declared, body, status",
    [("100", b"x" * 100, None), ("101", b"x" * 100, 413), (None, b"x" * 101, 413), ("abc", b"", 400),
     ("99999999", None, 413), (None, None, None)],
)
def test_size_is_checked_on_the_declared_and_the_actual_body(
    declared: Optional[str], body: Optional[bytes], status: Optional[int]
) -> None:
    if status is None:
        check_size(declared, body, 100)
        return
    with pytest.raises(BadRequest) as refused:
        check_size(declared, body, 100)
    assert refused.value.status == status


def test_auth_errors_carry_a_bearer_challenge() -> None:
    unauthorized = auth_error_response(AuthError(401, "the token has expired"), SCOPE_CHAT)
    assert unauthorized.status == 401 and unauthorized.headers["WWW-Authenticate"].startswith("Bearer")
    assert json.loads(unauthorized.body) == {"error": "the token has expired", "status": 401}
    forbidden = auth_error_response(AuthError(403, "no scope"), SCOPE_PRIVACY_READ)
    assert forbidden.status == 403 and 'scope="privacy:read"' in forbidden.headers["WWW-Authenticate"]


def test_the_output_channel_keeps_the_notice_apart_from_the_answers() -> None:
    channel = AppOutputChannel()

    async def talk() -> None:
        await channel.send_redaction_notice("u1", ["CREDIT_CARD"], ["card number"], "I hid the card number.")
        await channel.send_text_with_buttons("u1", "Anything else?", [{"title": "No", "payload": "/deny"}])

    asyncio.run(talk())
    assert channel.redacted == {"kinds": ["CREDIT_CARD"], "labels": ["card number"], "notice": "I hid the card number."}
    assert channel.answers() == [{"text": "Anything else?", "buttons": [{"title": "No", "payload": "/deny"}]}]


def _stores() -> Dict[str, Any]:
    inner = InMemoryTrackerStore(Domain.empty())
    redacting = RedactingTrackerStore(inner=inner, scrubber=EventScrubber(lambda text, conversation, after: text))
    return {"inner": inner, "redacting": redacting,
            "rasa": FailSafeTrackerStore(AwaitableTrackerStore(redacting))}


def test_the_redacting_store_is_found_inside_rasas_wrappers_and_erases_one_conversation() -> None:
    stores = _stores()
    assert redacting_store(stores["rasa"]) is stores["redacting"]
    assert redacting_store(InMemoryTrackerStore(Domain.empty())) is None

    async def scenario() -> None:
        for sender in ("alice", "bob"):
            await stores["rasa"].save(DialogueStateTracker.from_events(sender, [UserUttered("hi")]))
        await erase_conversation(stores["rasa"], "alice")
        await erase_conversation(stores["rasa"], "nobody")  # idempotent: nothing to erase is fine
        assert await stores["inner"].retrieve("alice") is None
        assert await stores["inner"].retrieve("bob") is not None

    asyncio.run(scenario())


def test_an_erase_waits_for_a_message_in_progress() -> None:
    locks = InMemoryLockStore()
    order: List[str] = []

    async def both() -> None:
        started, release = asyncio.Event(), asyncio.Event()

        async def message() -> None:
            async with locks.lock("alice"):
                order.append("message starts")
                started.set()
                await release.wait()
                order.append("message ends")

        async def erase() -> None:
            await started.wait()
            async with conversation_lock(locks, "alice"):
                order.append("erased")

        def queued() -> int:
            lock = locks.get_lock("alice")
            return len(lock.tickets) if lock is not None else 0

        async def until_the_erase_is_queued() -> None:
            while queued() < 2:  # the message's ticket, then the erase's
                await asyncio.sleep(0)  # the other tasks' turn

        handling, erasing = asyncio.ensure_future(message()), asyncio.ensure_future(erase())
        await started.wait()
        await asyncio.wait_for(until_the_erase_is_queued(), 10)
        assert order == ["message starts"] and not erasing.done()  # queued behind the message, not run
        release.set()
        await asyncio.gather(handling, erasing)

    asyncio.run(both())
    assert order == ["message starts", "message ends", "erased"]


# --- against the running assistant ------------------------------------------------------------------


def subject(label: str) -> str:
    return f"app-{label}-{uuid.uuid4().hex[:8]}"


def call(
    assistant: RunningAssistant, method: str, path: str, token: Optional[str] = None, body: Any = None,
    raw: Optional[bytes] = None, headers: Optional[Dict[str, str]] = None,
) -> requests.Response:
    sent = dict(headers or {})
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    if body is not None:
        raw = json.dumps(body).encode()
        sent.setdefault("Content-Type", "application/json")
    return requests.request(method, assistant.rasa_url + "/webhooks/app" + path, data=raw, headers=sent,
                            timeout=TIMEOUT)


def say(assistant: RunningAssistant, token: str, message: str, **headers: str) -> Dict[str, Any]:
    answer = call(assistant, "POST", "/webhook", token, {"message": message}, headers=headers)
    assert answer.status_code == 200, answer.text
    body: Dict[str, Any] = answer.json()
    return body


def report(assistant: RunningAssistant, token: str) -> Dict[str, Any]:
    answer = call(assistant, "GET", "/privacy-report", token)
    assert answer.status_code == 200, answer.text
    body: Dict[str, Any] = answer.json()
    return body


def assert_error(answer: requests.Response, status: int) -> Dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["Content-Type"].startswith("application/json")
    body: Dict[str, Any] = answer.json()
    assert body["status"] == status and isinstance(body["error"], str) and body["error"]
    if status == 401:
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    return body


def assert_absent(texts: Sequence[str], forms: Sequence[str]) -> None:
    for text in texts:
        squeezed = re.sub(r"[\s-]", "", text)
        for form in forms:
            assert form not in text and re.sub(r"[\s-]", "", form) not in squeezed


@pytest.mark.servers
def test_health_and_document_need_no_token(assistant: RunningAssistant) -> None:
    assert call(assistant, "GET", "/").json() == {"status": "ok"}
    assert call(assistant, "GET", "/openapi.json").json()["openapi"].startswith("3.0")
    # An undocumented method is 405 with the methods the URL takes (RFC 9110), which Sanic 21.12 forgets.
    wrong_method = call(assistant, "PUT", "/webhook", raw=b"{}")
    assert wrong_method.status_code == 405 and wrong_method.headers["Allow"] == "POST"


@pytest.mark.servers
@pytest.mark.parametrize("case", ["missing", "not bearer", "malformed", "wrong signature", "expired", "audience",
                                  "unsigned"])
def test_requests_without_a_valid_token_are_401_on_every_operation(assistant: RunningAssistant, case: str) -> None:
    who, secret = subject("401"), local_secret(str(assistant.var_dir))
    headers: Dict[str, str] = {
        "missing": {},
        "not bearer": {"Authorization": "Basic dXNlcjpwYXNzd29yZA=="},
        "malformed": {"Authorization": "Bearer not.a.token"},
        "wrong signature": {"Authorization": "Bearer " + mint(who, b"k" * 32)},
        "expired": {"Authorization": "Bearer " + mint(who, secret, ttl_seconds=60, now=time.time() - 3600)},
        "audience": {"Authorization": "Bearer " + mint(who, secret, audience="another-service")},
        "unsigned": {"Authorization": "Bearer " + mint(who, secret).rsplit(".", 1)[0] + "."},
    }[case]
    assert_error(call(assistant, "POST", "/webhook", body={"message": "hi"}, headers=headers), 401)
    assert_error(call(assistant, "GET", "/privacy-report", headers=headers), 401)
    assert_error(call(assistant, "DELETE", "/conversation", headers=headers), 401)


@pytest.mark.servers
def test_a_token_without_the_needed_scope_is_403(assistant: RunningAssistant) -> None:
    who = subject("403")
    reader = assistant.token(who, [SCOPE_PRIVACY_READ])
    chatter = assistant.token(who, [SCOPE_CHAT])
    assert "chat" in assert_error(call(assistant, "POST", "/webhook", reader, {"message": "hi"}), 403)["error"]
    assert_error(call(assistant, "GET", "/privacy-report", chatter), 403)
    assert_error(call(assistant, "DELETE", "/conversation", chatter), 403)
    assert_error(call(assistant, "DELETE", "/conversation", reader), 403)


@pytest.mark.servers
@pytest.mark.parametrize(
    "raw, status",
    [
        (b"", 400), (b"\xff\xfe{}", 400), (b"{not json", 400), (b"[]", 400), (b'{"message": 1}', 400),
        (b'{"message": " "}', 400), (b'{"message": "hi", "metadata": 3}', 400),
        (b'{"message": "hi", "sender": "other"}', 400), (b'{"message": "hi", "sender_id": "other"}', 400),
        (b'{"message": "' + b"a" * 70_000 + b'"}', 413),
    ],
)
def test_bad_bodies_get_400_or_413(assistant: RunningAssistant, raw: bytes, status: int) -> None:
    token = assistant.token(subject("bad"))
    assert_error(call(assistant, "POST", "/webhook", token, raw=raw, headers={"Content-Type": "application/json"}),
                 status)
    assert report(assistant, token)["messages"] == 0  # nothing of a refused request reached the conversation


@pytest.mark.servers
@pytest.mark.parametrize("key", ["k" * 129, "tab\tin-key"])
def test_a_bad_idempotency_key_is_400(assistant: RunningAssistant, key: str) -> None:
    token = assistant.token(subject("key"))
    assert "Idempotency-Key" in assert_error(
        call(assistant, "POST", "/webhook", token, body={"message": "x"}, headers={"Idempotency-Key": key}), 400
    )["error"]


@pytest.mark.servers
def test_a_card_number_is_hidden_and_reported_by_kind_only(assistant: RunningAssistant) -> None:
    who = subject("card")
    token = assistant.token(who)
    answer = call(assistant, "POST", "/webhook", token, {"message": f"my card {CARD} was stolen"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["conversation_id"] == who
    assert body["redacted"]["kinds"] == ["CREDIT_CARD"] and body["redacted"]["labels"] == ["card number"]
    assert "card number" in body["redacted"]["notice"]
    assert body["messages"] and all("recipient_id" not in m for m in body["messages"])
    assert all(body["redacted"]["notice"] != m.get("text") for m in body["messages"])  # the notice is apart
    assert say(assistant, token, "thanks")["redacted"] is None
    seen = report(assistant, token)
    assert seen["messages"] == 2
    assert seen["redacted"] == [{"kind": "CREDIT_CARD", "label": "card number", "values": 1, "mentions": 1}]
    assert_absent([answer.text, json.dumps(seen)], CARD_FORMS)


@pytest.mark.servers
def test_a_token_for_one_customer_never_reaches_anothers_conversation(assistant: RunningAssistant) -> None:
    alice, bob = subject("alice"), subject("bob")
    alice_token, bob_token = assistant.token(alice), assistant.token(bob)
    say(assistant, bob_token, f"my card is {CARD}")
    say(assistant, alice_token, "hello")
    # Alice cannot name Bob's conversation, in the body or in the query.
    assert_error(call(assistant, "POST", "/webhook", alice_token, {"message": "hi", "sender": bob}), 400)
    assert_error(call(assistant, "POST", "/webhook", alice_token, {"message": "hi", "sender_id": bob}), 400)
    leaked = call(assistant, "GET", f"/privacy-report?conversation_id={bob}&sender={bob}", alice_token).json()
    assert leaked["conversation_id"] == alice and leaked["messages"] == 1 and leaked["redacted"] == []
    # Erasing as Alice leaves Bob's conversation intact.
    erased = call(assistant, "DELETE", f"/conversation?conversation_id={bob}", alice_token)
    assert erased.json() == {"conversation_id": alice, "erased": True, "kept_elsewhere": []}
    assert report(assistant, alice_token)["messages"] == 0
    bobs = report(assistant, bob_token)
    assert bobs["messages"] == 1 and bobs["redacted"][0]["kind"] == "CREDIT_CARD"


@pytest.mark.servers
def test_a_transfer_reveal_is_reported_with_its_purpose_and_erase_forgets_it(assistant: RunningAssistant) -> None:
    who = subject("transfer")
    token = assistant.token(who)
    first = say(assistant, token, f"transfer £20 to {IBAN} from my current account")
    assert first["redacted"]["kinds"] == ["IBAN_CODE"]
    texts = " ".join(m.get("text", "") for m in first["messages"])
    assert "confirm" in texts.lower(), texts
    done = say(assistant, token, "yes")
    assert any(m.get("text", "").startswith("Done") for m in done["messages"]), done
    seen = report(assistant, token)
    assert {"kind": "IBAN_CODE", "label": "IBAN", "values": 1, "mentions": 1} in seen["redacted"]
    reveals = seen["reveals"]
    assert [(r["placeholder"], r["kind"], r["purpose"]) for r in reveals] == [
        ("<IBAN_CODE_1>", "IBAN_CODE", "transfer to new payee")]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", reveals[0]["revealed_at"])
    assert_absent([json.dumps(first), json.dumps(done), json.dumps(seen)], IBAN_FORMS)
    assert call(assistant, "DELETE", "/conversation", token).json() == {
        "conversation_id": who, "erased": True, "kept_elsewhere": []}
    assert report(assistant, token) == {"conversation_id": who, "messages": 0, "redacted": [], "reveals": []}
    # Erasing again is fine: there is nothing left.
    assert call(assistant, "DELETE", "/conversation", token).status_code == 200


@pytest.mark.servers
def test_a_retry_with_the_same_idempotency_key_is_answered_once(assistant: RunningAssistant) -> None:
    who = subject("retry")
    token = assistant.token(who)
    key = uuid.uuid4().hex
    first = call(assistant, "POST", "/webhook", token, {"message": "hello"}, headers={"Idempotency-Key": key})
    again = call(assistant, "POST", "/webhook", token, {"message": "hello"}, headers={"Idempotency-Key": key})
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert (first.headers["Idempotent-Replayed"], again.headers["Idempotent-Replayed"]) == ("false", "true")
    assert report(assistant, token)["messages"] == 1
    conflict = call(assistant, "POST", "/webhook", token, {"message": "bye"}, headers={"Idempotency-Key": key})
    assert_error(conflict, 422)
    # The same key from another customer is another request.
    other = call(assistant, "POST", "/webhook", assistant.token(subject("other")), {"message": "hello"},
                 headers={"Idempotency-Key": key})
    assert other.headers["Idempotent-Replayed"] == "false"


@pytest.mark.servers
def test_concurrent_retries_wait_for_the_first_and_are_handled_once(assistant: RunningAssistant) -> None:
    who = subject("concurrent")
    token = assistant.token(who)
    key = uuid.uuid4().hex
    answers: List[requests.Response] = []

    def send() -> None:
        answers.append(call(assistant, "POST", "/webhook", token, {"message": "what is my balance"},
                            headers={"Idempotency-Key": key}))

    threads = [threading.Thread(target=send) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert len({a.text for a in answers}) == 1
    assert sorted(a.headers["Idempotent-Replayed"] for a in answers) == ["false", "true", "true"]
    assert report(assistant, token)["messages"] == 1


@pytest.mark.servers
def test_an_erase_scope_alone_cannot_read(assistant: RunningAssistant) -> None:
    eraser = assistant.token(subject("eraser"), [SCOPE_PRIVACY_ERASE])
    assert call(assistant, "DELETE", "/conversation", eraser).status_code == 200
    assert_error(call(assistant, "GET", "/privacy-report", eraser), 403)
