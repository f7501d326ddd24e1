"""A normalised view of a message for detection, with offsets back to the original.

Hostile or careless input hides identifiers from patterns: full-width digits
(４１１１), zero-width spaces inside a card number, right-to-left marks, soft
hyphens. Detection runs on a view where each character is NFKC-folded and the
invisible format characters are dropped; every view offset maps back to the
original text, so the original's span is what gets replaced.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import List, Tuple

# Characters dropped from the view: zero-width and bidirectional controls,
# soft hyphen, word joiner, BOM. (Unicode category Cf covers them all.)
_INVISIBLE_CATEGORIES = frozenset({"Cf"})
# Unicode white space and dash variants that NFKC leaves alone.
_SPACES = frozenset("\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000")
_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d")


@dataclass(frozen=True)
class TextView:
    """``text`` is what detection reads; ``origin[i]`` is the original index of ``text[i]``."""

    original: str
    text: str
    origin: Tuple[int, ...]

    @classmethod
    def of(cls, original: str) -> TextView:
        if original.isascii():
            return cls(original, original, tuple(range(len(original))))
        chars: List[str] = []
        origin: List[int] = []
        for index, char in enumerate(original):
            if unicodedata.category(char) in _INVISIBLE_CATEGORIES:
                continue
            if char in _SPACES:
                folded = " "
            elif char in _DASHES:
                folded = "-"
            else:
                folded = unicodedata.normalize("NFKC", char)
            for piece in folded:
                chars.append(piece)
                origin.append(index)
        return cls(original, "".join(chars), tuple(origin))

    def to_original(self, start: int, end: int) -> Tuple[int, int]:
        """The original span ``[start, end)`` that the view span ``[start, end)`` came from."""
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"span {start}:{end} is outside the view of length {len(self.text)}")
        return self.origin[start], self.origin[end - 1] + 1
