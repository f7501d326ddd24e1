"""The tracker store fails closed: no fresh conversation, no in-memory copy, a clear reply instead.

Run against Rasa's own ``FailSafeTrackerStore``: if Rasa stops calling its
error callback, these fail.
"""

from __future__ import annotations

import asyncio
from typing import Any, Iterable, List, Optional

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.exc import OperationalError

from bot.faults import STORE_UNAVAILABLE, ConversationStoreUnavailable
from bot.faults.stores import answer_store_outages
from bot.patches.rasa_stores import fail_closed

SECRET_PARAMETER = "Zebulon Quackenbush"


class LockedStore(InMemoryTrackerStore):
    """A tracker store whose database is locked: every read and write fails as SQLAlchemy reports it."""

    def __init__(self) -> None:
        super().__init__(Domain.empty())

    @staticmethod
    def _locked() -> OperationalError:
        return OperationalError("SELECT * FROM events WHERE sender_id = ?", (SECRET_PARAMETER,),
                                Exception("database is locked"))

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        raise self._locked()

    async def retrieve_full_tracker(self, conversation_id: str) -> Optional[DialogueStateTracker]:
        raise self._locked()

    async def save(self, tracker: DialogueStateTracker) -> None:
        raise self._locked()

    async def keys(self) -> Iterable[str]:
        raise self._locked()


def tracker() -> DialogueStateTracker:
    return DialogueStateTracker.from_events("c1", [UserUttered("hello")])


def test_rasas_fail_safe_store_falls_back_silently_without_our_callback() -> None:
    # What fail_closed switches off: a read error is a fresh conversation; a write goes to memory.
    store = FailSafeTrackerStore(LockedStore())
    assert asyncio.run(store.retrieve("c1")) is None
    asyncio.run(store.save(tracker()))
    assert asyncio.run(store.fallback_tracker_store.retrieve("c1")) is not None


def test_a_fail_closed_store_raises_and_keeps_no_copy(caplog: pytest.LogCaptureFixture) -> None:
    store = FailSafeTrackerStore(LockedStore())
    assert fail_closed(store)
    for operation in (store.retrieve("c1"), store.retrieve_full_tracker("c1"), store.save(tracker()), store.keys()):
        with pytest.raises(ConversationStoreUnavailable) as raised:
            asyncio.run(operation)
        assert SECRET_PARAMETER not in str(raised.value)
        assert raised.value.__suppress_context__  # a traceback does not show the SQL error and its parameters
    assert store._fallback_tracker_store is None  # never created: nothing was kept in memory
    assert SECRET_PARAMETER not in caplog.text


def test_only_rasas_fail_safe_store_is_changed() -> None:
    assert not fail_closed(LockedStore())


class Recording:
    """Rasa's ``on_new_message`` double: replies, then fails the way a locked store does (or not)."""

    def __init__(self, fail: bool) -> None:
        self.fail = fail
        self.handled: List[str] = []

    async def __call__(self, message: UserMessage) -> Any:
        assert message.output_channel is not None
        await message.output_channel.send_text_message(message.sender_id, "a reply that was never saved")
        self.handled.append(message.text or "")
        if self.fail:
            raise ConversationStoreUnavailable("the tracker store failed: OperationalError")
        return None


def test_a_store_outage_is_answered_with_only_the_clear_reply() -> None:
    channel = CollectingOutputChannel()
    asyncio.run(answer_store_outages(Recording(fail=True))(UserMessage("hello", channel, "c1")))
    assert [m["text"] for m in channel.messages] == [STORE_UNAVAILABLE]


def test_a_working_store_is_not_touched() -> None:
    channel = CollectingOutputChannel()
    asyncio.run(answer_store_outages(Recording(fail=False))(UserMessage("hello", channel, "c1")))
    assert [m["text"] for m in channel.messages] == ["a reply that was never saved"]


def test_other_errors_still_reach_the_channel() -> None:
    async def broken(message: UserMessage) -> None:
        raise RuntimeError("not an outage")

    with pytest.raises(RuntimeError):
        asyncio.run(answer_store_outages(broken)(UserMessage("hello", CollectingOutputChannel(), "c1")))
