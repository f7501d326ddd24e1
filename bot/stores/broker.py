"""An event broker that redacts every event before the broker it wraps publishes it.

Configured in ``endpoints.yml`` around any Rasa event broker::

    event_broker:
      type: bot.stores.RedactingEventBroker
      broker:                # the wrapped broker, as Rasa would read it
        type: pika
        url: 127.0.0.1
        username: guest
        password: guest
        queues: [rasa_events]
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Dict, Iterable, List, Optional

from rasa.core.brokers.broker import EventBroker
from rasa.core.brokers.sql import SQLEventBroker
from rasa.utils.endpoints import EndpointConfig

from bot.runtime import shared_redactor
from bot.stores.scrub import EventScrubber, scrubber_for


class RedactingEventBroker(EventBroker):
    """Wraps an event broker; what it publishes holds placeholders only."""

    def __init__(self, inner: EventBroker, scrubber: EventScrubber) -> None:
        self.inner = inner
        self.scrubber = scrubber

    @classmethod
    async def from_endpoint_config(
        cls, broker_config: EndpointConfig, event_loop: Optional[asyncio.AbstractEventLoop] = None
    ) -> RedactingEventBroker:
        settings = dict(broker_config.kwargs)
        inner_config = settings.get("broker")
        if not inner_config:
            raise ValueError("RedactingEventBroker needs `broker:`, the configuration of the broker it wraps")
        inner = await EventBroker.create(EndpointConfig.from_dict(inner_config), event_loop)
        if inner is None:
            raise ValueError("the wrapped event broker could not be created")
        return cls(inner, scrubber_for(shared_redactor(settings.get("policy"), settings.get("var_dir"))))

    def publish(self, event: Dict[str, Any]) -> None:
        conversation = str(event.get("sender_id", ""))
        self.inner.publish(self.scrubber.event(event, conversation))

    def publish_many(self, events: List[Dict[str, Any]]) -> None:
        publish_all(self.inner, [self.scrubber.event(event, str(event.get("sender_id", ""))) for event in events])

    def is_ready(self) -> bool:
        return self.inner.is_ready()

    async def close(self) -> None:
        await self.inner.close()


def publish_all(broker: EventBroker, events: Iterable[Dict[str, Any]]) -> None:
    """Publish ``events`` in order: a SQL broker writes them in one transaction (one commit, not one each)."""
    events = list(events)
    if not events:
        return
    if isinstance(broker, RedactingEventBroker):
        broker.publish_many(events)
    elif isinstance(broker, SQLEventBroker):
        with broker.session_scope() as session:
            session.add_all([broker.SQLBrokerEvent(sender_id=event.get("sender_id"), data=json.dumps(event))
                             for event in events])
            session.commit()
    else:
        for event in events:
            broker.publish(event)
