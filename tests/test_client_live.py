"""finbot_client against the real assistant (the shared ``assistant`` fixture): the contract, end to end.

Each test talks in its own conversation (a fresh token subject), so the tests
share one ``finbot run`` without seeing each other's messages.
"""

from __future__ import annotations

import re
import uuid
from typing import Iterator, List

import pytest

from bot.channels.auth import SCOPE_CHAT, SCOPE_PRIVACY_ERASE, SCOPE_PRIVACY_READ
from finbot_client import AuthenticationError, FinbotClient, KindCount, PermissionDeniedError, Reply
from tests.support.servers import RunningAssistant

pytestmark = pytest.mark.servers

CARD = "4111 1111 1111 1111"
TIMEOUT = 60.0  # the first message of a run loads the NLU model's encoder


def subject(label: str) -> str:
    return f"client-{label}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def client(assistant: RunningAssistant) -> Iterator[FinbotClient]:
    with FinbotClient(assistant.rasa_url, assistant.token(subject("main")), timeout=TIMEOUT, retries=1) as finbot:
        yield finbot


def everything_said(reply: Reply) -> str:
    """All the reply carries, texts, buttons and custom payloads alike, as one string."""
    return repr(reply.messages)


def test_hi_gets_a_reply_with_text(client: FinbotClient) -> None:
    reply = client.send("hi")
    assert reply.texts and all(text.strip() for text in reply.texts)
    assert reply.redacted is None


def test_a_card_number_is_hidden_counted_and_erased(client: FinbotClient) -> None:
    reply = client.send(f"my card number is {CARD}, can you freeze it?")
    assert reply.redacted is not None and reply.redacted.kinds == ("CREDIT_CARD",)
    assert reply.redacted.notice and "4111" not in reply.redacted.notice
    said = everything_said(reply)
    assert CARD not in said and CARD.replace(" ", "") not in re.sub(r"[\s-]", "", said)

    report = client.privacy_report()
    assert report.conversation_id == reply.conversation_id and report.messages == 1
    assert [count for count in report.redacted if count.kind == "CREDIT_CARD"] == [
        KindCount("CREDIT_CARD", report.redacted[0].label, values=1, mentions=1)
    ]
    assert "4111" not in repr(report)

    erasure = client.erase()
    assert erasure.erased and erasure.conversation_id == reply.conversation_id
    after = client.privacy_report()
    assert after.messages == 0 and after.redacted == () and after.reveals == ()


def test_a_repeated_idempotency_key_says_the_message_once(client: FinbotClient) -> None:
    key = f"retry-{uuid.uuid4()}"
    first = client.send("what is my balance?", idempotency_key=key)
    again = client.send("what is my balance?", idempotency_key=key)
    assert again == first
    assert client.privacy_report().messages == 1


def test_a_token_without_the_chat_scope_is_permission_denied(assistant: RunningAssistant) -> None:
    reader = assistant.token(subject("reader"), [SCOPE_PRIVACY_READ, SCOPE_PRIVACY_ERASE])
    with FinbotClient(assistant.rasa_url, reader, timeout=TIMEOUT, retries=3) as finbot:
        with pytest.raises(PermissionDeniedError) as caught:
            finbot.send("hi")
        assert caught.value.status == 403 and "chat" in caught.value.message
        assert finbot.privacy_report().messages == 0  # the refused message was never said


def test_an_expired_token_is_an_authentication_error_and_a_fresh_one_works(assistant: RunningAssistant) -> None:
    who = subject("refresh")
    tokens: List[str] = []

    def latest() -> str:
        tokens.append(assistant.token(who, [SCOPE_CHAT]))
        return tokens[-1]

    expired = assistant.token(who, [SCOPE_CHAT], ttl_seconds=-600)
    with FinbotClient(assistant.rasa_url, expired, timeout=TIMEOUT) as finbot, pytest.raises(AuthenticationError):
        finbot.send("hi")
    with FinbotClient(assistant.rasa_url, latest, timeout=TIMEOUT) as finbot:
        assert finbot.send("hi").conversation_id == who
    assert len(tokens) == 1


def test_the_openapi_document_describes_the_paths_the_client_calls(client: FinbotClient) -> None:
    paths = client.openapi()["paths"]
    assert {"/webhooks/app/webhook", "/webhooks/app/privacy-report", "/webhooks/app/conversation"} <= set(paths)
    assert "post" in paths["/webhooks/app/webhook"] and "delete" in paths["/webhooks/app/conversation"]
