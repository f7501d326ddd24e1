"""The privacy gate every input channel passes a message through before Rasa sees it.

One gate per server process: it owns the Redactor (spaCy loaded once), the
vault and the policy. ``admit`` turns a raw ``UserMessage`` into one whose text
and metadata hold placeholders only, or raises a PrivacyError (fail closed).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import UserMessage

from bot import metrics
from bot.channels.auth import ALL_SCOPES, VOUCHED_KEY
from bot.faults.replies import refusal_for
from bot.faults.stores import answer_store_outages
from bot.privacy import Redaction, Redactor
from bot.privacy.notice import kind_labels, redaction_notice
from bot.runtime import shared_redactor

logger = logging.getLogger(__name__)

REFUSAL = (
    "Sorry, I couldn't process that message safely, so I didn't keep it. "
    "Please try again, perhaps in a shorter message."
)
MAX_METADATA_STRING = 1000


@dataclass(frozen=True)
class Admitted:
    """A message that may enter Rasa, and what was hidden from it."""

    message: UserMessage
    redaction: Redaction

    @property
    def notice(self) -> Optional[str]:
        return redaction_notice(self.redaction.kinds)


class PrivacyGate:
    """Redacts messages and metadata for one server process."""

    def __init__(self, redactor: Redactor) -> None:
        self.redactor = redactor

    @classmethod
    def shared(cls, policy_path: Optional[str] = None, var_dir: Optional[str] = None) -> PrivacyGate:
        """A gate on the process-wide redactor for this policy and var folder."""
        return cls(shared_redactor(policy_path, var_dir))

    async def redact(self, text: str, conversation: str, carry: bool = False) -> Redaction:
        loop = asyncio.get_running_loop()
        call = functools.partial(self.redactor.redact, text, conversation, carry=carry)
        return await loop.run_in_executor(None, call)

    async def scrub_metadata(self, metadata: Any, conversation: str) -> Dict[str, Any]:
        """Only the policy's allowed keys, with scalar values; strings redacted like messages. And what the
        channel vouches for (``VOUCHED_KEY``: the channel, never the client, sets it; see vouched_metadata)."""
        if not isinstance(metadata, dict):
            return {}
        clean: Dict[str, Any] = {}
        vouched = metadata.get(VOUCHED_KEY)
        if isinstance(vouched, dict) and isinstance(vouched.get("scopes"), list):
            clean[VOUCHED_KEY] = {"scopes": sorted(set(vouched["scopes"]) & set(ALL_SCOPES))}
        for key, value in metadata.items():
            if key not in self.redactor.policy.metadata_keys:
                continue
            if isinstance(value, bool) or isinstance(value, (int, float)) or value is None:
                clean[key] = value
            elif isinstance(value, str):
                clean[key] = (await self.redact(value[:MAX_METADATA_STRING], conversation)).text
        return clean

    async def admit(self, message: UserMessage) -> Admitted:
        """``message`` with its text and metadata redacted; raises PrivacyError to refuse it."""
        conversation = str(message.sender_id)
        text = message.text if isinstance(message.text, str) else ""
        started = time.perf_counter()
        redaction = await self.redact(text, conversation, carry=True)
        metrics.redacted([entity.type for entity in redaction.entities], time.perf_counter() - started)
        metadata = await self.scrub_metadata(message.metadata, conversation)
        admitted = UserMessage(
            redaction.text,
            message.output_channel,
            message.sender_id,
            parse_data=None,
            input_channel=message.input_channel,
            message_id=message.message_id,
            metadata=metadata,
        )
        if redaction.changed:
            logger.info("redacted %s in conversation %s", ",".join(sorted(redaction.kinds)), conversation)
        return Admitted(message=admitted, redaction=redaction)

    @staticmethod
    async def announce(admitted: Admitted) -> None:
        """Tell the person what was hidden (kinds, never values).

        An output channel with ``send_redaction_notice(recipient_id, kinds, labels, text)``
        gets it structured (the widget marks the message with a lock note);
        any other gets the notice as a text message.
        """
        channel, notice = admitted.message.output_channel, admitted.notice
        if channel is None or not notice:
            return
        recipient = admitted.message.sender_id
        structured = getattr(channel, "send_redaction_notice", None)
        if structured is not None:
            kinds = sorted(admitted.redaction.kinds)
            await structured(recipient, kinds, kind_labels(kinds), notice)
        else:
            await channel.send_text_message(recipient, notice)

    def wrap(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Callable[[UserMessage], Awaitable[Any]]:
        """An ``on_new_message`` that admits each message first, and refuses it on any privacy error."""
        on_new_message = answer_store_outages(on_new_message)

        async def guarded(message: UserMessage) -> Any:
            started = time.perf_counter()
            try:
                admitted = await self.admit(message)
            except Exception as error:  # fail closed, whatever went wrong
                logger.warning("refused a message in conversation %s: %s", message.sender_id, type(error).__name__)
                metrics.message_refused(message.input_channel, "privacy")
                metrics.privacy_error(error)
                if message.output_channel is not None:
                    await message.output_channel.send_text_message(message.sender_id, refusal_for(error, REFUSAL))
                return None
            metrics.message_admitted(message.input_channel)
            await self.announce(admitted)
            try:
                return await on_new_message(admitted.message)
            finally:
                metrics.message_answered(message.input_channel, time.perf_counter() - started)

        return guarded

