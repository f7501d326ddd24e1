"""Every log record of the process passes through redaction before any handler sees it.

``redacting`` makes the LogRecord factory (``bot.patches.log_records``
installs it), so it covers every logger (Rasa, Sanic's access and error logs,
structlog, which Rasa routes through the standard library, rasa-sdk, ours),
every level and every handler, including handlers added later. The message is
formatted and redacted once, when the record is made, with the function given
to ``redact_with`` (the process's redactor, once it has one); tracebacks and
stack traces are redacted too. If redaction fails, the message is withheld,
never written raw.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable, Dict, Optional

WITHHELD = "[log message withheld: it could not be redacted]"
INSIDE_REDACTOR = "[log message from inside the redactor withheld]"

# Threads whose records are withheld: the engine's detection workers (see bot.privacy.engine).
REDACTION_THREAD_PREFIX = "redact"

RecordFactory = Callable[..., logging.LogRecord]

_state = threading.local()
_redaction: Dict[str, Callable[[str], str]] = {}
_formatter = logging.Formatter()


def redact_with(redact: Callable[[str], str]) -> None:
    """Redact every log record made from now on with ``redact``; a second call replaces the function."""
    _redaction["redact"] = redact


def stop_redacting() -> None:
    """Records pass unchanged again (for tests)."""
    _redaction.pop("redact", None)


def _redact_or_withhold(redact: Callable[[str], str], text: str) -> str:
    try:
        return redact(text)
    except Exception:
        return WITHHELD


def redacting(previous: RecordFactory) -> RecordFactory:
    """A LogRecord factory: ``previous``'s records, redacted with the function given to ``redact_with``
    (unchanged while there is none)."""

    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        current: Optional[Callable[[str], str]] = _redaction.get("redact")
        if current is None:
            return record
        if getattr(_state, "busy", False) or threading.current_thread().name.startswith(REDACTION_THREAD_PREFIX):
            # A record made while redacting (the engine's own libraries logging): it may quote the text.
            record.msg, record.args, record.exc_info, record.exc_text = INSIDE_REDACTOR, None, None, None
            return record
        _state.busy = True
        try:
            try:
                message = record.getMessage()
            except Exception:
                message = str(record.msg)
            record.msg = _redact_or_withhold(current, message)
            record.args = None
            if record.exc_info:
                record.exc_text = _redact_or_withhold(current, _formatter.formatException(record.exc_info))
                record.exc_info = None
            if record.stack_info:
                record.stack_info = _redact_or_withhold(current, record.stack_info)
        finally:
            _state.busy = False
        return record

    return make_record
