"""Scoring detections against labelled spans: pure functions, no engine and no I/O.

The rules (tests call these with hand-made spans; ``bot.privacy.evaluation``
runs the engines and prints the tables):

* A labelled span of a *target* (sensitive) type is **caught** when the
  detected spans together cover every letter and digit (``str.isalnum``) in it:
  a name with one letter left over, or a card number missing a digit group,
  is a leak. Punctuation and spaces may stay.
* **Recall** of a label type: caught / support.
* **Type accuracy** of a label type: among its caught spans, the share whose
  main detection (the one covering most of its letters and digits) has the
  label's type, after both names are mapped to ours
  (``US_DRIVER_LICENSE`` -> ``DRIVER_LICENSE``, ``US_BANK_NUMBER`` ->
  ``ACCOUNT_NUMBER``, ...).
* **Precision of a detected type** (lenient): a detection is correct when it
  overlaps any labelled span of a target type. **Precision** in the label
  table is strict: among detections of the label's type, the share that
  overlap a labelled span of that same type.
* *Non-target* labels (LOCATION, ORGANIZATION, DATE_TIME, ...) are what the
  dialogue keeps. They are not counted in recall; the "kept on purpose"
  section reports how often any detection touched one anyway.

Every detection handed to the scorer counts as sensitive: our engine returns
only the types its policy acts on, and for stock Presidio every detection is
replaced by its anonymizer.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import FrozenSet, List, Mapping, Optional, Sequence, Tuple

from bot.privacy.entities import ALL_ENTITIES

# Label types that must never reach the dialogue (besides every entity type of ours).
DEV_SET_TARGETS: FrozenSet[str] = frozenset({
    "PERSON", "ADDRESS", "CREDIT_CARD", "PHONE_NUMBER", "EMAIL_ADDRESS", "US_SSN", "IBAN_CODE",
    "US_DRIVER_LICENSE", "IP_ADDRESS",
})
# Label types the dialogue needs and keeps; reported apart, never counted in recall.
KEPT_LABELS: FrozenSet[str] = frozenset({
    "LOCATION", "ORGANIZATION", "DATE_TIME", "DOMAIN_NAME", "TITLE", "PREFIX", "NRP",
})
# Other names for our entity types: in labelled files and in stock Presidio's results.
TYPE_ALIASES: Mapping[str, str] = {
    "US_DRIVER_LICENSE": "DRIVER_LICENSE",
    "US_BANK_NUMBER": "ACCOUNT_NUMBER",
    "CRYPTO": "CRYPTO_WALLET",
    "US_PASSPORT": "PASSPORT",
    "UK_PASSPORT": "PASSPORT",
    "EMAIL": "EMAIL_ADDRESS",
    "PHONE": "PHONE_NUMBER",
    "IBAN": "IBAN_CODE",
    "SSN": "US_SSN",
    "NINO": "UK_NINO",
}
# The type a whole message gets when an engine refuses it (fail closed: nothing of it passes).
REFUSED = "<REFUSED>"


def canonical_type(name: str) -> str:
    """``name`` as our engine calls it (``US_DRIVER_LICENSE`` -> ``DRIVER_LICENSE``); else unchanged."""
    return TYPE_ALIASES.get(name, name)


def is_target(label_type: str) -> bool:
    """Whether a labelled span of ``label_type`` must be hidden (counted in recall)."""
    return label_type in DEV_SET_TARGETS or canonical_type(label_type) in ALL_ENTITIES


@dataclass(frozen=True)
class Span:
    """A typed character span ``[start, end)``: a label or a detection."""

    type: str
    start: int
    end: int

    def overlaps(self, other: Span) -> bool:
        """True when the two spans share at least one character."""
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class Record:
    """One labelled message."""

    text: str
    labels: Tuple[Span, ...]


@dataclass(frozen=True)
class LabelOutcome:
    """What became of one labelled span."""

    label: Span
    target: bool
    caught: bool          # every letter and digit covered (target labels)
    touched: bool         # any detection overlaps it (used for kept labels)
    detected_type: Optional[str]  # canonical type of the detection covering most of it, if any

    @property
    def type_correct(self) -> bool:
        """Caught, and the main detection's type is the label's (both canonical)."""
        return self.caught and self.detected_type == canonical_type(self.label.type)


@dataclass(frozen=True)
class DetectionOutcome:
    """What one detection hit: ``correct`` = overlaps a target label; ``exact`` = one of its own type."""

    detection: Span
    correct: bool
    exact: bool


def alnum_positions(text: str, start: int, end: int) -> List[int]:
    """The offsets in ``[start, end)`` of ``text`` holding a letter or digit."""
    return [i for i in range(max(start, 0), min(end, len(text))) if text[i].isalnum()]


def covers(text: str, label: Span, detections: Sequence[Span]) -> bool:
    """True when ``detections`` together cover every letter and digit of ``label``.

    A label with no letter or digit at all counts as covered when any detection overlaps it.
    """
    positions = alnum_positions(text, label.start, label.end)
    if not positions:
        return any(d.overlaps(label) for d in detections)
    return all(any(d.start <= i < d.end for d in detections) for i in positions)


def main_detection(text: str, label: Span, detections: Sequence[Span]) -> Optional[Span]:
    """The detection covering most of ``label``'s letters and digits (then most characters); None if none."""
    best: Optional[Span] = None
    best_key = (0, 0)
    positions = alnum_positions(text, label.start, label.end)
    for detection in detections:
        if not detection.overlaps(label):
            continue
        key = (
            sum(1 for i in positions if detection.start <= i < detection.end),
            min(detection.end, label.end) - max(detection.start, label.start),
        )
        if best is None or key > best_key:
            best, best_key = detection, key
    return best


