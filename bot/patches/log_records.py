"""The standard library's LogRecord factory redacts every record (``bot.logs.redacting``).

Installed once per process, before the process logs anything of a person's;
records pass unchanged until the process's redactor hands its function to
``bot.logs.redact_with``.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Dict

from bot.patches.guard import PYTHON, Target, mark, unmark

PATCH = "log record redaction"
PYTHON_VERSION = "3.10"
SET_FACTORY = Target(PATCH, PYTHON, PYTHON_VERSION, "logging", "setLogRecordFactory", "(factory)")
GET_FACTORY = Target(PATCH, PYTHON, PYTHON_VERSION, "logging", "getLogRecordFactory", "()")
# What the factory reads and rewrites: msg, args, exc_info, exc_text, stack_info (made from sinfo).
RECORD = Target(PATCH, PYTHON, PYTHON_VERSION, "logging", "LogRecord.__init__",
                "(self, name, level, pathname, lineno, msg, args, exc_info, func=…, sinfo=…, **kwargs)")
TARGETS = (SET_FACTORY, GET_FACTORY, RECORD)

_installed: Dict[str, Callable[..., logging.LogRecord]] = {}  # "ours" and "previous" factories


def installed() -> bool:
    """Whether our factory was installed (records are redacted once a function is given)."""
    return "ours" in _installed


def install() -> None:
    """Make the redacting factory the process's LogRecord factory; idempotent.

    VersionMismatch or SignatureMismatch if Python is not the version this was written for."""
    from bot.logs import redacting

    if installed():
        mark(PATCH)
        return
    for target in TARGETS:
        target.check()
    previous = logging.getLogRecordFactory()
    _installed["previous"], _installed["ours"] = previous, redacting(previous)
    logging.setLogRecordFactory(_installed["ours"])
    mark(PATCH)


def uninstall() -> None:
    """Put back the factory that was in place before (for tests)."""
    previous = _installed.pop("previous", None)
    ours = _installed.pop("ours", None)
    if previous is not None and logging.getLogRecordFactory() is ours:
        logging.setLogRecordFactory(previous)
    unmark(PATCH)


def install_log_redaction(redact: Callable[[str], Any]) -> None:
    """``install``, and redact every record made from now on with ``redact`` (a second call replaces it)."""
    from bot.logs import redact_with

    install()
    redact_with(redact)


def uninstall_log_redaction() -> None:
    """Records unredacted and the factory from before back in place (for tests)."""
    from bot.logs import stop_redacting

    stop_redacting()
    uninstall()
