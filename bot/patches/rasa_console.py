"""Rasa's console (plain ``rasa shell``): typed messages are redacted before it sends them.

``_send_message_receive_stream`` and ``send_message_receive_block`` are wrapped
by ``bot.console_guard`` (redaction, and the notice of what was hidden).
"""

from __future__ import annotations

import importlib
from typing import Any, Callable

from bot.patches.guard import Target, mark

PATCH = "console redaction"
RASA = "3.6.21"
MODULE = "rasa.core.channels.console"
STREAM = Target(PATCH, "rasa", RASA, MODULE, "_send_message_receive_stream",
                "(server_url: str, auth_token: str, sender_id: str, message: str, "
                "request_timeout: Optional[int] = …) -> AsyncGenerator[Dict[str, Any], NoneType]")
BLOCK = Target(PATCH, "rasa", RASA, MODULE, "send_message_receive_block",
               "(server_url: str, auth_token: str, sender_id: str, message: str) -> List[Dict[str, Any]]")
TARGETS = (STREAM, BLOCK)
OURS = "__finbot_patch__"  # set on each replacement: installing again leaves it alone


def _replace(target: Target, wrap: Callable[[Any], Any]) -> None:
    """Put ``wrap(current)`` in place of ``target``'s (checked) attribute, unless the current one is ours."""
    current = target.present()
    if getattr(current, OURS, None) != target.patch:
        replacement = wrap(current)
        setattr(replacement, OURS, target.patch)
        setattr(importlib.import_module(target.module), target.attribute, replacement)


def install_console_guard() -> None:
    """Redact what Rasa's console sends (``bot.console_guard``); idempotent.

    VersionMismatch or SignatureMismatch if Rasa is not the version this was written for."""
    from bot.console_guard import redacting_block, redacting_stream

    for target in TARGETS:  # both checked before either is replaced
        current = target.present()
        if getattr(current, OURS, None) != PATCH:
            target.check_signature(current)
    _replace(STREAM, redacting_stream)
    _replace(BLOCK, redacting_block)
    mark(PATCH)
