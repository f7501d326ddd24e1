"""The redacting tracker store and event broker: every text-bearing field is redacted before it is kept."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import re
import sqlite3
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy.errors import RedactionError, VaultError
from bot.stores import EventScrubber, RedactingEventBroker, RedactingTrackerStore

CARD = "4111 1111 1111 1111"
IBAN = "GB82WEST12345698765432"
NAME = "Jane Doe"


def fake_redact(text: str, conversation: str, after: Optional[str] = None) -> str:
    text = re.sub(r"\b4111(?: ?1111){3}\b", "<CREDIT_CARD_1>", text)
    text = text.replace(IBAN, "<IBAN_CODE_1>")
    return text.replace(NAME, "<PERSON_1>")


DOMAIN = Domain.from_dict({"slots": {"payee": {"type": "any", "mappings": [{"type": "custom"}]},
                                     "account": {"type": "any", "mappings": [{"type": "custom"}]}}})


def leaky_tracker(sender: str = "c1") -> DialogueStateTracker:
    events = [
        ActionExecuted("action_listen"),
        UserUttered(
            f"pay {NAME} from card {CARD}",
            intent={"name": "transfer", "confidence": 0.9},
            entities=[{"entity": "payee", "value": NAME, "start": 4, "end": 12}],
            parse_data={"text": f"pay {NAME} from card {CARD}", "intent": {"name": "transfer", "confidence": 0.9},
                        "entities": [{"entity": "payee", "value": NAME, "start": 4, "end": 12}]},
            metadata={"note": f"IBAN {IBAN}"},
        ),
        SlotSet("payee", NAME),
        SlotSet("account", {"iban": IBAN, "numbers": [4111111111111111]}),
        BotUttered(f"Send to {NAME} at {IBAN}?",
                   data={"buttons": [{"title": f"Yes, pay {NAME}", "payload": "/affirm"}]},
                   metadata={"echo": CARD}),
        ActionExecuted("action_listen"),
    ]
    return DialogueStateTracker.from_events(sender, events, slots=DOMAIN.slots)


def assert_clean(dump: str) -> None:
    for canary in (CARD, CARD.replace(" ", ""), IBAN, NAME):
        assert canary not in dump, f"{canary!r} leaked"


def test_scrubber_redacts_every_text_field_and_keeps_structure() -> None:
    scrubber = EventScrubber(fake_redact)
    originals = [e.as_dict() for e in leaky_tracker().events]
    events = scrubber.events(originals, "c1")
    dump = json.dumps(events)
    assert_clean(dump)
    assert events[1]["parse_data"]["intent"] == {"name": "transfer", "confidence": 0.9}
    assert events[1]["parse_data"]["entities"][0] == {"entity": "payee", "value": "<PERSON_1>", "start": 4, "end": 12}
    assert events[2] == {**originals[2], "value": "<PERSON_1>"}
    assert events[0] == originals[0]  # structure only: untouched
    assert events[3]["value"]["numbers"] == ["<CREDIT_CARD_1>"]


def test_a_field_that_cannot_be_redacted_is_dropped() -> None:
    def failing(text: str, conversation: str, after: Optional[str] = None) -> str:
        raise RedactionError("engine down")

    events = EventScrubber(failing).events([UserUttered(f"card {CARD}").as_dict()], "c1")
    assert events[0]["text"] == ""
    assert_clean(json.dumps(events))


def test_a_numbering_database_outage_fails_the_save_instead_of_blanking_the_field(tmp_path: Path) -> None:
    def database_down(text: str, conversation: str, after: Optional[str] = None) -> str:
        raise VaultError("the vault database is unavailable: OperationalError")

    with pytest.raises(VaultError):
        EventScrubber(database_down).events([UserUttered(f"card {CARD}").as_dict()], "c1")
    inner = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "t.db"))
    store = RedactingTrackerStore(DOMAIN, inner=inner, scrubber=EventScrubber(database_down))
    with pytest.raises(VaultError):
        asyncio.run(store.save(leaky_tracker("c9")))
    assert asyncio.run(inner.retrieve("c9")) is None  # nothing of the turn was kept


def test_sqlite_tracker_store_keeps_placeholders_only(tmp_path: Path) -> None:
    db = tmp_path / "tracker.db"
    inner = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db))
    store = RedactingTrackerStore(DOMAIN, inner=inner, scrubber=EventScrubber(fake_redact))

    async def scenario() -> DialogueStateTracker:
        tracker = leaky_tracker()
        await store.save(tracker)
        # A second save of a longer tracker appends only the new events.
        tracker.update(UserUttered(f"my name is {NAME}"))
        await store.save(tracker)
        stored = await store.retrieve("c1")
        assert stored is not None
        return stored

    stored = asyncio.run(scenario())
    rows = sqlite3.connect(db).execute("SELECT data FROM events").fetchall()
    assert len(rows) == len(leaky_tracker().events) + 1
    assert_clean(db.read_bytes().decode("latin-1"))
    assert stored.latest_message is not None and stored.latest_message.text == "my name is <PERSON_1>"
    assert stored.get_slot("payee") == "<PERSON_1>"


def test_configured_from_endpoints_like_rasa_does(tmp_path: Path) -> None:
    store = RedactingTrackerStore(
        DOMAIN, store={"type": "SQL", "dialect": "sqlite", "db": str(tmp_path / "t.db")},
        scrubber=EventScrubber(fake_redact),
    )
    assert isinstance(store.inner, SQLTrackerStore)
    with pytest.raises(ValueError, match="store:"):
        RedactingTrackerStore(DOMAIN, scrubber=EventScrubber(fake_redact))


class RecordingBroker(EventBroker):
    def __init__(self) -> None:
        self.published: List[Dict[str, Any]] = []

    def publish(self, event: Dict[str, Any]) -> None:
        self.published.append(event)


def test_broker_publishes_placeholders_only() -> None:
    inner = RecordingBroker()
    broker = RedactingEventBroker(inner, EventScrubber(fake_redact))
    store = RedactingTrackerStore(DOMAIN, inner=InMemoryTrackerStore(DOMAIN, event_broker=broker),
                                  scrubber=EventScrubber(fake_redact))
    asyncio.run(store.save(leaky_tracker()))
    assert len(inner.published) == len(leaky_tracker().events)
    assert all(event["sender_id"] == "c1" for event in inner.published)
    assert_clean(json.dumps(inner.published))
    # Published directly (as Rasa's processor does for some events), still redacted.
    broker.publish({"sender_id": "c1", "event": "user", "text": f"card {CARD}"})
    assert inner.published[-1]["text"] == "card <CREDIT_CARD_1>"


def counting(walks: List[str]) -> EventScrubber:
    def redact(text: str, conversation: str, after: Optional[str]) -> str:
        walks.append(conversation)
        return fake_redact(text, conversation, after)

    return EventScrubber(redact)


def test_events_the_store_redacted_are_published_without_a_second_walk(tmp_path: Path) -> None:
    """With the broker's scrubber (one policy for both), the store's inner store publishes to the broker's
    own broker: what it publishes the store has redacted."""
    inner, walks = RecordingBroker(), []  # type: ignore[var-annotated]
    scrubber = counting(walks)
    broker = RedactingEventBroker(inner, scrubber)
    store = RedactingTrackerStore(
        DOMAIN, event_broker=broker, store={"type": "SQL", "dialect": "sqlite", "db": str(tmp_path / "t.db")},
        scrubber=scrubber,
    )
    assert store.inner.event_broker is inner and store.event_broker is broker
    asyncio.run(store.save(leaky_tracker()))
    walked = len(walks)
    assert len(inner.published) == len(leaky_tracker().events)
    assert_clean(json.dumps(inner.published))
    store.scrubber = EventScrubber(fake_redact)  # now only a second walk, by the broker, would count
    asyncio.run(store.save(leaky_tracker("c2")))
    assert len(walks) == walked and len(inner.published) == 2 * len(leaky_tracker().events)
    # Anything else published through the redacting broker is still redacted by it.
    broker.publish({"sender_id": "c1", "event": "user", "text": f"card {CARD} again"})
    assert inner.published[-1]["text"] == "card <CREDIT_CARD_1> again" and len(walks) == walked + 1


def test_a_broker_with_a_policy_of_its_own_redacts_what_the_store_publishes(tmp_path: Path) -> None:
    """A store that keeps card numbers, a broker that hides them: the broker still walks every event."""
    inner, walks = RecordingBroker(), []  # type: ignore[var-annotated]
    broker = RedactingEventBroker(inner, counting(walks))
    store = RedactingTrackerStore(
        DOMAIN, event_broker=broker, store={"type": "SQL", "dialect": "sqlite", "db": str(tmp_path / "t.db")},
        scrubber=EventScrubber(lambda text, conversation, after: text),
    )
    assert store.inner.event_broker is broker
    asyncio.run(store.save(leaky_tracker()))
    assert walks and len(inner.published) == len(leaky_tracker().events)
    assert_clean(json.dumps(inner.published))


class ForgetfulRedactor:
    """Records which conversations it was asked to forget (vault entries and numbering)."""

    def __init__(self) -> None:
        self.forgotten: List[str] = []

    def forget(self, conversation: str) -> None:
        self.forgotten.append(conversation)


ERASABLE = Domain.from_dict({"slots": {
    "erase_conversation": {"type": "bool", "influence_conversation": False, "mappings": [{"type": "custom"}]}}})


@pytest.mark.parametrize("kind", ["sql", "memory"])
def test_setting_the_erase_slot_erases_the_conversation_and_its_vault_entries(tmp_path: Path, kind: str) -> None:
    from rasa.core.brokers.sql import SQLEventBroker

    broker = RedactingEventBroker(SQLEventBroker(dialect="sqlite", db=str(tmp_path / "e.db")),
                                  EventScrubber(fake_redact))
    inner = (SQLTrackerStore(ERASABLE, dialect="sqlite", db=str(tmp_path / "t.db"), event_broker=broker)
             if kind == "sql" else InMemoryTrackerStore(ERASABLE, event_broker=broker))
    redactor = ForgetfulRedactor()
    store = RedactingTrackerStore(ERASABLE, inner=inner, event_broker=broker, scrubber=EventScrubber(fake_redact),
                                  redactor=redactor)  # type: ignore[arg-type]

    async def scenario() -> List[Any]:
        for sender in ("forget-me", "keep-me"):
            await store.save(DialogueStateTracker.from_events(
                sender, [ActionExecuted("action_listen"), UserUttered("hello")], slots=ERASABLE.slots))
        tracker = await store.retrieve("forget-me")
        assert tracker is not None and len(tracker.events) == 2
        tracker.update(SlotSet("erase_conversation", True))
        await store.save(tracker)
        return [await store.retrieve("forget-me"), await store.retrieve("keep-me")]

    forgotten, kept = asyncio.run(scenario())
    assert forgotten is None
    assert kept is not None and [e.as_dict().get("text") for e in kept.events][-1] == "hello"
    assert redactor.forgotten == ["forget-me"]
    published = sqlite3.connect(tmp_path / "e.db").execute("SELECT sender_id FROM events").fetchall()
    assert {"keep-me"} == {row[0] for row in published}  # the event broker's copy is gone too


class StreamingBroker(EventBroker):
    """Stands for a broker that passes events on (RabbitMQ, Kafka): what it published is out of reach."""

    def __init__(self) -> None:
        self.published: List[Dict[str, Any]] = []

    def publish(self, event: Dict[str, Any]) -> None:
        self.published.append(event)


@pytest.mark.parametrize("streaming", [False, True])
def test_an_erase_says_what_it_erased_and_what_stays_and_leaves_an_audit_line_without_values(
        tmp_path: Path, streaming: bool, caplog: pytest.LogCaptureFixture) -> None:
    from rasa.core.brokers.sql import SQLEventBroker

    inner_broker = StreamingBroker() if streaming else SQLEventBroker(dialect="sqlite", db=str(tmp_path / "e.db"))
    broker = RedactingEventBroker(inner_broker, EventScrubber(fake_redact))
    store = RedactingTrackerStore(ERASABLE, inner=InMemoryTrackerStore(ERASABLE, event_broker=broker),
                                  event_broker=broker, scrubber=EventScrubber(fake_redact),
                                  redactor=ForgetfulRedactor())  # type: ignore[arg-type]
    asyncio.run(store.save(DialogueStateTracker.from_events("c7", [UserUttered("my card is 4111 1111 1111 1111")])))
    with caplog.at_level(logging.INFO, logger="bot.audit"):
        erasure = asyncio.run(store.erase("c7"))
    assert "tracker store" in erasure.erased and "placeholder numbering and vault values" in erasure.erased
    if streaming:
        assert len(erasure.kept_elsewhere) == 1 and "StreamingBroker" in erasure.kept_elsewhere[0]
        assert "placeholders, never the values" in erasure.kept_elsewhere[0]
    else:
        assert "event broker" in erasure.erased and erasure.kept_elsewhere == ()
    [line] = [record.getMessage() for record in caplog.records if record.name == "bot.audit"]
    assert "erased conversation c7" in line and ("StreamingBroker" in line) is streaming
    assert "4111" not in line


def test_a_store_that_cannot_erase_says_so() -> None:
    from bot.stores.tracker_store import ErasureNotSupported, erase_from

    class Opaque(InMemoryTrackerStore):
        pass

    with pytest.raises(ErasureNotSupported):
        erase_from(object(), "c1")  # type: ignore[arg-type]
    opaque = Opaque(ERASABLE)
    asyncio.run(opaque.save(DialogueStateTracker.from_events("c1", [UserUttered("hello")])))
    erase_from(opaque, "c1")  # a subclass of a known store erases like it
    assert asyncio.run(opaque.retrieve("c1")) is None


def test_a_value_split_over_two_user_messages_is_caught_in_both(nlp_engine: Any) -> None:
    from bot.privacy import Policy, Redactor
    from bot.privacy.analyzer import build_analyzer
    from bot.stores.scrub import scrubber_for

    # Without the default-deny net, which hides any bare 8 digits: the context is what this test is about.
    policy = dataclasses.replace(Policy.load(), default_deny=False)
    redactor = Redactor(policy=policy, analyzer=build_analyzer(nlp_engine=nlp_engine))
    tracker = DialogueStateTracker.from_events("c9", [
        ActionExecuted("action_listen"), UserUttered("my card number is 4111 1111"), BotUttered("go on"),
        ActionExecuted("action_listen"), UserUttered("1111 1111"),
    ])
    state = tracker.current_state()
    scrubbed = scrubber_for(redactor).event({**state, "events": [e.as_dict() for e in tracker.events]}, "c9")
    users = [e["text"] for e in scrubbed["events"] if e["event"] == "user"]
    assert users == ["my card number is <CREDIT_CARD_1>", "<CREDIT_CARD_2>"]
    assert scrubbed["latest_message"]["text"] == "<CREDIT_CARD_2>"
    # Without the message before it, the second half is just a number: the context is what catches it.
    assert redactor.redact("1111 1111", "c9").text == "1111 1111"
    redactor.close()


def test_a_user_text_takes_the_redaction_its_nlu_parse_made() -> None:
    # Plain rasa shell: the text reached Rasa raw, the NLU step redacted the parse (knowing the conversation).
    event = UserUttered("2301 7209", parse_data={"text": "<CREDIT_CARD_2>", "intent": {"name": "inform_amount"},
                                                 "entities": []}).as_dict()
    scrubbed = EventScrubber(lambda text, conversation, after=None: text).events([event], "c1")
    assert scrubbed[0]["text"] == "<CREDIT_CARD_2>"
    plain = UserUttered("hello", parse_data={"text": "hello", "intent": {}, "entities": []}).as_dict()
    assert EventScrubber(lambda text, conversation, after=None: text).events([plain], "c1")[0]["text"] == "hello"


def test_a_message_long_after_the_previous_one_does_not_continue_it(nlp_engine: Any) -> None:
    from bot.privacy import Redactor
    from bot.privacy.analyzer import build_analyzer
    from bot.stores.scrub import scrubber_for

    redactor = Redactor(analyzer=build_analyzer(nlp_engine=nlp_engine))
    events = [UserUttered("I forgot my account number.", timestamp=1000.0).as_dict(),
              UserUttered("50", timestamp=1000.0 + 600).as_dict()]
    soon = [events[0], {**events[1], "timestamp": 1010.0}]
    assert [e["text"] for e in scrubber_for(redactor).events(events, "c8")][1] == "50"
    assert [e["text"] for e in scrubber_for(redactor).events(soon, "c8")][1] == "<ACCOUNT_NUMBER_1>"
    redactor.close()