def score_labels(text: str, labels: Sequence[Span], detections: Sequence[Span]) -> List[LabelOutcome]:
    """One outcome per label of one message, given every (sensitive) detection in it."""
    outcomes = []
    for label in labels:
        main = main_detection(text, label, detections)
        outcomes.append(LabelOutcome(
            label=label,
            target=is_target(label.type),
            caught=covers(text, label, detections),
            touched=main is not None,
            detected_type=canonical_type(main.type) if main is not None else None,
        ))
    return outcomes


def score_detections(labels: Sequence[Span], detections: Sequence[Span]) -> List[DetectionOutcome]:
    """One outcome per detection of one message: does it overlap a target label (of its own type)?"""
    targets = [label for label in labels if is_target(label.type)]
    outcomes = []
    for detection in detections:
        hit = [label for label in targets if label.overlaps(detection)]
        own = canonical_type(detection.type)
        outcomes.append(DetectionOutcome(
            detection=detection,
            correct=bool(hit),
            exact=any(canonical_type(label.type) == own for label in hit),
        ))
    return outcomes


@dataclass(frozen=True)
class LabelRow:
    """A row of the per-label-type table. ``precision`` is None when nothing was detected as this type."""

    type: str
    support: int
    caught: int
    type_correct: int
    detected: int
    detected_exact: int

    @property
    def recall(self) -> float:
        return self.caught / self.support if self.support else 0.0

    @property
    def type_accuracy(self) -> Optional[float]:
        return self.type_correct / self.caught if self.caught else None

    @property
    def precision(self) -> Optional[float]:
        return self.detected_exact / self.detected if self.detected else None


@dataclass
class Scores:
    """Counts accumulated over messages; every figure of the report derives from them."""

    messages: int = 0
    refused: int = 0
    seconds: float = 0.0
    support: Counter[str] = field(default_factory=Counter)
    caught: Counter[str] = field(default_factory=Counter)
    type_correct: Counter[str] = field(default_factory=Counter)
    kept_support: Counter[str] = field(default_factory=Counter)
    kept_touched: Counter[str] = field(default_factory=Counter)
    detections: Counter[str] = field(default_factory=Counter)
    detections_correct: Counter[str] = field(default_factory=Counter)
    detections_exact: Counter[str] = field(default_factory=Counter)
    clean: int = 0  # messages with no identifier at all
    clean_touched: int = 0  # ... in which something was detected anyway (over-redaction)

    def add(self, text: str, labels: Sequence[Span], detections: Sequence[Span]) -> None:
        """Score one message and add its counts."""
        self.messages += 1
        if not any(is_target(label.type) for label in labels):
            self.clean += 1
            self.clean_touched += bool(detections)
        for outcome in score_labels(text, labels, detections):
            name = canonical_type(outcome.label.type)
            if outcome.target:
                self.support[name] += 1
                self.caught[name] += outcome.caught
                self.type_correct[name] += outcome.type_correct
            else:
                self.kept_support[name] += 1
                self.kept_touched[name] += outcome.touched
        for d in score_detections(labels, detections):
            name = canonical_type(d.detection.type)
            self.detections[name] += 1
            self.detections_correct[name] += d.correct
            self.detections_exact[name] += d.exact

    def label_rows(self) -> List[LabelRow]:
        """One row per target label type, most frequent first."""
        return [
            LabelRow(name, self.support[name], self.caught[name], self.type_correct[name],
                     self.detections[name], self.detections_exact[name])
            for name, _ in sorted(self.support.items(), key=lambda kv: (-kv[1], kv[0]))
        ]

    @property
    def recall(self) -> float:
        """Micro recall over every target label."""
        total = sum(self.support.values())
        return sum(self.caught.values()) / total if total else 0.0

    @property
    def precision(self) -> Optional[float]:
        """Micro (lenient) precision over every detection; None without detections."""
        total = sum(self.detections.values())
        return sum(self.detections_correct.values()) / total if total else None

    @property
    def type_accuracy(self) -> Optional[float]:
        """Micro type accuracy over every caught target label; None if none was caught."""
        caught = sum(self.caught.values())
        return sum(self.type_correct.values()) / caught if caught else None

    @property
    def per_second(self) -> float:
        return self.messages / self.seconds if self.seconds > 0 else 0.0
