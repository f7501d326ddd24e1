"""The SQL tracker store streams each save's new events once, in order, in one transaction, without a read-back."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any, List

import pytest
from rasa.core.brokers.sql import SQLEventBroker
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import event as sqlalchemy_event

from bot.stores import EventScrubber, RedactingEventBroker, RedactingTrackerStore
from bot.stores.sql_store import StreamingSQLTrackerStore, streaming_store_config

DOMAIN = Domain.empty()


def turn(text: str) -> List[Any]:
    return [UserUttered(text, intent={"name": "greet", "confidence": 1.0}), BotUttered(f"re: {text}"),
            ActionExecuted("action_listen")]


def published(db: Path) -> List[dict]:
    with sqlite3.connect(db) as connection:
        return [json.loads(data) for (data,) in connection.execute("SELECT data FROM events ORDER BY id")]


@pytest.fixture
def stores(tmp_path: Path) -> Any:
    broker = SQLEventBroker(db=str(tmp_path / "events.db"))
    store = RedactingTrackerStore(DOMAIN, event_broker=RedactingEventBroker(broker, EventScrubber(lambda t, c, a: t)),
                                  store={"type": "SQL", "dialect": "sqlite", "db": str(tmp_path / "tracker.db")},
                                  scrubber=EventScrubber(lambda t, c, a: t))
    return store, broker, tmp_path / "events.db"


def test_the_embedded_sql_store_is_the_streaming_one() -> None:
    assert streaming_store_config({"type": "SQL", "db": "x"})["type"] == "bot.stores.sql_store.StreamingSQLTrackerStore"
    assert streaming_store_config({"type": "redis"}) == {"type": "redis"}


def test_each_event_is_published_once_and_in_order_over_several_saves(stores: Any) -> None:
    store, _, events_db = stores
    assert isinstance(store.inner, StreamingSQLTrackerStore)
    tracker = DialogueStateTracker.from_events("c1", [ActionExecuted("action_listen")])
    texts = []
    for n in range(4):
        texts.append(f"message {n}")
        for event in turn(texts[-1]):
            tracker.update(event)
        asyncio.run(store.save(tracker))
    asyncio.run(store.save(tracker))  # nothing new: nothing published
    rows = published(events_db)
    assert [row["event"] for row in rows] == [event.as_dict()["event"] for event in tracker.events]
    assert [row["text"] for row in rows if row["event"] == "user"] == texts
    assert {row["sender_id"] for row in rows} == {"c1"}


def test_a_save_does_not_read_the_conversation_back_and_commits_the_broker_once(stores: Any,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    store, broker, events_db = stores
    tracker = DialogueStateTracker.from_events("c2", [ActionExecuted("action_listen"), *turn("hello")])
    asyncio.run(store.save(tracker))

    async def no_read_back(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the store read the conversation back to find what is new")

    monkeypatch.setattr(store.inner, "retrieve", no_read_back)
    commits: List[int] = []
    sqlalchemy_event.listen(broker.engine, "commit", lambda connection: commits.append(1))
    for event in turn("again") + turn("and again"):
        tracker.update(event)
    asyncio.run(store.save(tracker))
    assert len(commits) == 1
    assert len(published(events_db)) == len(tracker.events)


def test_saving_only_the_new_events_stores_what_redacting_the_whole_conversation_stored(tmp_path: Path) -> None:
    """The redacting store's SQL path (new events only) against the general one (every event, a tracker rebuilt):
    the same rows, and the same events published, over a conversation saved after every turn."""
    from rasa.core.tracker_store import SQLTrackerStore

    from tests.stores.test_redacting_stores import DOMAIN as SLOTS_DOMAIN
    from tests.stores.test_redacting_stores import fake_redact, leaky_tracker

    def store(name: str, general: bool) -> RedactingTrackerStore:
        broker = SQLEventBroker(db=str(tmp_path / f"{name}-events.db"))
        db = str(tmp_path / f"{name}.db")
        inner = SQLTrackerStore(SLOTS_DOMAIN, dialect="sqlite", db=db, event_broker=broker) if general else None
        return RedactingTrackerStore(SLOTS_DOMAIN, event_broker=broker, inner=inner,
                                     scrubber=EventScrubber(fake_redact),
                                     store=None if general else {"type": "SQL", "dialect": "sqlite", "db": db})

    new_only, general = store("new-only", False), store("general", True)
    assert isinstance(new_only.inner, StreamingSQLTrackerStore) and not isinstance(general.inner,
                                                                                    StreamingSQLTrackerStore)
    whole = list(leaky_tracker().events)
    tracker = DialogueStateTracker("c1", SLOTS_DOMAIN.slots)
    for cut in (2, 4, len(whole)):  # saved after each part, as Rasa saves after each message
        for event in whole[len(tracker.events):cut]:
            tracker.update(event)
        for saving in (new_only, general):
            asyncio.run(saving.save(tracker))
    rows = {}
    for name in ("new-only", "general"):
        with sqlite3.connect(tmp_path / f"{name}.db") as connection:
            rows[name] = [(t, i, a, json.loads(d)) for t, i, a, d in connection.execute(
                "SELECT type_name, intent_name, action_name, data FROM events ORDER BY id")]
    assert len(rows["general"]) == len(whole)
    assert [row[:3] for row in rows["new-only"]] == [row[:3] for row in rows["general"]]
    for mine, theirs in zip(rows["new-only"], rows["general"]):
        assert mine[3] == theirs[3]
    assert "4111" not in json.dumps(rows["new-only"]) and "Jane Doe" not in json.dumps(rows["new-only"])
    assert published(tmp_path / "new-only-events.db") and \
        [e["event"] for e in published(tmp_path / "new-only-events.db")] == \
        [e["event"] for e in published(tmp_path / "general-events.db")]
