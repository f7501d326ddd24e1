"""A tracker store that redacts every event before the store it wraps persists it.

Configured in ``endpoints.yml`` around any Rasa tracker store::

    tracker_store:
      type: bot.stores.RedactingTrackerStore
      store:                 # the wrapped store, as Rasa would read it
        type: SQL
        dialect: postgresql
        url: 127.0.0.1
        db: test

Compare Rasa's own ``AwaitableTrackerStore`` and ``FailSafeTrackerStore``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Tuple

from rasa.core.brokers.broker import EventBroker
from rasa.core.brokers.sql import SQLEventBroker
from rasa.core.tracker_store import (
    InMemoryTrackerStore,
    RedisTrackerStore,
    SQLTrackerStore,
    TrackerStore,
    create_tracker_store,
)
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.privacy import Redactor
from bot.runtime import shared_redactor
from bot.slots import ERASE_SLOT
from bot.stores.broker import RedactingEventBroker
from bot.stores.scrub import EventScrubber, scrubber_for
from bot.stores.sql_store import StreamingSQLTrackerStore, streaming_store_config

logger = logging.getLogger(__name__)
audit = logging.getLogger("bot.audit")


class ErasureNotSupported(RuntimeError):
    """The wrapped store has no way to delete one conversation."""


def erase_from(store: TrackerStore, sender_id: str) -> None:
    """Delete every stored event of ``sender_id`` from one of Rasa's tracker stores."""
    if isinstance(store, SQLTrackerStore):
        with store.session_scope() as session:
            session.query(store.SQLEvent).filter(store.SQLEvent.sender_id == sender_id).delete()
            session.commit()
    elif isinstance(store, InMemoryTrackerStore):
        store.store.pop(sender_id, None)
    elif isinstance(store, RedisTrackerStore):
        store.red.delete(store.key_prefix + sender_id)
    else:
        raise ErasureNotSupported(f"erasing a conversation is not supported for {type(store).__name__}")


def publishing_redacted(broker: Optional[EventBroker], scrubber: EventScrubber) -> Optional[EventBroker]:
    """The broker for the store a redacting store wraps, which only publishes events that store redacted.

    A redacting broker with the same scrubber (the same policy: both are the process's, as configured in
    endpoints.yml) would find nothing new in them, at the cost of a walk over every event: its own broker
    takes them as they are. A broker with a scrubber of its own (a policy of its own) redacts them again.
    """
    if isinstance(broker, RedactingEventBroker) and broker.scrubber is scrubber:
        return broker.inner
    return broker


STREAMED_COPY = ("the events already streamed by the {broker} event broker stay with its consumers; they hold "
                 "placeholders, never the values, and the vault values those placeholders stood for are erased")


@dataclass(frozen=True)
class Erasure:
    """What an erase deleted, and what it could not reach (described for the person who asked)."""

    erased: Tuple[str, ...]
    kept_elsewhere: Tuple[str, ...] = ()


class RedactingTrackerStore(TrackerStore):
    """Wraps a tracker store; what it saves holds placeholders only."""

    def __init__(
        self,
        domain: Optional[Domain] = None,
        host: Optional[str] = None,
        event_broker: Optional[EventBroker] = None,
        store: Optional[Dict[str, Any]] = None,
        policy: Optional[str] = None,
        var_dir: Optional[str] = None,
        inner: Optional[TrackerStore] = None,
        scrubber: Optional[EventScrubber] = None,
        redactor: Optional[Redactor] = None,
        **kwargs: Any,
    ) -> None:
        if scrubber is None:
            redactor = redactor or shared_redactor(policy, var_dir)
            scrubber = scrubber_for(redactor)
        self.redactor = redactor
        self.scrubber = scrubber
        if inner is None:
            if not store:
                raise ValueError("RedactingTrackerStore needs `store:`, the configuration of the store it wraps")
            broker = publishing_redacted(event_broker, scrubber)
            inner = create_tracker_store(EndpointConfig.from_dict(streaming_store_config(store)), domain, broker)
        self.inner = inner
        super().__init__(domain, event_broker, **kwargs)

    @property
    def domain(self) -> Domain:
        return self.inner.domain

    @domain.setter
    def domain(self, domain: Optional[Domain]) -> None:
        self.inner.domain = domain or Domain.empty()

    def redacted(self, tracker: DialogueStateTracker) -> DialogueStateTracker:
        """A copy of ``tracker`` whose events hold placeholders only."""
        events = self.scrubber.events([e.as_dict() for e in tracker.events], tracker.sender_id)
        return DialogueStateTracker.from_dict(
            tracker.sender_id, events, slots=list(self.domain.slots), max_event_history=tracker._max_event_history
        )

    async def save(self, tracker: DialogueStateTracker) -> None:
        if tracker.slots.get(ERASE_SLOT) is not None and tracker.get_slot(ERASE_SLOT) is True:
            await self.erase(tracker.sender_id)
            return
        if isinstance(self.inner, StreamingSQLTrackerStore):
            await self.inner.save_redacted(tracker, lambda events: self.scrubber.events(events, tracker.sender_id))
            return
        await self.inner.save(self.redacted(tracker))

    async def erase(self, sender_id: str) -> Erasure:
        """Forget a conversation: its stored events, its placeholder numbering and its vault entries; say
        what stays elsewhere.

        The store goes first, so that a store that cannot erase fails before
        anything else is gone. Events published to a SQL event broker (the
        embedded default) are deleted too; a streaming broker (Kafka, RabbitMQ)
        has passed them on already, holding placeholders only: the answer says so.
        """
        erase_from(self.inner, sender_id)
        broker = getattr(self.event_broker, "inner", self.event_broker)
        erased = ["tracker store"]
        kept: List[str] = []
        if isinstance(broker, SQLEventBroker):
            with broker.session_scope() as session:
                session.query(broker.SQLBrokerEvent).filter(broker.SQLBrokerEvent.sender_id == sender_id).delete()
                session.commit()
            erased.append("event broker")
        elif broker is not None:
            kept.append(STREAMED_COPY.format(broker=type(broker).__name__))
        if self.redactor is not None:
            self.redactor.forget(sender_id)
            erased.append("placeholder numbering and vault values")
        erasure = Erasure(tuple(erased), tuple(kept))
        # The audit line: which conversation, what went and what stays; never a value.
        audit.info("erased conversation %s at the customer's request: %s; kept elsewhere: %s", sender_id,
                   ", ".join(erasure.erased), "; ".join(erasure.kept_elsewhere) or "nothing")
        return erasure

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        return await self.inner.retrieve(sender_id)

    async def retrieve_full_tracker(self, conversation_id: str) -> Optional[DialogueStateTracker]:
        return await self.inner.retrieve_full_tracker(conversation_id)

    async def keys(self) -> Iterable[str]:
        return await self.inner.keys()

    async def exists(self, conversation_id: str) -> bool:
        return await self.inner.exists(conversation_id)
