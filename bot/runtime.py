"""One Redactor per server process, shared by channels, stores, broker and logs.

The first caller builds it (loading spaCy, the vault and the keys under the
var folder) and has every log record of the process redacted with it (the
LogRecord factory of ``bot.patches.log_records``, which the process's entry
point installed; one that none did gets it here rather than log unredacted).

For the end-to-end benchmark's baseline only, ``FINBOT_UNSAFE_NO_REDACTION=1``
(exactly ``1``) makes it a pass-through that returns every text unchanged,
loads no spaCy and installs no log redaction; every server that asks for it
then logs a loud warning. Any other value leaves redaction on.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

from bot.patches.log_records import install_log_redaction
from bot.privacy import DetectedEntity, Policy, Redaction, Redactor
from bot.privacy.memory import DigestMemory
from bot.privacy.placeholders import InMemoryPlaceholderIndex

logger = logging.getLogger(__name__)

LOG_SCOPE = "logs"
LONG_LINE_WITHHELD = "[log line over the redaction size limit withheld]"

_redactors: Dict[Tuple[str, str], Redactor] = {}
_lock = threading.Lock()
_chosen: List[Redactor] = []


UNSAFE_ENV = "FINBOT_UNSAFE_NO_REDACTION"
UNSAFE_WARNING = (
    "!!! redaction is OFF: for benchmarks only; messages are stored as typed "
    f"(unset {UNSAFE_ENV} to turn it back on) !!!"
)
_unsafe: List[Redactor] = []


def redaction_disabled() -> bool:
    """Whether $FINBOT_UNSAFE_NO_REDACTION is exactly "1" (a value like "true" or "0" keeps redaction on)."""
    return os.environ.get(UNSAFE_ENV) == "1"


class PassThroughRedactor(Redactor):
    """A Redactor that detects nothing and returns every text unchanged (the benchmark baseline).

    Same interface as ``Redactor``, without its analyzer (no spaCy), vault or
    numbering state; only the policy's limits and metadata keys are read.
    """

    def __init__(self, policy: Optional[Policy] = None) -> None:  # no super().__init__: it would load spaCy
        self.policy = policy or Policy.load()
        self.vault = None
        self.index = InMemoryPlaceholderIndex(ttl_seconds=self.policy.vault_ttl_seconds)

    def detect(self, text: str) -> List[DetectedEntity]:
        return []

    def redact(
        self, text: str, conversation: str, *, carry: bool = False, after: Optional[str] = None
    ) -> Redaction:
        return Redaction(text)

    def forget(self, conversation: str) -> None:
        return None

    def close(self) -> None:
        return None


def shared_redactor(policy_path: Optional[str] = None, var_dir: Optional[str] = None) -> Redactor:
    """The process-wide redactor for this policy and var folder; installs log redaction on first use.

    With $FINBOT_UNSAFE_NO_REDACTION=1, a PassThroughRedactor instead (see the module docstring).
    """
    if _chosen:
        return _chosen[0]
    if redaction_disabled():
        return _pass_through(policy_path)
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


def _pass_through(policy_path: Optional[str]) -> Redactor:
    """The process's pass-through redactor; the first call logs the warning (so each server logs it at start)."""
    with _lock:
        if not _unsafe:
            _unsafe.append(PassThroughRedactor(Policy.load(policy_path or None)))
            logger.warning(UNSAFE_WARNING)
        return _unsafe[0]


class RecentRedactions:
    """The redacted form of recently logged messages, keyed by a digest of the original.

    Most log messages repeat word for word on every turn ("Node 'run_X'
    running ..."); the engine runs once per distinct message. Only keyed digests
    and redacted texts are kept, never an original.
    """

    def __init__(self, size: int = 4096) -> None:
        self._memory = DigestMemory(size)

    def get(self, text: str, redact: Callable[[str], str]) -> str:
        key = self._memory.digest(text)
        known = self._memory.get(key)
        if known is None:
            known = redact(text)
            self._memory.put(key, known)
        return str(known)


_recent = RecentRedactions()


def use_redactor(redactor: Redactor) -> None:
    """Make ``redactor`` the process's redactor for every caller (``finbot parse``: its policy, no vault)."""
    with _lock:
        _chosen[:] = [redactor]


def without_vault(redactor: Redactor) -> Redactor:
    """A redactor with the same policy and engine that keeps no original (its own numbering)."""
    if isinstance(redactor, PassThroughRedactor):
        return redactor  # nothing to keep, and no engine to share
    return Redactor(policy=redactor.policy, analyzer=redactor.analyzer)


def redact_log_message(redactor: Redactor, text: str) -> str:
    """A log message with identifiers replaced (placeholders numbered in a "logs" scope).

    A message over the size limit is redacted line by line; a single line over
    the limit is withheld, since cutting it could split a value.
    """
    return _recent.get(text, lambda message: _redact_log_message(redactor, message))


def _redact_log_message(redactor: Redactor, text: str) -> str:
    masked, tokens = mask_opaque_tokens(redactor, text)
    limit = redactor.policy.max_chars
    if len(masked) <= limit:
        redacted = redactor.redact(masked, LOG_SCOPE).text
    else:
        redacted = "\n".join(
            redactor.redact(line, LOG_SCOPE).text if len(line) <= limit else LONG_LINE_WITHHELD
            for line in masked.split("\n")
        )
    return _OPAQUE_MARK.sub(lambda mark: tokens[int(mark.group(1))], redacted) if tokens else redacted


# The opaque ids the servers make and log (socket.io and widget session ids, UUIDs, digests, pseudonyms):
# 16 characters or more of letters, digits, "-" and "_" (a widget session's ".<MAC>" too), with both letters
# and digits. Name detection made "<PERSON_1>" of a piece of one; an id is not a name.
_OPAQUE = re.compile(r"(?<![\w.~-])~?(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[A-Za-z0-9_-]{16,}(?:\.[0-9a-f]{32})?(?![\w-])")
_OPAQUE_MARK = re.compile("\ue000(\\d+)\ue001")  # private-use characters: no recognizer reads them
# What an opaque token may be taken for on its own and still be kept: the kinds of people's names and
# addresses. A token that is anything else (an IBAN, a card number, a code) is redacted as before.
_NOT_IN_AN_ID = frozenset({"PERSON", "ADDRESS"})


def mask_opaque_tokens(redactor: Redactor, text: str) -> Tuple[str, List[str]]:
    """``text`` with each opaque id replaced by a mark, and the ids; an id the engine takes for any identifier
    but a name or an address on its own stays in the text, to be redacted."""
    tokens: List[str] = []
    if "\ue000" in text or "\ue001" in text:  # marks of its own: nothing is masked, all is redacted
        return text, tokens

    def mask(match: re.Match) -> str:
        token = match.group()
        if any(found.type not in _NOT_IN_AN_ID for found in redactor.detect(token)):
            return token
        tokens.append(token)
        return f"\ue000{len(tokens) - 1}\ue001"

    return _OPAQUE.sub(mask, text), tokens
