"""A privacy report for one conversation: what kinds of value were hidden, how often, and every reveal.

Built from what is stored anyway (the user messages' text, which holds
placeholders only, and the vault's reveal records), so it can never contain
a value: only kinds, counts, placeholders, purposes and times. Knows nothing
of Rasa; the channel hands it the texts.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Set, Tuple

from bot.privacy.entities import ENTITY_KINDS
from bot.privacy.placeholders import PLACEHOLDER_PATTERN, parse_placeholder
from bot.privacy.vault import Reveal


@dataclass(frozen=True)
class KindCount:
    """One kind of value hidden in a conversation: how many distinct values, how many mentions."""

    kind: str
    label: str
    values: int
    mentions: int


@dataclass(frozen=True)
class RevealRecord:
    """One reveal of a vault value, with its kind taken from the placeholder."""

    placeholder: str
    kind: str
    purpose: str
    revealed_at: float


@dataclass(frozen=True)
class PrivacyReport:
    """What a person may learn about their own conversation's hidden values. Never a value."""

    conversation_id: str
    messages: int
    redacted: Tuple[KindCount, ...]
    reveals: Tuple[RevealRecord, ...]


def placeholders_in(text: str) -> List[Tuple[str, str]]:
    """``(kind, placeholder)`` for each placeholder of a known kind in ``text``, in order.

    Unknown kinds are skipped: a person may type something that looks like a
    placeholder, but only the engine's kinds were hidden by it.
    """
    found = []
    for match in PLACEHOLDER_PATTERN.finditer(text):
        if match.group(1) in ENTITY_KINDS:
            found.append((match.group(1), match.group(0)))
    return found


def count_kinds(texts: Iterable[str]) -> Tuple[KindCount, ...]:
    """Per kind, sorted by kind: distinct placeholders (values) and occurrences (mentions)."""
    mentions: Counter[str] = Counter()
    distinct: Dict[str, Set[str]] = defaultdict(set)
    for text in texts:
        for kind, name in placeholders_in(text):
            mentions[kind] += 1
            distinct[kind].add(name)
    return tuple(
        KindCount(kind=kind, label=ENTITY_KINDS[kind], values=len(distinct[kind]), mentions=mentions[kind])
        for kind in sorted(mentions)
    )


def reveal_kind(placeholder: str) -> Optional[str]:
    """The entity type of a placeholder (``IBAN_CODE`` for ``<IBAN_CODE_1>``), or None."""
    parsed = parse_placeholder(placeholder)
    return parsed[0] if parsed else None


def build_report(conversation_id: str, user_texts: Iterable[str], reveals: Iterable[Reveal]) -> PrivacyReport:
    """The report for a conversation from its user messages' (redacted) texts and its vault reveals."""
    texts = list(user_texts)
    records = tuple(
        RevealRecord(
            placeholder=reveal.placeholder,
            kind=reveal_kind(reveal.placeholder) or "UNKNOWN",
            purpose=reveal.purpose,
            revealed_at=reveal.revealed_at,
        )
        for reveal in reveals
    )
    return PrivacyReport(conversation_id, len(texts), count_kinds(texts), records)
