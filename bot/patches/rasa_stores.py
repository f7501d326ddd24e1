"""Rasa's ``FailSafeTrackerStore`` fails closed: it raises instead of falling back to an in-memory store.

Rasa's agent wraps every tracker store in ``FailSafeTrackerStore`` without an
error callback, so when the store fails it logs the error (which quotes the SQL
and its parameters), answers a read with ``None`` (a fresh conversation: a
half-filled form silently forgotten) and keeps the conversation in memory (a
copy outside the redacting store). Rasa takes the callback only in the
constructor and keeps it in a private attribute; ``fail_closed`` sets it there
on the agent's store (``bot.faults.stores.raise_unavailable``), so nothing
falls back.
"""

from __future__ import annotations

from typing import Any

from bot.patches.guard import SignatureMismatch, Target, mark

PATCH = "tracker store fails closed"
RASA = "3.6.21"
CONSTRUCTOR = Target(
    PATCH, "rasa", RASA, "rasa.core.tracker_store", "FailSafeTrackerStore.__init__",
    "(self, tracker_store: 'TrackerStore', on_tracker_store_error: 'Optional[Callable[[Exception], None]]' = …, "
    "fallback_tracker_store: 'Optional[TrackerStore]' = …) -> 'None'",
)
CALLBACK = "_on_tracker_store_error"  # where Rasa 3.6's constructor keeps on_tracker_store_error
WRAPPED = "_tracker_store"  # and the store it wraps (read only: Rasa offers no public way to it)


def check() -> None:
    """VersionMismatch or SignatureMismatch unless Rasa's store is the one ``fail_closed`` was written for."""
    CONSTRUCTOR.check()


def fail_closed(store: Any) -> bool:
    """Make Rasa's ``FailSafeTrackerStore`` ``store`` raise ``ConversationStoreUnavailable`` on errors instead
    of falling back; idempotent. Returns whether it did (False for any other kind of store, which has no
    fall-back to switch off). VersionMismatch or SignatureMismatch if Rasa is not the version this was
    written for."""
    from rasa.core.tracker_store import FailSafeTrackerStore

    from bot.faults.stores import raise_unavailable

    if not isinstance(store, FailSafeTrackerStore):
        return False
    check()
    if not hasattr(store, CALLBACK):
        raise SignatureMismatch(f"FailSafeTrackerStore.{CALLBACK}", "the constructor's callback", "missing", PATCH)
    setattr(store, CALLBACK, raise_unavailable)
    mark(PATCH)
    return True


def wrapped_store(store: Any) -> Any:
    """The store that Rasa's ``FailSafeTrackerStore`` ``store`` wraps; any other store itself."""
    from rasa.core.tracker_store import FailSafeTrackerStore

    return getattr(store, WRAPPED, store) if isinstance(store, FailSafeTrackerStore) else store
