"""The one normalised view of a message that every recognizer reads, with offsets back to the original.

People hide identifiers from patterns without meaning to, and attackers on
purpose. Detection runs on a canonical view, built in stages; every view
character knows the original span it came from, so the original's whole span
(separators and words included) is what gets replaced:

1. characters: NFKC folding (full-width digits ４１１１), invisible format
   characters dropped (zero-width spaces, right-to-left marks, soft hyphens),
   Unicode spaces and dashes made plain;
2. white space: a run of two or more white-space characters becomes one
   space, or one line break if it held one; white space between two digits
   becomes one space ("4000  1234", "3400" newline "123456");
3. digit groups: a chain of digit groups written with dots or with mixed
   separators ("4000.1234.5678.9010", "4000-1234-5678 9010") gets a space
   between its groups; a cue word glued to its digits ("cvc902", "pin1234")
   gets a space after it, and so does a value glued to the letters of
   another script ("A12803456입니다");
4. spelled digits: a run of number words ("four one one one", "oh",
   "double five", "eighty three") becomes its digits (:mod:`bot.privacy.spelled`).

Each stage is one linear scan, so the view costs linear time whatever the input.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import regex

from bot.privacy.spelled import spelled_digit_edits

# Characters dropped from the view: zero-width and bidirectional controls,
# soft hyphen, word joiner, BOM. (Unicode category Cf covers them all.)
_INVISIBLE_CATEGORIES = frozenset({"Cf"})
# Unicode white space and dash variants that NFKC leaves alone.
_SPACES = frozenset("\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000")
_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d")

# A run of white space worth rewriting: two or more characters, or one that is not a plain space.
_WHITE_RUN = regex.compile(r"[ \t\r\n\f\v\x1c-\x1f\x85\u2028\u2029]{2,}|[\t\r\n\f\v\x1c-\x1f\x85\u2028\u2029]")
# Digit groups joined by single separators (white space is already one space here). "/" is left out:
# it writes dates. Not part of a word or a decimal before or after.
_CHAIN = regex.compile(r"(?<![\w.])\d{1,19}(?:[ .\-_]\d{1,19}){2,}(?!\w|[.\-_]\d)")
_SEPARATOR = regex.compile(r"[ .\-_]")
# Cue words that people glue to the value they name ("cvc902", "pin1234", "otp123456"; "cvv2556" hides
# the "2" of "cvv2" with the code, rather than leave a digit of the code) and whose
# recognizers need a word boundary after them ("acct12345678" is read as it is).
_GLUED_CUE = regex.compile(
    r"(?i)\b(?:cvc|cvv|cvn|csc|pin|otp|code|passcode|card|ssn|itin|dob|tel|ph|phone"
    r"|mob|mobile|passport|routing|aba|sortcode|sort|nino|bic|swift)(?=\d)(?!2\b)"
)

# Group lengths of card numbers as printed: 4-4-4-4(-3), 4-4-4-1..4, 4-6-4/5 (American Express, Diners).
_CARD_GROUPS = regex.compile(r"4 4 4 [1-4]|4 4 4 4 [1-3]|4 6 [45]")

# "bicDEUTDEFF500", "swiftbarcgb22": a cue glued to a code of exactly a BIC's length.
_GLUED_BIC_CUE = regex.compile(r"(?i)\b(?:bic|swift)(?=[a-z]{6}[a-z0-9]{2}(?:[a-z0-9]{3})?\b)")

# Where Latin letters or digits meet the letters of another script with no space ("A12803456입니다",
# "passport: 여권M1234567"): a word boundary for the patterns, which would read one long word.
_SCRIPT_BOUNDARY = regex.compile(r"(?<=[\p{Latin}\d])(?=[^\W\d_\p{Latin}])|(?<=[^\W\d_\p{Latin}])(?=[\p{Latin}\d])")

_DIGIT = regex.compile(r"\d")

Edit = Tuple[int, int, str]  # replace view[start:end] with the string (start == end: insert)


@dataclass(frozen=True)
class TextView:
    """``text`` is what detection reads; ``text[i]`` came from ``original[starts[i]:ends[i]]``.

    A view that changed nothing (most messages) keeps no offset tables: ``identity`` says so.
    """

    original: str
    text: str
    _starts: Optional[Tuple[int, ...]] = None
    _ends: Optional[Tuple[int, ...]] = None

    @property
    def identity(self) -> bool:
        return self._starts is None

    @property
    def starts(self) -> Tuple[int, ...]:
        return tuple(range(len(self.text))) if self._starts is None else self._starts

    @property
    def ends(self) -> Tuple[int, ...]:
        return tuple(range(1, len(self.text) + 1)) if self._ends is None else self._ends

    @classmethod
    def of(cls, original: str) -> TextView:
        view = _fold_characters(original)
        view = view.edited(_white_space_edits(view.text))
        view = view.edited(_digit_group_edits(view.text))
        return view.edited(spelled_digit_edits(view.text))

    def edited(self, edits: Sequence[Edit]) -> TextView:
        """This view with ``edits`` (sorted, not overlapping) applied; each new character keeps its origin."""
        if not edits:
            return self
        own_starts, own_ends = self.starts, self.ends
        chars: List[str] = []
        starts: List[int] = []
        ends: List[int] = []
        cursor = 0
        for start, end, replacement in edits:
            chars.append(self.text[cursor:start])
            starts.extend(own_starts[cursor:start])
            ends.extend(own_ends[cursor:start])
            if end > start:
                span = (own_starts[start], own_ends[end - 1])
            else:  # an insertion stands where the next character begins
                at = own_starts[start] if start < len(self.text) else len(self.original)
                span = (at, at)
            chars.append(replacement)
            starts.extend([span[0]] * len(replacement))
            ends.extend([span[1]] * len(replacement))
            cursor = end
        chars.append(self.text[cursor:])
        starts.extend(own_starts[cursor:])
        ends.extend(own_ends[cursor:])
        return TextView(self.original, "".join(chars), tuple(starts), tuple(ends))

    def to_original(self, start: int, end: int) -> Tuple[int, int]:
        """The original span that the view span ``[start, end)`` came from."""
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"span {start}:{end} is outside the view of length {len(self.text)}")
        if self._starts is None or self._ends is None:
            return start, end
        return self._starts[start], self._ends[end - 1]


def _fold_characters(original: str) -> TextView:
    if original.isascii():
        return TextView(original, original)
    chars: List[str] = []
    starts: List[int] = []
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
            starts.append(index)
    return TextView(original, "".join(chars), tuple(starts), tuple(s + 1 for s in starts))


def _white_space_edits(text: str) -> List[Edit]:
    edits: List[Edit] = []
    for match in _WHITE_RUN.finditer(text):
        start, end = match.span()
        between_digits = start > 0 and end < len(text) and text[start - 1].isdigit() and text[end].isdigit()
        breaks = not between_digits and any(c in "\n\r\x85\u2028\u2029" for c in match.group())
        replacement = "\n" if breaks else " "
        if match.group() != replacement:
            edits.append((start, end, replacement))
    return edits


def _digit_group_edits(text: str) -> List[Edit]:
    edits: List[Edit] = []
    if _DIGIT.search(text):  # these rewrites stand next to a digit
        for match in _CHAIN.finditer(text):
            if _rewrites(match.group()):
                edits.extend((s.start() + match.start(), s.end() + match.start(), " ")
                             for s in _SEPARATOR.finditer(match.group()) if s.group() != " ")
        edits.extend((m.end(), m.end(), " ") for m in _GLUED_CUE.finditer(text))
    edits.extend((m.end(), m.end(), " ") for m in _GLUED_BIC_CUE.finditer(text))
    if not text.isascii():  # only another script's letters meet Latin ones
        edits.extend((m.start(), m.start(), " ") for m in _SCRIPT_BOUNDARY.finditer(text))
    return sorted(edits)


def _rewrites(chain: str) -> bool:
    """Whether a chain of digit groups is one number written oddly (not an IP address, date or decimal).

    Dotted chains of 9 digits or more ("4000.1234.5678.9010", "123.45.6789"); chains
    that mix dashes and spaces in the shape of a card number ("4000-1234-5678 9010").
    """
    separators = set(_SEPARATOR.findall(chain))
    groups = _SEPARATOR.split(chain)
    digits = sum(len(g) for g in groups)
    if "." in separators:
        ip_shaped = separators == {"."} and len(groups) == 4 and all(len(g) <= 3 for g in groups)
        return digits >= 9 and not ip_shaped
    return len(separators) > 1 and bool(_CARD_GROUPS.fullmatch(" ".join(str(len(g)) for g in groups)))

