"""Privacy operations the channels offer a signed-in person: erase their conversation, report on it.

``erase_conversation`` is shared by the app channel's ``DELETE /conversation``
and the widget's "clear conversation" button. Both hand over whatever Rasa
gives them as the agent's tracker store: Rasa wraps the configured store in
its own ``FailSafeTrackerStore`` (and sometimes ``AwaitableTrackerStore``), so
the redacting store is found by unwrapping, never assumed.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any, AsyncIterator, Dict, List, Optional

from rasa.core.lock_store import LockStore
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.events import UserUttered

from bot.privacy.report import PrivacyReport, build_report
from bot.stores.tracker_store import Erasure, RedactingTrackerStore, erase_from

# Attribute names under which Rasa's wrappers (FailSafe, Awaitable) keep the store they wrap,
# and ours (RedactingTrackerStore.inner) keeps the store it wraps.
_WRAPPED = ("_tracker_store", "inner")
_MAX_UNWRAP = 8

# How long an erase waits for a message of the same conversation to finish, at most.
ERASE_LOCK_LIFETIME_SECONDS = 60.0


class ErasureUnavailable(RuntimeError):
    """No configured store can erase a conversation (the redacting store is not in the chain)."""


def redacting_store(tracker_store: Optional[TrackerStore]) -> Optional[RedactingTrackerStore]:
    """The RedactingTrackerStore inside Rasa's wrappers around ``tracker_store``, or None."""
    store: Any = tracker_store
    for _ in range(_MAX_UNWRAP):
        if store is None or isinstance(store, RedactingTrackerStore):
            return store
        store = next((getattr(store, name) for name in _WRAPPED if getattr(store, name, None) is not None), None)
    return None


@contextlib.asynccontextmanager
async def conversation_lock(lock_store: Optional[LockStore], conversation_id: str) -> AsyncIterator[None]:
    """Hold Rasa's lock for ``conversation_id`` (when a lock store is given), as message handling does.

    An erase then waits for a message of the same conversation in progress,
    and the next message waits for the erase: no event is saved into a
    conversation half erased.
    """
    if lock_store is None:
        yield
        return
    async with lock_store.lock(conversation_id, lock_lifetime=ERASE_LOCK_LIFETIME_SECONDS, wait_time_in_seconds=0.1):
        yield


async def erase_conversation(tracker_store: TrackerStore, conversation_id: str) -> Erasure:
    """Forget ``conversation_id``: its stored events, the event broker's copy, its numbering and vault entries.

    Idempotent: erasing a conversation that does not exist succeeds. Raises
    ErasureUnavailable when the chain holds no redacting store and the store
    itself cannot delete one conversation (a caller must never answer "erased"
    when nothing was).
    """
    store = redacting_store(tracker_store)
    if store is not None:
        return await store.erase(conversation_id)
    inner = _innermost(tracker_store)
    try:
        erase_from(inner, conversation_id)
    except RuntimeError as error:
        raise ErasureUnavailable(str(error)) from None
    return Erasure(("tracker store",), ("the event broker's copy, if one is configured (no redacting store wraps "
                                        "this tracker store)",))


def _innermost(tracker_store: Any) -> Any:
    store = tracker_store
    for _ in range(_MAX_UNWRAP):
        wrapped = next((getattr(store, name) for name in _WRAPPED if getattr(store, name, None) is not None), None)
        if wrapped is None:
            return store
        store = wrapped
    return store


async def privacy_report(tracker_store: TrackerStore, conversation_id: str) -> PrivacyReport:
    """Kinds and counts of what was hidden in ``conversation_id``, and every vault reveal. Never a value."""
    store = redacting_store(tracker_store)
    # Read past Rasa's FailSafeTrackerStore, which answers None when the store fails: a report
    # must fail then, not say that nothing was hidden.
    tracker = await (store or tracker_store).retrieve_full_tracker(conversation_id)
    texts: List[str] = []
    if tracker is not None:
        texts = [event.text or "" for event in tracker.events if isinstance(event, UserUttered)]
    redactor = store.redactor if store is not None else None
    vault = getattr(redactor, "vault", None)
    reveals = vault.reveals(conversation_id) if vault is not None else []
    return build_report(conversation_id, texts, reveals)


def report_json(report: PrivacyReport) -> Dict[str, Any]:
    """The report as the app channel answers it (times as UTC ISO 8601)."""
    return {
        "conversation_id": report.conversation_id,
        "messages": report.messages,
        "redacted": [
            {"kind": kind.kind, "label": kind.label, "values": kind.values, "mentions": kind.mentions}
            for kind in report.redacted
        ],
        "reveals": [
            {
                "placeholder": reveal.placeholder,
                "kind": reveal.kind,
                "purpose": reveal.purpose,
                "revealed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(reveal.revealed_at)),
            }
            for reveal in report.reveals
        ],
    }
