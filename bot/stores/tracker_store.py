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
from typing import Any, Dict, Iterable, Optional

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import TrackerStore, create_tracker_store
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.runtime import shared_redactor
from bot.stores.scrub import EventScrubber

logger = logging.getLogger(__name__)


def scrubber_for(policy: Optional[str], var_dir: Optional[str]) -> EventScrubber:
    redactor = shared_redactor(policy, var_dir)
    return EventScrubber(lambda text, conversation: redactor.redact(text, conversation).text)


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
        **kwargs: Any,
    ) -> None:
        self.scrubber = scrubber or scrubber_for(policy, var_dir)
        if inner is None:
            if not store:
                raise ValueError("RedactingTrackerStore needs `store:`, the configuration of the store it wraps")
            inner = create_tracker_store(EndpointConfig.from_dict(store), domain, event_broker)
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
        await self.inner.save(self.redacted(tracker))

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        return await self.inner.retrieve(sender_id)

    async def retrieve_full_tracker(self, conversation_id: str) -> Optional[DialogueStateTracker]:
        return await self.inner.retrieve_full_tracker(conversation_id)

    async def keys(self) -> Iterable[str]:
        return await self.inner.keys()

    async def exists(self, conversation_id: str) -> bool:
        return await self.inner.exists(conversation_id)
