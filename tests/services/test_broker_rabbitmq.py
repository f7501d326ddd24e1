"""The redacting event broker around Rasa's pika broker, on a real RabbitMQ server.

The broker is built as Rasa builds it, from an endpoints file through
``EventBroker.create``, on a queue and a fanout exchange of this run only (so
no other publisher's events reach them). The queue is then read with a client
connection of our own, not through Rasa, and every message searched for every
canary in every normalised form.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any, Dict, Iterator, List, Sequence, Tuple

import pytest
import yaml
from rasa.core.brokers.broker import EventBroker
from rasa.core.brokers.pika import PikaEventBroker
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered

from bot.privacy.memory import DigestMemory
from bot.runtime import shared_redactor
from bot.stores import RedactingEventBroker
from tests.leaks.canaries import Canary, generate, search
from tests.services.support import broker_config, consume, delete_queue_and_exchange

pytestmark = pytest.mark.services

# Two of every kind the engine detects; values split over two messages are the channel's concern.
CANARIES = [c for c in generate(seed=20261202, count=46) if c.followup is None]
PLACEHOLDER = re.compile(r"<([A-Z_]+)_\d+>")


def published_events(sender: str, canaries: Sequence[Canary]) -> List[Dict[str, Any]]:
    """What Rasa's tracker store publishes for a conversation: ``{"sender_id": ..., **event.as_dict()}``.

    Every event has its own timestamp, which the broker keeps: the key that tells a duplicate.
    """
    start = time.time()
    events: List[Event] = []
    for index, canary in enumerate(canaries):
        at = start + 4 * index
        intent = {"name": "inform", "confidence": 0.88}
        events += [
            UserUttered(canary.message, intent=intent,
                        parse_data={"text": canary.message, "intent": intent, "entities": []},
                        input_channel="rest", message_id=uuid.uuid4().hex, timestamp=at),
            ActionExecuted("action_check_details", timestamp=at + 1),
            SlotSet("details", canary.message, timestamp=at + 2),
            BotUttered(f"Just to check: {canary.message}?",
                       data={"buttons": [{"title": f"Yes, {canary.message}", "payload": "/affirm"}]},
                       metadata={"utter_action": "utter_check_details"}, timestamp=at + 3),
        ]
    return [{"sender_id": sender, **event.as_dict()} for event in events]


async def publish_and_consume(
    config: Dict[str, Any], endpoints_file: Path, rabbitmq_url: str, queue: str, events: List[Dict[str, Any]]
) -> Tuple[List[Dict[str, Any]], RedactingEventBroker]:
    """Create the broker as Rasa does, publish ``events``, read them back from the queue, close the broker."""
    endpoints_file.write_text(yaml.safe_dump({"event_broker": config}))
    broker = await EventBroker.create(AvailableEndpoints.read_endpoints(str(endpoints_file)).event_broker)
    # Rasa returns no broker at all, with a warning only, when it cannot load a type.
    assert isinstance(broker, RedactingEventBroker) and isinstance(broker.inner, PikaEventBroker)
    # PikaEventBroker.from_endpoint_config awaits connect(): connection, exchange and bound queue exist now.
    assert broker.is_ready()
    try:
        for event in events:
            broker.publish(event)
        bodies = await consume(rabbitmq_url, queue, len(events))
        # publish() only schedules a task per event: let them finish (their confirms) before closing.
        pending = list(broker.inner._background_tasks)
        if pending:
            await asyncio.wait(pending, timeout=10)
        assert not broker.inner._unpublished_events, "the pika broker failed to publish some events"
    finally:
        await broker.close()
    assert not broker.is_ready()
    return [json.loads(body) for body in bodies], broker


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("var")


@pytest.fixture
def queue_and_exchange(rabbitmq_url: str) -> Iterator[Tuple[str, str]]:
    """A queue and an exchange of this test only, deleted at the end."""
    run = uuid.uuid4().hex
    queue, exchange = f"finbot-test-events-{run}", f"finbot-test-exchange-{run}"
    yield queue, exchange
    delete_queue_and_exchange(rabbitmq_url, queue, exchange)


@pytest.fixture
def sender(var_dir: Path) -> Iterator[str]:
    conversation = f"finbot-services-{uuid.uuid4().hex}"
    yield conversation
    shared_redactor(None, str(var_dir)).forget(conversation)


def test_every_event_arrives_once_with_placeholders_only(
    rabbitmq_url: str, var_dir: Path, tmp_path: Path, queue_and_exchange: Tuple[str, str], sender: str
) -> None:
    queue, exchange = queue_and_exchange
    events = published_events(sender, CANARIES)
    config = broker_config(rabbitmq_url, queue, exchange, var_dir)
    received, broker = asyncio.run(publish_and_consume(config, tmp_path / "endpoints.yml", rabbitmq_url, queue, events))

    assert search({"rabbitmq": "\n".join(json.dumps(r, ensure_ascii=False) for r in received)}, CANARIES) == []
    assert Counter(r["timestamp"] for r in received) == Counter(e["timestamp"] for e in events)  # each exactly once
    expected = {e["timestamp"]: broker.scrubber.event(e, sender) for e in events}
    assert all(r == expected[r["timestamp"]] for r in received)

    redactor = shared_redactor(None, str(var_dir))
    users = sorted((r for r in received if r["event"] == "user"), key=lambda r: r["timestamp"])
    assert [r["text"] for r in users] == [redactor.redact(c.message, sender).text for c in CANARIES]
    assert all(r["sender_id"] == sender and r["parse_data"]["text"] == r["text"] for r in users)
    texts = [r["text"] for r in received if r["event"] in ("user", "bot")]
    slots = [r["value"] for r in received if r["event"] == "slot"]
    assert len(texts) > len(users) and slots  # bot messages and slots too: the checks below are not empty
    assert all(PLACEHOLDER.search(text) for text in texts)
    assert all(PLACEHOLDER.search(value) for value in slots)
    found_types = {m.group(1) for r in received for m in PLACEHOLDER.finditer(json.dumps(r))}
    assert {"CREDIT_CARD", "IBAN_CODE", "US_SSN", "PHONE_NUMBER", "EMAIL_ADDRESS", "PERSON"} <= found_types


def test_a_field_that_cannot_be_redacted_is_published_empty(
    rabbitmq_url: str, var_dir: Path, tmp_path: Path, queue_and_exchange: Tuple[str, str], sender: str,
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    def broken_engine(text: str, thresholds: Dict[str, float]) -> list:
        raise RuntimeError(f"engine down while reading {text}")  # an error that would quote the text

    queue, exchange = queue_and_exchange
    canaries = CANARIES[:8]
    events = published_events(sender, canaries)
    config = broker_config(rabbitmq_url, queue, exchange, var_dir)
    redactor = shared_redactor(None, str(var_dir))
    monkeypatch.setattr(redactor.analyzer, "detect", broken_engine)
    monkeypatch.setattr(redactor, "_detected", DigestMemory(0))  # texts it has not seen: earlier tests sent these
    received, _ = asyncio.run(publish_and_consume(config, tmp_path / "endpoints.yml", rabbitmq_url, queue, events))

    assert sorted(r["timestamp"] for r in received) == sorted(e["timestamp"] for e in events)
    assert [r["text"] for r in received if r["event"] in ("user", "bot")] == [""] * (2 * len(canaries))
    assert [r["value"] for r in received if r["event"] == "slot"] == [""] * len(canaries)
    assert {r["name"] for r in received if r["event"] == "action"} == {"action_check_details"}  # structure kept
    assert search({"rabbitmq": json.dumps(received), "log": caplog.text}, canaries) == []
    assert "could not be redacted" in caplog.text
