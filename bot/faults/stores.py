"""The tracker store fails closed: a message that cannot be read or saved is refused with a clear reply.

Rasa's agent wraps every tracker store in ``FailSafeTrackerStore``. Without a
callback, when the store fails it logs the error (which quotes the SQL and its
parameters), answers a read with ``None`` (so the message starts a fresh
conversation: a half-filled form is silently forgotten) and keeps the
conversation in an in-memory store instead (a copy outside the redacting
store). Its ``on_tracker_store_error`` callback is Rasa's hook for this:
``bot.patches.rasa_stores.fail_closed`` sets ``raise_unavailable``, which
raises ``ConversationStoreUnavailable``, so nothing falls back;
``answer_store_outages`` turns that into a reply.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.faults.errors import ConversationStoreUnavailable
from bot.faults.replies import STORE_UNAVAILABLE

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def raise_unavailable(error: Exception) -> None:
    """``FailSafeTrackerStore``'s error callback: refuse instead of falling back.

    Only the error's type is kept: a database error's text holds the statement and its parameters.
    """
    logger.error("the tracker store failed (%s); the message is refused", type(error).__name__)
    raise ConversationStoreUnavailable(f"the tracker store failed: {type(error).__name__}") from None


def answer_store_outages(on_new_message: OnNewMessage) -> OnNewMessage:
    """``on_new_message`` that answers ``STORE_UNAVAILABLE`` when the tracker store fails.

    Nothing of the turn was saved, so replies already collected for a REST
    caller are dropped: the person sees only that the message was not kept.
    """

    async def answered(message: UserMessage) -> Any:
        try:
            return await on_new_message(message)
        except ConversationStoreUnavailable:
            channel = message.output_channel
            if isinstance(channel, CollectingOutputChannel):
                channel.messages.clear()
            if channel is not None:
                await channel.send_text_message(message.sender_id, STORE_UNAVAILABLE)
            return None

    return answered
