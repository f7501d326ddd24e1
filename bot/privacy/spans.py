"""Detected spans and the rules that join them: overlaps merged, repeats found, neighbours that explain a date.

The engine (:mod:`bot.privacy.engine`) gathers what the recognizers and the
default-deny net found; these functions turn that into the final, non-overlapping
list of identifiers to replace.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Sequence, Tuple

from bot.privacy.entities import TIE_RANK

MIN_REPEATED_CHARS = 4


@dataclass(frozen=True)
class DetectedEntity:
    """A detected identifier: its type and its span ``[start, end)`` in the original text."""

    type: str
    start: int
    end: int
    score: float

    def as_dict(self) -> Dict[str, Any]:
        return {"type": self.type, "start": self.start, "end": self.end, "score": round(self.score, 4)}


def merge_overlaps(entities: Sequence[DetectedEntity]) -> List[DetectedEntity]:
    """Union overlapping spans, so no part of any detected value survives; the best-scored type wins."""
    merged: List[DetectedEntity] = []
    for entity in sorted(entities, key=lambda e: (e.start, -e.end)):
        if merged and entity.start < merged[-1].end:
            last = merged[-1]
            best = max((last, entity), key=_preference)
            merged[-1] = DetectedEntity(best.type, last.start, max(last.end, entity.end), best.score)
        else:
            merged.append(entity)
    return merged


def _preference(entity: DetectedEntity) -> Tuple[float, int, int]:
    """Higher score, then longer span, then the more specific type (a type no list names comes last)."""
    return entity.score, entity.end - entity.start, -TIE_RANK.get(entity.type, len(TIE_RANK))


def repeated_elsewhere(text: str, entities: Sequence[DetectedEntity]) -> List[DetectedEntity]:
    """Other occurrences of a detected value in ``text``, as the same kind of identifier.

    A value is often recognised only where its cue is ("my SSN is ...") and
    repeated without it elsewhere, e.g. in a log line that quotes both the text
    and the entity values parsed from it. A repeat is taken only where it stands
    alone (not inside a longer run of letters or digits).
    """
    taken = [(e.start, e.end) for e in entities]
    extra: List[DetectedEntity] = []
    for entity in entities:
        value = text[entity.start:entity.end]
        if len(value.strip()) < MIN_REPEATED_CHARS:
            continue
        # A plain search: a regex compiled per value cost more than the rest of this function.
        at = text.find(value)
        while at != -1:
            end = at + len(value)
            alone = not _ascii_alnum(text, at - 1) and not _ascii_alnum(text, end)
            if alone and not any(s < end and at < e for s, e in taken):
                taken.append((at, end))
                extra.append(DetectedEntity(entity.type, at, end, entity.score))
            at = text.find(value, at + 1)
    return extra


def _ascii_alnum(text: str, index: int) -> bool:
    return 0 <= index < len(text) and text[index] in _ASCII_ALNUM


_ASCII_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


IDENTITY_NEIGHBOURS = frozenset({"PERSON", "ADDRESS"})
DATE_OF_BIRTH = "DATE_OF_BIRTH"
MAX_NEIGHBOUR_GAP = 3


def among_identity_details(
    detected: Sequence[DetectedEntity], accepted: Sequence[DetectedEntity], text: str
) -> List[DetectedEntity]:
    """Full dates written right next to a name or an address ("Ann Lee 12/1/1966 po box 59"): dates of birth.

    Such a date needs no birth cue: in a list of who someone is, a date is when they were born.
    """
    promoted = []
    for entity in detected:
        if entity.type != DATE_OF_BIRTH or entity in accepted:
            continue
        for other in accepted:
            if other.type not in IDENTITY_NEIGHBOURS:
                continue
            gap = text[other.end:entity.start] if other.end <= entity.start else text[entity.end:other.start]
            if len(gap) <= MAX_NEIGHBOUR_GAP and not gap.strip(" ,;/-\n"):
                promoted.append(DetectedEntity(DATE_OF_BIRTH, entity.start, entity.end, 1.0))
                break
    return promoted
