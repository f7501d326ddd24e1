"""The redaction engine: detect identifiers, replace them, fail closed.

``Redactor.redact(text, conversation)`` is the one call every entry point
makes. It refuses (raises a :class:`RedactionError`) rather than let raw text
through: on input over the policy's size limit, on a detection error, and on
detection slower than the policy's time limit.
"""

from __future__ import annotations

import concurrent.futures
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import FrozenSet, List, Optional, Tuple

from presidio_analyzer import AnalyzerEngine, RecognizerResult

from bot.clock import SYSTEM_CLOCK, Clock
from bot.privacy.analyzer import ChatAnalyzerEngine, build_analyzer
from bot.privacy.continuation import continuation, still_unfinished, unfinished
from bot.privacy.deadline import deadline
from bot.privacy.errors import InputTooLarge, PrivacyError, RedactionError, RedactionTimeout
from bot.privacy.memory import DigestMemory
from bot.privacy.nlp import LANGUAGE
from bot.privacy.pending import CONTINUATION_SECONDS as CONTINUATION_SECONDS  # where callers have found it
from bot.privacy.pending import Continuations, InMemoryContinuations
from bot.privacy.placeholders import (
    PLACEHOLDER_PATTERN,
    Fingerprinter,
    InMemoryPlaceholderIndex,
    PlaceholderIndex,
    placeholder,
)
from bot.privacy.policy import Action, Policy
from bot.privacy.recognizers.net import DefaultDenyNet
from bot.privacy.spans import DetectedEntity as DetectedEntity
from bot.privacy.spans import among_identity_details, merge_overlaps, repeated_elsewhere
from bot.privacy.textview import TextView
from bot.privacy.vault import Vault

logger = logging.getLogger(__name__)

# Where the vault is shared (several servers), placeholder numbering and split values are kept there too.
SHARED_URL_ENV = "FINBOT_VAULT_URL"

# Log records made in these threads are withheld by bot.logs: they may quote the text being redacted.
WORKER_THREAD_PREFIX = "redact"


@dataclass(frozen=True)
class Replacement:
    entity: DetectedEntity
    text: str
    action: Action


@dataclass(frozen=True)
class Redaction:
    """The outcome of redacting one message. ``text`` is safe to log, store and pass on."""

    text: str
    replacements: Tuple[Replacement, ...] = field(default_factory=tuple)

    @property
    def entities(self) -> Tuple[DetectedEntity, ...]:
        return tuple(r.entity for r in self.replacements)

    @property
    def kinds(self) -> FrozenSet[str]:
        """The entity types that were hidden (never the values)."""
        return frozenset(r.entity.type for r in self.replacements if r.action is not Action.KEEP)

    @property
    def changed(self) -> bool:
        return any(r.action is not Action.KEEP for r in self.replacements)


MAX_VAULT_PROBES = 1000
MAX_ADMITTED = 50_000
MAX_CACHED_CHARS = 2_000
TRAILING_PLACEHOLDER = re.compile(r"(<[A-Z][A-Z0-9_]*?_\d+>)[\s.,;:!?)]*$")


def mask(value: str) -> str:
    """Hide all but the last 4 characters."""
    keep = 4 if len(value) > 4 else 0
    return "*" * (len(value) - keep) + value[len(value) - keep:]


