"""The redacting tracker store around Rasa's SQL tracker store, on a real PostgreSQL server.

The store is built as Rasa builds it, from an endpoints file through
``TrackerStore.create``. What lands in PostgreSQL is read back with SQLAlchemy,
not through Rasa, and searched for every canary in every normalised form.
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from pathlib import Path
from typing import Dict, Iterator, List, Sequence

import pytest
import sqlalchemy as sa
import yaml
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy.memory import DigestMemory
from bot.runtime import shared_redactor
from bot.stores import RedactingTrackerStore
from tests.leaks.canaries import Canary, generate, search
from tests.services.support import delete_event_rows, dump_rows, event_rows, tracker_store_config

pytestmark = pytest.mark.services

# Two of every kind the engine detects. Values split over two messages are the
# channel's concern (it carries the context), not the store's, so they are left out.
GENERATED = [c for c in generate(seed=20261201, count=46) if c.followup is None]
# The advertised (never issued) SSN: stdnum rejects it, so only its cue gives it away.
ADVERTISED_SSN = Canary("US_SSN", "078-05-1120", "my SSN is 078-05-1120")
CANARIES = [*GENERATED, ADVERTISED_SSN]
# Kinds the engine finds without a cue: such a value may stand alone in a slot or an entity.
STANDALONE_KINDS = frozenset({
    "CREDIT_CARD", "IBAN_CODE", "US_SSN", "PHONE_NUMBER", "EMAIL_ADDRESS", "PERSON", "ADDRESS", "UK_NINO", "IP_ADDRESS",
})
PLACEHOLDER = re.compile(r"<([A-Z_]+)_\d+>")

DOMAIN = Domain.from_dict({"slots": {
    "payee": {"type": "any", "mappings": [{"type": "custom"}]},
    "details": {"type": "any", "mappings": [{"type": "custom"}]},
}})


def stands_alone(canary: Canary) -> bool:
    return canary in GENERATED and canary.kind in STANDALONE_KINDS


def conversation_events(canaries: Sequence[Canary]) -> List[Event]:
    """User, action, slot and bot events of a conversation in which each canary is typed, echoed and kept."""
    events: List[Event] = []
    for canary in canaries:
        start = canary.message.find(canary.value)
        entities = [{"entity": canary.kind.lower(), "value": canary.value, "start": start,
                     "end": start + len(canary.value)}] if stands_alone(canary) else []
        intent = {"name": "inform", "confidence": 0.91}
        events += [
            ActionExecuted("action_listen"),
            UserUttered(
                canary.message, intent=intent, entities=entities,
                parse_data={"text": canary.message, "intent": intent, "entities": entities,
                            "intent_ranking": [intent]},
                input_channel="rest", message_id=uuid.uuid4().hex, metadata={"typed": canary.message},
            ),
            ActionExecuted("action_check_details"),
            SlotSet("details", canary.message),
            *([SlotSet("payee", canary.value)] if stands_alone(canary) else []),
            BotUttered(f"Just to check: {canary.message}?",
                       data={"buttons": [{"title": f"Yes, {canary.message}", "payload": "/affirm"}]},
                       metadata={"utter_action": "utter_check_details"}),
        ]
    return events


def tracker_of(sender: str, events: Sequence[Event]) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(sender, list(events), slots=DOMAIN.slots)


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("var")


@pytest.fixture(scope="module")
def database(postgres_url: str) -> Iterator[sa.engine.Engine]:
    engine = sa.create_engine(postgres_url, future=True)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def store(postgres_url: str, var_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TrackerStore]:
    endpoints = tmp_path_factory.mktemp("endpoints") / "endpoints.yml"
    endpoints.write_text(yaml.safe_dump({"tracker_store": tracker_store_config(postgres_url, var_dir)}))
    created = TrackerStore.create(AvailableEndpoints.read_endpoints(str(endpoints)).tracker_store, domain=DOMAIN)
    yield created
    inner = getattr(created, "inner", None)
    if isinstance(inner, SQLTrackerStore):
        inner.engine.dispose()


@pytest.fixture
def sender(database: sa.engine.Engine, var_dir: Path) -> Iterator[str]:
    """A conversation id of this run only; its rows, placeholder numbering and vault entries go at the end."""
    conversation = f"finbot-services-{uuid.uuid4().hex}"
    yield conversation
    delete_event_rows(database, [conversation])
    shared_redactor(None, str(var_dir)).forget(conversation)


def test_rasa_loads_the_redacting_store_around_postgresql(store: TrackerStore) -> None:
    # Rasa falls back to an in-memory store, with a warning only, when it cannot load a type.
    assert isinstance(store, RedactingTrackerStore)
    assert isinstance(store.inner, SQLTrackerStore)
    assert store.inner.engine.dialect.name == "postgresql"
    assert store.domain is DOMAIN  # handed through to the wrapped store


def test_postgresql_rows_hold_placeholders_only(
    store: TrackerStore, database: sa.engine.Engine, sender: str, var_dir: Path
) -> None:
    events = conversation_events(CANARIES)
    half = len(events) // 2

    async def scenario() -> DialogueStateTracker | None:
        await store.save(tracker_of(sender, events[:half]))
        await store.save(tracker_of(sender, events))  # a later turn: only the new events are appended
        return await store.retrieve(sender)

    retrieved = asyncio.run(scenario())
    rows = event_rows(database, [sender])

    assert search({"events": dump_rows(rows)}, CANARIES) == []
    assert [row.type_name for row in rows] == [event.type_name for event in events]
    assert [row.action_name for row in rows] == [event.as_dict().get("name") for event in events]

    # Each text is the redaction of the original in this conversation: the same placeholders, the words kept.
    redactor = shared_redactor(None, str(var_dir))
    data = [json.loads(row.data) for row in rows]
    users = [d for d in data if d["event"] == "user"]
    assert [d["text"] for d in users] == [redactor.redact(c.message, sender).text for c in CANARIES]
    assert all(PLACEHOLDER.search(d["text"]) for d in users)
    assert all(d["parse_data"]["text"] == d["text"] == d["metadata"]["typed"] for d in users)
    assert {row.intent_name for row in rows if row.type_name == "user"} == {"inform"}
    entity_values = [e["value"] for d in users for e in d["parse_data"]["entities"]]
    assert len(entity_values) == sum(stands_alone(c) for c in CANARIES) > 0
    assert all(PLACEHOLDER.fullmatch(value) for value in entity_values)
    payees = [d["value"] for d in data if d["event"] == "slot" and d["name"] == "payee"]
    assert len(payees) == len(entity_values) and all(PLACEHOLDER.fullmatch(value) for value in payees)
    bots = [d for d in data if d["event"] == "bot"]
    assert bots and all(PLACEHOLDER.search(d["text"]) and PLACEHOLDER.search(d["data"]["buttons"][0]["title"])
                        for d in bots)
    found_types = {match.group(1) for match in PLACEHOLDER.finditer(dump_rows(rows))}
    assert {"CREDIT_CARD", "IBAN_CODE", "US_SSN", "PHONE_NUMBER", "EMAIL_ADDRESS", "PERSON"} <= found_types

    # Read back through the store: every event, in order, as stored.
    assert retrieved is not None
    assert [(e.type_name, e.timestamp) for e in retrieved.events] == [(e.type_name, e.timestamp) for e in events]
    assert [e.text for e in retrieved.events if isinstance(e, UserUttered)] == [d["text"] for d in users]
    assert retrieved.get_slot("payee") == payees[-1]
    assert retrieved.get_slot("details") == [d["value"] for d in data if d.get("name") == "details"][-1]


def test_the_raw_rows_would_show_a_leak(store: TrackerStore, database: sa.engine.Engine, sender: str) -> None:
    # The control: saved past the redaction, every canary is found in the same rows by the same search.
    assert isinstance(store, RedactingTrackerStore)
    asyncio.run(store.inner.save(tracker_of(sender, conversation_events(CANARIES))))
    hits = search({"events": dump_rows(event_rows(database, [sender]))}, CANARIES)
    assert hits == [f"canary #{index} ({canary.kind}) in events" for index, canary in enumerate(CANARIES)]


def test_a_field_that_cannot_be_redacted_is_stored_empty(
    store: TrackerStore, database: sa.engine.Engine, sender: str, var_dir: Path,
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    def broken_engine(text: str, thresholds: Dict[str, float]) -> list:
        raise RuntimeError(f"engine down while reading {text}")  # an error that would quote the text

    redactor = shared_redactor(None, str(var_dir))
    monkeypatch.setattr(redactor.analyzer, "detect", broken_engine)
    monkeypatch.setattr(redactor, "_detected", DigestMemory(0))  # texts it has not seen: earlier tests sent these
    canaries = [c for c in CANARIES if stands_alone(c)][:6]
    events = conversation_events(canaries)
    asyncio.run(store.save(tracker_of(sender, events)))

    rows = event_rows(database, [sender])
    data = [json.loads(row.data) for row in rows]
    assert [row.type_name for row in rows] == [event.type_name for event in events]  # structure kept
    assert [d["text"] for d in data if d["event"] in ("user", "bot")] == [""] * (2 * len(canaries))
    assert [d["value"] for d in data if d["event"] == "slot"] == [""] * (2 * len(canaries))
    assert {row.intent_name for row in rows if row.type_name == "user"} == {"inform"}
    assert search({"events": dump_rows(rows), "log": caplog.text}, canaries) == []
    assert "could not be redacted" in caplog.text
