"""Numbers written in words ("two thousand", "one and a half", "a hundred").

``spell_out_numbers`` rewrites them as digits and keeps a map back to the
original offsets, so the number patterns need only ever match digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Optional, Tuple

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_WORD = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True)
class WordNumber:
    """A run of number words: ``original[start:end]`` says ``value``; ``large`` if it has thousand or more."""

    start: int
    end: int
    value: float
    large: bool


@dataclass(frozen=True)
class Spelled:
    """A text with number words replaced by digits.

    Character ``i`` of ``text`` came from ``original[starts[i]:ends[i]]``: itself, or
    the whole run of words that a digit of it replaced.
    """

    text: str
    starts: Tuple[int, ...]
    ends: Tuple[int, ...]
    words: Tuple[Tuple[int, int, WordNumber], ...]  # (start, end) in ``text`` of each rewritten run

    def span(self, start: int, end: int) -> Tuple[int, int]:
        """The original span of ``text[start:end]``."""
        return self.starts[start], self.ends[end - 1]

    def word_number_at(self, start: int, end: int) -> Optional[WordNumber]:
        """The word number that ``text[start:end]`` overlaps, if any."""
        for ws, we, number in self.words:
            if ws < end and start < we:
                return number
        return None


def _value(words: List[str]) -> Tuple[float, bool]:
    total, current, large = 0.0, 0.0, False
    for word in words:
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word in _SCALES:
            total += max(current, 1) * _SCALES[word]
            current, large = 0.0, True
    return total + current, large


def _follows(previous: str, word: str) -> bool:
    """Whether ``word`` may continue a number that ``previous`` ends ("twenty five", not "two five")."""
    if word in _SCALES:
        return True
    if previous in _TENS:
        return word in _UNITS and 0 < _UNITS[word] < 10
    return previous in _SCALES and (word in _UNITS or word in _TENS)


def find_word_numbers(text: str) -> List[WordNumber]:
    """Runs of number words in ``text``: "twenty-five", "a hundred and fifty", "one and a half"."""
    tokens = [(m.group().lower(), m.start(), m.end()) for m in _WORD.finditer(text)]
    found: List[WordNumber] = []
    i = 0
    while i < len(tokens):
        word = tokens[i][0]
        starts_run = word in _UNITS or word in _TENS or (
            word in ("a", "an") and i + 1 < len(tokens) and tokens[i + 1][0] in _SCALES
            and _joined(text, tokens[i], tokens[i + 1])
        )
        if not starts_run:
            i += 1
            continue
        run = [word]
        j = i + 1
        while j < len(tokens) and _joined(text, tokens[j - 1], tokens[j]):
            nxt = tokens[j][0]
            if nxt == "and" and j + 1 < len(tokens) and run[-1] in _SCALES and _joined(text, tokens[j], tokens[j + 1]) \
                    and _follows(run[-1], tokens[j + 1][0]):
                run.append(nxt)  # "a hundred and fifty"
                j += 1
                continue
            previous = run[-1] if run[-1] != "and" else run[-2]
            if (nxt in _UNITS or nxt in _TENS or nxt in _SCALES) and _follows(previous, nxt):
                run.append(nxt)
                j += 1
                continue
            break
        value, large = _value([w for w in run if w not in ("a", "an", "and")])
        end = tokens[j - 1][2]
        # "one and a half": the half belongs to the number, not to what follows.
        if (j + 2 < len(tokens) and [t[0] for t in tokens[j:j + 3]] == ["and", "a", "half"]
                and all(_joined(text, tokens[k], tokens[k + 1]) for k in range(j - 1, j + 2))):
            value += 0.5
            end = tokens[j + 2][2]
            j += 3
        found.append(WordNumber(tokens[i][1], end, value, large))
        i = j
    return found


def _joined(text: str, left: Tuple[str, int, int], right: Tuple[str, int, int]) -> bool:
    """Two words are one number only when blanks or a single hyphen part them ("twenty-five")."""
    gap = text[left[2]:right[1]]
    return gap == "-" or (gap != "" and gap.isspace())


def _digits(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


def spell_out_numbers(text: str) -> Spelled:
    """``text`` with every word number replaced by its digits, and the map back to ``text``."""
    pieces: List[str] = []
    starts: List[int] = []
    ends: List[int] = []
    words: List[Tuple[int, int, WordNumber]] = []
    cursor = 0
    for number in find_word_numbers(text):
        for k in range(cursor, number.start):
            pieces.append(text[k])
            starts.append(k)
            ends.append(k + 1)
        digits = _digits(number.value)
        words.append((len(pieces), len(pieces) + len(digits), number))
        for _ in digits:
            pieces.append("")
            starts.append(number.start)
            ends.append(number.end)
        pieces[-len(digits):] = list(digits)
        cursor = number.end
    for k in range(cursor, len(text)):
        pieces.append(text[k])
        starts.append(k)
        ends.append(k + 1)
    return Spelled("".join(pieces), tuple(starts), tuple(ends), tuple(words))