class Redactor:
    """Detects identifiers with Presidio and replaces them as the policy says."""

    def __init__(
        self,
        policy: Optional[Policy] = None,
        analyzer: Optional[AnalyzerEngine] = None,
        vault: Optional[Vault] = None,
        index: Optional[PlaceholderIndex] = None,
        fingerprint_key: Optional[bytes] = None,
        continuations: Optional[Continuations] = None,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        """``clock`` times detection against the policy's limit, and is the clock of the index and
        continuations made here (one passed in keeps its own)."""
        self.policy = policy or Policy.load()
        self._clock = clock
        self.analyzer = analyzer or build_analyzer()
        self.vault = vault
        self.index = index or InMemoryPlaceholderIndex(ttl_seconds=self.policy.vault_ttl_seconds, clock=clock)
        self._fingerprint = Fingerprinter(fingerprint_key or os.urandom(32))
        self._entities = sorted(self.policy.entities)
        self._thresholds = {name: rule.threshold for name, rule in self.policy.rules.items()}
        self._net = DefaultDenyNet() if self.policy.default_deny else None
        if isinstance(self.analyzer, ChatAnalyzerEngine):
            self.analyzer.prepare(self._entities)
        # What messages left unfinished (types and digit counts, never values): see bot.privacy.pending.
        self.continuations = continuations or InMemoryContinuations(clock)
        # Keyed digests of what this redactor admitted (a person's message, redacted with ``carry``): the
        # NLU step, the tracker store and the broker of the same process meet that exact text again, and
        # it is already as redacted as it can be (continuations included), so detection is skipped.
        self._admitted = DigestMemory(MAX_ADMITTED)
        # Texts in which detection found nothing, by keyed digest: detection depends on the text alone, so the
        # same bot reply (placeholders are no finding) or "what's my balance" in any conversation is read once.
        # A text with a finding is not kept: it belongs to one conversation, and how fast another conversation
        # is answered must not tell whether anyone typed it.
        self._detected = DigestMemory(self.policy.remembered_texts)
        # Detection runs in a worker so that a time limit can be enforced.
        self._workers = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix=WORKER_THREAD_PREFIX)

    @classmethod
    def for_project(cls, var_dir: Path, policy_path: Optional[str] = None, clock: Clock = SYSTEM_CLOCK) -> Redactor:
        """A redactor with the vault and keys under ``var_dir`` (created on first use), all on ``clock``."""
        from bot.privacy.keys import derive_key, load_master_key

        policy = Policy.load(policy_path)
        master = load_master_key(var_dir / "keys" / "master.key")
        vault = Vault.for_project(var_dir, ttl_seconds=policy.vault_ttl_seconds, clock=clock)
        shared = os.environ.get(SHARED_URL_ENV)
        if not shared:
            return cls(policy=policy, vault=vault, fingerprint_key=derive_key(master, "placeholder-index"),
                       clock=clock)
        # Several servers share the vault's database: they number placeholders and carry split values there too.
        from bot.privacy.shared import SharedPlaceholderState

        state = SharedPlaceholderState(shared, ttl_seconds=policy.vault_ttl_seconds, clock=clock)
        return cls(policy=policy, vault=vault, fingerprint_key=derive_key(master, "placeholder-index"),
                   index=state, continuations=state, clock=clock)

    def detect(self, text: str) -> List[DetectedEntity]:
        """The identifiers in ``text`` that the policy acts on, merged, in order of position."""
        if not isinstance(text, str):
            raise RedactionError(f"expected text, got {type(text).__name__}")
        if len(text) > self.policy.max_chars:
            raise InputTooLarge(len(text), self.policy.max_chars)
        if not text.strip():
            return []
        cacheable = len(text) <= MAX_CACHED_CHARS
        digest = self._detected.digest(text) if cacheable else b""
        if cacheable and self._detected.get(digest) is not None:
            return []
        limit = self.policy.timeout_seconds
        started = self._clock.monotonic()
        future = self._workers.submit(self._detect, text)
        try:
            found = future.result(timeout=limit)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise RedactionTimeout(limit) from None
        except PrivacyError:
            raise
        except Exception as error:
            # The message of an arbitrary error may quote the text: keep only its type.
            raise RedactionError(f"detection failed ({type(error).__name__})") from None
        # The wait can return late (the worker held the interpreter): a result that came after the limit
        # is refused too, so the limit holds however the threads were scheduled.
        if self._clock.monotonic() - started > limit:
            raise RedactionTimeout(limit)
        if cacheable and not found:
            self._detected.put(digest, ())
        return found

    def _detect(self, text: str) -> List[DetectedEntity]:
        # Past the time limit, detection stops here too (the caller has given up waiting by then).
        with deadline(self.policy.timeout_seconds):
            try:
                return self._detect_in_time(text)
            except TimeoutError:
                raise RedactionTimeout(self.policy.timeout_seconds) from None

    def _detect_in_time(self, text: str) -> List[DetectedEntity]:
        view = TextView.of(text)
        results: List[RecognizerResult]
        if isinstance(self.analyzer, ChatAnalyzerEngine):
            results = self.analyzer.detect(view.text, self._thresholds)
        else:
            results = self.analyzer.analyze(text=view.text, language=LANGUAGE, entities=self._entities)
        protected = [m.span() for m in PLACEHOLDER_PATTERN.finditer(view.text)]
        detected = [DetectedEntity(r.entity_type, r.start, r.end, float(r.score)) for r in results
                    if not any(s <= r.start and r.end <= e for s, e in protected)]  # already a placeholder
        seen = merge_overlaps([e for e in detected if self._acts_on(e.type, e.score)])
        seen = merge_overlaps(seen + [e for e in among_identity_details(detected, seen, view.text)
                                      if self._acts_on(e.type, e.score)])
        seen = merge_overlaps(seen + repeated_elsewhere(view.text, seen))
        if self._net is not None:
            # What the specific recognizers and their repeats took is theirs; the net judges the rest.
            taken = [(e.start, e.end) for e in seen] + protected
            seen = merge_overlaps(seen + [DetectedEntity(f.type, f.start, f.end, f.score)
                                          for f in self._net.find(view.text, taken) if self._acts_on(f.type, f.score)])
        found = []
        for entity in seen:
            start, end = view.to_original(entity.start, entity.end)
            if end > start:
                found.append(DetectedEntity(entity.type, start, end, entity.score))
        if view.text == text:  # the repeats were found in the view already
            return merge_overlaps(found)
        return merge_overlaps(found + repeated_elsewhere(text, merge_overlaps(found)))

    def _acts_on(self, kind: str, score: float) -> bool:
        rule = self.policy.rules.get(kind)
        return rule is not None and score >= rule.threshold and rule.action is not Action.KEEP

    def redact(
        self, text: str, conversation: str, *, carry: bool = False, after: Optional[str] = None
    ) -> Redaction:
        """``text`` with every detected identifier replaced, numbered within ``conversation``.

        With ``carry`` (a person's messages, in order, as the channels pass them),
        an identifier left unfinished at the end of the previous message continues
        at the start of this one, and is replaced too. Stores and logs, which
        redact the same conversation's texts again, leave it off; a step that
        knows the message before this one passes it as ``after`` instead (as it
        was typed, or as this redactor redacted it).
        """
        if not isinstance(text, str):
            raise RedactionError(f"expected text, got {type(text).__name__}")
        if not carry and self._was_admitted(conversation, text):
            return Redaction(text)
        entities = self.detect(text)
        if carry:
            entities = self._carry_over(text, conversation, entities)
        elif after is not None and after.strip():
            left = self._left_unfinished(after, conversation)
            continued = self._continuation(text, left[0]) if left is not None else None
            if continued is not None:
                entities = merge_overlaps([*entities, continued])
        replacements = [self._replacement(text, entity, conversation) for entity in entities]
        self._remember_partial(text, conversation, entities, replacements)
        pieces: List[str] = []
        cursor = 0
        for replacement in replacements:
            pieces.append(text[cursor:replacement.entity.start])
            pieces.append(replacement.text)
            cursor = replacement.entity.end
        pieces.append(text[cursor:])
        redacted = Redaction("".join(pieces), tuple(replacements))
        if carry:
            self._admit(conversation, redacted.text)
        return redacted

    def _admit(self, conversation: str, text: str) -> None:
        self._admitted.put(self._admitted.digest(conversation, text), True)

    def _was_admitted(self, conversation: str, text: str) -> bool:
        return self._admitted.get(self._admitted.digest(conversation, text)) is not None

    def _carry_over(self, text: str, conversation: str, entities: List[DetectedEntity]) -> List[DetectedEntity]:
        """Add the continuation of an unfinished identifier; remember one this message leaves unfinished."""
        pending = self.continuations.take_pending(conversation)
        carried: Optional[Tuple[str, int]] = None
        continued: Optional[Tuple[int, int]] = None
        if pending is not None:
            kind, given = pending
            entity = self._continuation(text, kind)
            if entity is not None:
                continued = (entity.start, entity.end)
                entities = merge_overlaps([*entities, entity])
                still = still_unfinished(kind, given, text, continued)
                if still is not None:
                    carried = (kind, still)
        # What this message itself leaves unfinished (the continuation it carried does not count again).
        own = [(e.type, e.start, e.end) for e in entities if continued is None or not (
            e.start < continued[1] and continued[0] < e.end)]
        left = unfinished(text, own)
        if left is not None:
            carried = left
        if carried is not None:
            self.continuations.put_pending(conversation, carried[0], carried[1])
        return entities

    def _left_unfinished(self, previous: str, conversation: str) -> Optional[Tuple[str, int]]:
        """What ``previous`` left unfinished: from its own text, or, once it is redacted, from its last placeholder."""
        left = unfinished(previous, [(e.type, e.start, e.end) for e in self.detect(previous)])
        if left is not None:
            return left
        last = TRAILING_PLACEHOLDER.search(previous)
        if last is None:
            return None
        return self.continuations.partial(conversation, last.group(1))

    def _remember_partial(
        self, text: str, conversation: str, entities: List[DetectedEntity], replacements: List[Replacement]
    ) -> None:
        """If ``text`` ends with part of an identifier, remember its placeholder's type and digit count.

        So that the message after it is understood even when all that is left of
        this one is its redacted form (a tracker read back from the store).
        """
        if not replacements:
            return
        left = unfinished(text, [(e.type, e.start, e.end) for e in entities])
        if left is None or left[1] == 0:
            return
        self.continuations.put_partial(conversation, replacements[-1].text, left[0], left[1])

    def _continuation(self, text: str, kind: str) -> Optional[DetectedEntity]:
        """The value at the start of ``text`` that continues an unfinished identifier of type ``kind``."""
        if kind not in self.policy.rules:
            return None
        view = TextView.of(text)
        span = continuation(view.text, kind)
        if span is None:
            return None
        start, end = view.to_original(*span)
        return DetectedEntity(kind, start, end, 1.0)

    def _replacement(self, text: str, entity: DetectedEntity, conversation: str) -> Replacement:
        value = text[entity.start:entity.end]
        action = self.policy.rule(entity.type).action
        if action is Action.MASK:
            return Replacement(entity, mask(value), action)
        number = self.index.number(conversation, entity.type, self._fingerprint(conversation, entity.type, value))
        name = placeholder(entity.type, number)
        if action is Action.VAULT and self.vault is not None:
            # The vault may hold this number for another value (numbered by another process, or before a
            # restart): take the first number that is free or already holds this value, the same every time.
            for probe in range(number, number + MAX_VAULT_PROBES):
                name = placeholder(entity.type, probe)
                if self.vault.store(conversation, name, entity.type, value):
                    break
            else:
                raise RedactionError("the vault has no free placeholder for this value")
        return Replacement(entity, name, action)

    def forget(self, conversation: str) -> None:
        """Erase the conversation's placeholder numbering, vault entries and unfinished values."""
        self.continuations.erase(conversation)
        self.index.erase(conversation)
        if self.vault is not None:
            self.vault.erase(conversation)

    def close(self) -> None:
        self._workers.shutdown(wait=False, cancel_futures=True)
        if self.vault is not None:
            self.vault.close()
        close_index = getattr(self.index, "close", None)  # a shared index holds database connections
        if close_index is not None:
            close_index()
