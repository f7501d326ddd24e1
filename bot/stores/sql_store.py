"""Rasa's SQL tracker store, saving and streaming only a save's new events, without reading anything back.

Rasa's ``TrackerStore.stream_events`` finds the events a save adds by
retrieving the stored conversation (every event since the session started,
deserialised and replayed into a tracker) and comparing lengths; then the
broker commits each event on its own. On the embedded default (a SQLite store
and a SQLite broker) that was a sixth of the Rasa process's time per message.
This store counts the stored events instead (the same query Rasa's own save
runs next, so the same events) and publishes the new ones together: a SQL
broker writes them in one transaction.

Behind the redacting store (``bot.stores.tracker_store``), ``save_redacted``
goes further: it redacts only the new events (with the user message before
them, which a new message may continue) and writes them as they come out of
the redaction, where the redacting store used to redact the whole
conversation and rebuild a tracker from it on every save.
"""

from __future__ import annotations

import itertools
import json
from typing import Any, Callable, Dict, List, Optional

import rasa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.stores.broker import publish_all

__all__ = ["SQL_TYPES", "StreamingSQLTrackerStore"]

TESTED_RASA = "3.6."
SQL_TYPES = ("sql",)


class StreamingSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` whose ``stream_events`` counts instead of retrieving (see the module's docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if not rasa.__version__.startswith(TESTED_RASA):  # _event_query and the save's order are Rasa 3.6's
            raise RuntimeError(f"{__name__} was written for Rasa {TESTED_RASA}x, this is Rasa {rasa.__version__}")
        super().__init__(*args, **kwargs)

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        if self.event_broker is None:
            return
        with self.session_scope() as session:
            stored = self._event_query(session, tracker.sender_id, fetch_events_from_all_sessions=False).count()
        publish_all(self.event_broker, ({"sender_id": tracker.sender_id, **event.as_dict()}
                                        for event in itertools.islice(tracker.events, stored, None)))


    async def save_redacted(self, tracker: DialogueStateTracker,
                            redact: Callable[[List[Dict[str, Any]]], List[Dict[str, Any]]]) -> None:
        """Save (and publish) the events of ``tracker`` not stored yet, each as ``redact`` returns it.

        ``redact`` gets the new events as dictionaries, after the last user event before them when there is
        one (its result for that one is not kept).
        """
        sender = tracker.sender_id
        with self.session_scope() as session:
            stored = self._event_query(session, sender, fetch_events_from_all_sessions=False).count()
            new = [event.as_dict() for event in itertools.islice(tracker.events, stored, None)]
            if not new:
                return
            before = _last_user_event(itertools.islice(tracker.events, 0, stored))
            redacted = redact([before.as_dict(), *new])[1:] if before is not None else redact(new)
            if self.event_broker is not None:
                publish_all(self.event_broker, ({"sender_id": sender, **data} for data in redacted))
            for data in redacted:
                parse_data = data.get("parse_data")
                intent = parse_data.get("intent") if isinstance(parse_data, dict) else None
                session.add(self.SQLEvent(
                    sender_id=sender, type_name=data.get("event"), timestamp=data.get("timestamp"),
                    intent_name=intent.get("name") if isinstance(intent, dict) else None,
                    action_name=data.get("name"), data=json.dumps(data),
                ))
            session.commit()


def _last_user_event(events: Any) -> Optional[UserUttered]:
    last = None
    for event in events:
        if isinstance(event, UserUttered):
            last = event
    return last


def streaming_store_config(store: Dict[str, Any]) -> Dict[str, Any]:
    """``store`` (an endpoints.yml store section) with Rasa's SQL store replaced by ``StreamingSQLTrackerStore``."""
    if str(store.get("type", "")).lower() in SQL_TYPES:
        return {**store, "type": f"{__name__}.{StreamingSQLTrackerStore.__name__}"}
    return store
