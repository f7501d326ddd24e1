"""finbot_client.models through the client: the app channel's answers as dataclasses, and clear errors when not."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Dict, Iterator

import pytest

from fake_app import ERASED, REPLY, REPORT, Answer, FakeAppServer
from finbot_client import (
    BotMessage,
    Button,
    Erasure,
    FinbotClient,
    KindCount,
    PrivacyReport,
    Redaction,
    Reply,
    ResponseError,
    Reveal,
)
from finbot_client.models import parse_time

TOKEN = "header.payload.signature"
FAST: Dict[str, Any] = {"backoff": 0.01, "timeout": 2.0}


@pytest.fixture
def server() -> Iterator[FakeAppServer]:
    with FakeAppServer() as fake:
        yield fake


def test_replies_parse_into_dataclasses(server: FakeAppServer) -> None:
    server.script(Answer(200, REPLY))
    with FinbotClient(server.url, TOKEN, **FAST) as client:
        reply = client.send("my card was stolen")
    assert reply == Reply(
        conversation_id="customer-42",
        messages=(
            BotMessage(text="I hid the card number you typed; I never store it."),
            BotMessage(text="Shall I freeze it?", buttons=(Button("Yes", "/affirm"), Button("No", "/deny"))),
            BotMessage(
                image="data:image/svg+xml;base64,PHN2Zy8+",
                custom={"chart": {"kind": "bar"}},
                extra={"recipient_id": "x"},
            ),
        ),
        redacted=Redaction(kinds=("CREDIT_CARD",), labels=("card number",), notice="card number hidden before saving"),
    )
    assert reply.texts == ("I hid the card number you typed; I never store it.", "Shall I freeze it?")
    with pytest.raises(AttributeError):
        reply.conversation_id = "someone-else"  # type: ignore[misc]


def test_a_reply_with_nothing_hidden_has_redacted_none(server: FakeAppServer) -> None:
    server.script(Answer(200, {"conversation_id": "c", "messages": [{"text": "Hello!"}], "redacted": None}))
    with FinbotClient(server.url, TOKEN, **FAST) as client:
        assert client.send("hi") == Reply("c", (BotMessage(text="Hello!"),), None)


def test_the_privacy_report_parses_with_aware_reveal_times(server: FakeAppServer) -> None:
    server.script(Answer(200, REPORT))
    with FinbotClient(server.url, TOKEN, **FAST) as client:
        report = client.privacy_report()
    moment = datetime(2026, 11, 29, 7, 5, 30, tzinfo=timezone.utc)
    assert report == PrivacyReport(
        conversation_id="customer-42",
        messages=3,
        redacted=(KindCount("CREDIT_CARD", "card number", 1, 2),),
        reveals=(
            Reveal("<ACCOUNT_NUMBER_1>", "ACCOUNT_NUMBER", "transfer", moment),
            Reveal("<IBAN_CODE_1>", "IBAN_CODE", "transfer", moment + timedelta(milliseconds=250)),
        ),
    )
    assert all(reveal.revealed_at.tzinfo is not None for reveal in report.reveals)
    assert server.received[0].method == "GET" and server.received[0].path == "/webhooks/app/privacy-report"


def test_erase_and_openapi_use_their_endpoints(server: FakeAppServer) -> None:
    server.script(Answer(200, ERASED), Answer(200, {"openapi": "3.1.0", "paths": {}}))
    with FinbotClient(server.url + "/", TOKEN, **FAST) as client:
        assert client.erase() == Erasure(conversation_id="customer-42", erased=True)
        assert client.openapi()["openapi"] == "3.1.0"
    assert [(r.method, r.path) for r in server.received] == [
        ("DELETE", "/webhooks/app/conversation"),
        ("GET", "/webhooks/app/openapi.json"),
    ]


@pytest.mark.parametrize(
    "answer, fragment",
    [
        (Answer(200, b"<html>not json</html>", {"Content-Type": "text/html"}), "not with JSON (text/html)"),
        (Answer(200, b'{"conversation_id": "c", "messa'), "not with JSON"),
        (Answer(200, ["a list"]), "the reply must be a JSON object"),
        (Answer(200, {"messages": [], "redacted": None}), "conversation_id is missing"),
        (Answer(200, {"conversation_id": "c", "messages": {}, "redacted": None}), "messages must be of type array"),
        (Answer(200, {"conversation_id": "c", "messages": [{"text": 5}]}), "messages[0].text must be of type string"),
        (
            Answer(200, {"conversation_id": "c", "messages": [{"buttons": [{"title": "Yes"}]}]}),
            "messages[0].buttons[0].payload is missing",
        ),
        (Answer(200, {"conversation_id": "c", "messages": [], "redacted": {"kinds": "CREDIT_CARD"}}), "redacted.kinds"),
    ],
)
def test_a_reply_that_breaks_the_contract_is_a_clear_response_error(
    server: FakeAppServer, answer: Answer, fragment: str
) -> None:
    server.script(answer)
    with FinbotClient(server.url, TOKEN, **FAST) as client, pytest.raises(ResponseError) as caught:
        client.send("hi")
    assert fragment in str(caught.value) and str(caught.value).startswith("POST /webhooks/app/webhook: ")
    assert len(server.received) == 1  # a 200 is not retried, even a broken one


@pytest.mark.parametrize(
    "change, fragment",
    [
        ({"messages": True}, "messages must be of type integer"),
        ({"messages": -1}, "messages must not be negative"),
        ({"reveals": [{**REPORT["reveals"][0], "revealed_at": "yesterday"}]}, "reveals[0].revealed_at is not an ISO"),
        ({"redacted": [{"kind": "CREDIT_CARD", "label": "card number", "values": "1", "mentions": 1}]}, "values"),
    ],
)
def test_a_report_that_breaks_the_contract_names_the_field(
    server: FakeAppServer, change: Dict[str, Any], fragment: str
) -> None:
    server.script(Answer(200, {**REPORT, **change}))
    with FinbotClient(server.url, TOKEN, **FAST) as client, pytest.raises(ResponseError) as caught:
        client.privacy_report()
    assert fragment in str(caught.value)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-11-29T07:05:30Z", datetime(2026, 11, 29, 7, 5, 30, tzinfo=timezone.utc)),
        ("2026-11-29T07:05:30+00:00", datetime(2026, 11, 29, 7, 5, 30, tzinfo=timezone.utc)),
        ("2026-11-29T02:05:30.5-05:00", datetime(2026, 11, 29, 7, 5, 30, 500000, tzinfo=timezone.utc)),
        ("2026-11-29T07:05:30.123456789Z", datetime(2026, 11, 29, 7, 5, 30, 123456, tzinfo=timezone.utc)),
        ("2026-11-29T07:05:30", datetime(2026, 11, 29, 7, 5, 30, tzinfo=timezone.utc)),  # no offset: UTC
    ],
)
def test_reveal_times_are_read_as_aware_instants(text: str, expected: datetime) -> None:
    parsed = parse_time(text)
    assert parsed == expected and parsed.utcoffset() is not None


@pytest.mark.parametrize("text", ["yesterday", "", "29/11/2026 07:05", "2026-11-29T25:00:00Z"])
def test_a_time_that_is_not_iso_8601_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_time(text)
