"""Rasa's SQL tracker store, streaming a save's new events without reading the conversation back.

Rasa's ``TrackerStore.stream_events`` finds the events a save adds by
retrieving the stored conversation (every event since the session started,
deserialised and replayed into a tracker) and comparing lengths; then the
broker commits each event on its own. On the embedded default (a SQLite store
and a SQLite broker) that was a sixth of the Rasa process's time per message.
This store counts the stored events instead (the same query Rasa's own save
runs next, so the same events) and publishes the new ones together: a SQL
broker writes them in one transaction.
"""

from __future__ import annotations

import itertools
from typing import Any, Dict

import rasa
from rasa.core.tracker_store import SQLTrackerStore
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


def streaming_store_config(store: Dict[str, Any]) -> Dict[str, Any]:
    """``store`` (an endpoints.yml store section) with Rasa's SQL store replaced by ``StreamingSQLTrackerStore``."""
    if str(store.get("type", "")).lower() in SQL_TYPES:
        return {**store, "type": f"{__name__}.{StreamingSQLTrackerStore.__name__}"}
    return store
