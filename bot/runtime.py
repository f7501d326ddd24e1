"""One Redactor per server process, shared by channels, stores, broker and logs.

The first caller builds it (loading spaCy, the vault and the keys under the
var folder) and installs log redaction for the whole process.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

from bot.logs import install_log_redaction
from bot.privacy import Redactor

LOG_SCOPE = "logs"
LONG_LINE_WITHHELD = "[log line over the redaction size limit withheld]"

_redactors: Dict[Tuple[str, str], Redactor] = {}
_lock = threading.Lock()
_chosen: List[Redactor] = []


def shared_redactor(policy_path: Optional[str] = None, var_dir: Optional[str] = None) -> Redactor:
    """The process-wide redactor for this policy and var folder; installs log redaction on first use."""
    if _chosen:
        return _chosen[0]
    var = str(Path(var_dir or os.environ.get("FINBOT_VAR_DIR") or "var").resolve())
    policy = policy_path or os.environ.get("FINBOT_PRIVACY_POLICY") or ""
    with _lock:
        key = (policy, var)
        if key not in _redactors:
            redactor = Redactor.for_project(Path(var), policy or None)
            for_logs = without_vault(redactor)  # log lines are no conversation: nothing of them is kept
            install_log_redaction(lambda text: redact_log_message(for_logs, text))
            _redactors[key] = redactor
        return _redactors[key]


class RecentRedactions:
    """The redacted form of recently logged messages, keyed by a digest of the original.

    Most log messages repeat word for word on every turn ("Node 'run_X'
    running ..."); the engine runs once per distinct message. Only keyed digests
    and redacted texts are kept, never an original.
    """

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._entries: OrderedDict[bytes, str] = OrderedDict()
        self._lock = threading.Lock()
        self._key = os.urandom(32)  # keyed digests: a short line cannot be found by hashing guesses

    def get(self, text: str, redact: Callable[[str], str]) -> str:
        key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16, key=self._key).digest()
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        redacted = redact(text)
        with self._lock:
            self._entries[key] = redacted
            if len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return redacted


_recent = RecentRedactions()


def use_redactor(redactor: Redactor) -> None:
    """Make ``redactor`` the process's redactor for every caller (``finbot parse``: its policy, no vault)."""
    with _lock:
        _chosen[:] = [redactor]


def without_vault(redactor: Redactor) -> Redactor:
    """A redactor with the same policy and engine that keeps no original (its own numbering)."""
    return Redactor(policy=redactor.policy, analyzer=redactor.analyzer)


def redact_log_message(redactor: Redactor, text: str) -> str:
    """A log message with identifiers replaced (placeholders numbered in a "logs" scope).

    A message over the size limit is redacted line by line; a single line over
    the limit is withheld, since cutting it could split a value.
    """
    return _recent.get(text, lambda message: _redact_log_message(redactor, message))


def _redact_log_message(redactor: Redactor, text: str) -> str:
    limit = redactor.policy.max_chars
    if len(text) <= limit:
        return redactor.redact(text, LOG_SCOPE).text
    return "\n".join(
        redactor.redact(line, LOG_SCOPE).text if len(line) <= limit else LONG_LINE_WITHHELD
        for line in text.split("\n")
    )
