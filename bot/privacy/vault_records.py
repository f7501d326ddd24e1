"""What the vault's reads, purges and re-encryptions return: counts, key ids and purposes, never a value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional

__all__ = ["Purged", "Resealed", "Reveal"]


@dataclass(frozen=True)
class Reveal:
    """One recorded use of an original: which placeholder, why, when. Never the value."""

    placeholder: str
    purpose: str
    revealed_at: float


@dataclass(frozen=True)
class Purged:
    """What a purge deleted: values past their time to live, reveal records past their retention."""

    values: int
    reveals: int


@dataclass(frozen=True)
class Resealed:
    """What ``reseal`` did, in counts and key ids only.

    ``moved``: rows re-encrypted under ``current``, by the id of the key they were under (a legacy row: the
    key that opened it; ``legacy`` says how many of them were legacy rows). ``left``: rows still under
    another key afterwards, by key id (None: legacy rows that no key of the ring opens), e.g. rows that do
    not decrypt or that a server still on an old key kept rewriting; they go when they expire.
    """

    current: str
    moved: Dict[str, int]
    legacy: int
    left: Dict[Optional[str], int]
