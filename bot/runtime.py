"""One Redactor per server process, shared by channels, stores, broker and logs.

The first caller builds it (loading spaCy, the vault and the keys under the
var folder) and installs log redaction for the whole process.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Dict, Optional, Tuple

from bot.logs import install_log_redaction
from bot.privacy import Redactor

LOG_SCOPE = "logs"
LONG_LINE_WITHHELD = "[log line over the redaction size limit withheld]"

_redactors: Dict[Tuple[str, str], Redactor] = {}
_lock = threading.Lock()


def shared_redactor(policy_path: Optional[str] = None, var_dir: Optional[str] = None) -> Redactor:
    """The process-wide redactor for this policy and var folder; installs log redaction on first use."""
    var = str(Path(var_dir or os.environ.get("FINBOT_VAR_DIR") or "var").resolve())
    policy = policy_path or os.environ.get("FINBOT_PRIVACY_POLICY") or ""
    with _lock:
        key = (policy, var)
        if key not in _redactors:
            redactor = Redactor.for_project(Path(var), policy or None)
            install_log_redaction(lambda text: redact_log_message(redactor, text))
            _redactors[key] = redactor
        return _redactors[key]


def redact_log_message(redactor: Redactor, text: str) -> str:
    """A log message with identifiers replaced (placeholders numbered in a "logs" scope).

    A message over the size limit is redacted line by line; a single line over
    the limit is withheld, since cutting it could split a value.
    """
    limit = redactor.policy.max_chars
    if len(text) <= limit:
        return redactor.redact(text, LOG_SCOPE).text
    return "\n".join(
        redactor.redact(line, LOG_SCOPE).text if len(line) <= limit else LONG_LINE_WITHHELD
        for line in text.split("\n")
    )
