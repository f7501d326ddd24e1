"""Every log record of the process passes through redaction before any handler sees it.

Installed as the LogRecord factory, so it covers every logger (Rasa, Sanic's
access and error logs, structlog, which Rasa routes through the standard
library, rasa-sdk, ours), every level and every handler, including handlers
added later. The message is formatted and redacted once, when the record is
made; tracebacks and stack traces are redacted too. If redaction fails, the
message is withheld, never written raw.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable, Optional

WITHHELD = "[log message withheld: it could not be redacted]"
INSIDE_REDACTOR = "[log message from inside the redactor withheld]"

# Threads whose records are withheld: the engine's detection workers (see bot.privacy.engine).
REDACTION_THREAD_PREFIX = "redact"

_state = threading.local()
_installed: dict = {}
_formatter = logging.Formatter()


def _redact_or_withhold(redact: Callable[[str], str], text: str) -> str:
    try:
        return redact(text)
    except Exception:
        return WITHHELD


def install_log_redaction(redact: Callable[[str], str]) -> None:
    """Redact every log record made from now on with ``redact``; a second call replaces the function."""
    _installed["redact"] = redact
    if "factory" in _installed:
        return
    previous = logging.getLogRecordFactory()
    _installed["factory"] = previous

    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        current: Optional[Callable[[str], str]] = _installed.get("redact")
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

    logging.setLogRecordFactory(make_record)


def uninstall_log_redaction() -> None:
    """Restore the factory that was in place before (for tests)."""
    factory = _installed.pop("factory", None)
    _installed.pop("redact", None)
    if factory is not None:
        logging.setLogRecordFactory(factory)
