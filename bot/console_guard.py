"""Plain ``rasa shell``: each typed message is redacted before Rasa's console client sends it.

``rasa shell`` runs its console and its Rasa server in one process and talks
through Rasa's built-in ``cmdline`` channel, which ignores credentials.yml, so
our channels cannot stand at its door. The NLU step (``bot.nlu_redacting``)
keeps raw values out of the parse, but Rasa still builds the ``UserUttered``
event, ``from_text`` slots and some log lines from the text it was sent. So
that console's two send functions are wrapped (``redacting_stream``,
``redacting_block``; ``bot.patches.rasa_console`` puts them in place): the text
is redacted in the conversation (split values included) and the person is
told what was hidden, as our channels do. ``rasa run`` never calls them.
"""

from __future__ import annotations

import logging
from typing import Any, AsyncGenerator, Awaitable, Callable, Dict, List, Optional

from bot.channels.gate import REFUSAL
from bot.privacy import PrivacyError
from bot.privacy.notice import redaction_notice

logger = logging.getLogger(__name__)

Reply = Dict[str, Any]
# Rasa's console: (server_url, auth_token, sender_id, message[, request_timeout]) -> the bot's replies.
SendStream = Callable[..., AsyncGenerator[Reply, None]]
SendBlock = Callable[[str, str, str, str], Awaitable[List[Reply]]]


def redact_typed(sender_id: str, message: str) -> tuple[Optional[str], Optional[str]]:
    """(text to send, notice to show); no text when the message cannot be redacted safely."""
    from bot.runtime import shared_redactor

    try:
        redaction = shared_redactor().redact(message, sender_id, carry=True)
    except PrivacyError as error:
        logger.warning("a typed message could not be redacted (%s); it was not sent", type(error).__name__)
        return None, None
    return redaction.text, redaction_notice(redaction.kinds)


def redacting_stream(send_stream: SendStream) -> SendStream:
    """Rasa's ``_send_message_receive_stream`` that sends the typed message redacted, the notice first."""

    async def stream(
        server_url: str, auth_token: str, sender_id: str, message: str, request_timeout: Optional[int] = None
    ) -> AsyncGenerator[Reply, None]:
        text, notice = redact_typed(sender_id, message)
        if text is None:
            yield {"text": REFUSAL}
            return
        if notice:
            yield {"text": notice}
        async for reply in send_stream(server_url, auth_token, sender_id, text, request_timeout=request_timeout):
            yield reply

    return stream


def redacting_block(send_block: SendBlock) -> SendBlock:
    """Rasa's ``send_message_receive_block`` that sends the typed message redacted, the notice first."""

    async def block(server_url: str, auth_token: str, sender_id: str, message: str) -> List[Reply]:
        text, notice = redact_typed(sender_id, message)
        if text is None:
            return [{"text": REFUSAL}]
        replies: List[Reply] = await send_block(server_url, auth_token, sender_id, text)
        return ([{"text": notice}] if notice else []) + replies

    return block
