"""Digits spelled out in words, as speech-to-text and some people write them, turned into digits.

"four one one one", "oh seven seven double oh", "triple five", "eighty three
seventy one sixty": a run of number words that spells four digits or more
becomes those digits in the detection view (:mod:`bot.privacy.textview`), so the
recognizers that find a card, an account or a phone number find it spelled too.

A shorter run ("one or two", "nine one one") and any run that counts rather
than spells ("two thousand five hundred", "a hundred and five") are left as
they are: those are quantities, and the dialogue needs them.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple

import regex

Edit = Tuple[int, int, str]

_UNITS: Dict[str, str] = {
    "zero": "0", "oh": "0", "nought": "0", "naught": "0", "nil": "0",
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9",
}  # fmt: skip
_TEENS: Dict[str, str] = {
    "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14", "fifteen": "15",
    "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19",
}  # fmt: skip
_TENS: Dict[str, str] = {
    "twenty": "2", "thirty": "3", "forty": "4", "fourty": "4", "fifty": "5",
    "sixty": "6", "seventy": "7", "eighty": "8", "ninety": "9",
}  # fmt: skip
_REPEATS: Dict[str, int] = {"double": 2, "triple": 3, "treble": 3}
# Words that make a run a quantity, not a spelled number.
_COUNTING = frozenset({"hundred", "thousand", "million", "billion", "grand", "k", "and", "point", "half", "quarter"})
MIN_DIGITS = 4

_WORD = regex.compile(r"[A-Za-z]+")
# Most messages spell no digit: one search decides whether to look at their words at all.
_ANY_NUMBER_WORD = regex.compile(
    r"(?i)\b(?:" + "|".join(sorted({*_UNITS, *_TEENS, *_TENS, *_REPEATS}, key=len, reverse=True)) + r")\b")
# What may stand between two number words of one run: spaces, a hyphen ("eighty-three"), a comma or a dot
# between groups ("four one one one, one one one one").
_GAP = regex.compile(r"[ \-]?|[ ]?[,.;/][ ]?")


def spelled_digit_edits(text: str) -> List[Edit]:
    """Edits that turn each run of number words spelling ``MIN_DIGITS`` digits or more into those digits.

    Inside a run, the gap between two words goes (the digits join), except a
    comma, dot or slash, which becomes a space between groups.
    """
    if not _ANY_NUMBER_WORD.search(text):
        return []
    words = [(m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(text)]
    edits: List[Edit] = []
    index = 0
    while index < len(words):
        run = _run_at(text, words, index)
        if run is None:
            index += 1
            continue
        end_index, pieces = run
        edits.extend(pieces)
        index = end_index
    return edits


def _run_at(text: str, words: List[Tuple[int, int, str]], first: int) -> Optional[Tuple[int, List[Edit]]]:
    """The run of number words starting at ``words[first]``: (index after it, its edits), if it spells a number."""
    pieces: List[Edit] = []
    digits = 0
    index = first
    while index < len(words):
        if index > first:
            gap_start, gap_end = words[index - 1][1], words[index][0]
            gap = text[gap_start:gap_end]
            if not _GAP.fullmatch(gap):
                break
        taken = _number_at(text, words, index)
        if taken is None and digits >= 3 and words[index][2] == "hundred" and words[index - 1][2] in _UNITS:
            taken = (1, "00")  # a phone number read out: "... oh nine hundred"
        if taken is None:
            break
        used, value = taken
        if index > first:
            gap = text[gap_start:gap_end]
            pieces.append((gap_start, gap_end, " " if gap.strip(" -") else ""))
        pieces.append((words[index][0], words[index + used - 1][1], value))
        digits += len(value)
        index += used
    if digits < MIN_DIGITS or index == first + 1:
        return None
    counted = index < len(words) and words[index][2] in _COUNTING
    if counted and _GAP.fullmatch(text[words[index - 1][1]:words[index][0]]):
        return None
    if first > 0 and words[first - 1][2] in _COUNTING:
        return None
    # A gap that is left as it was needs no edit.
    return index, [piece for piece in pieces if text[piece[0]:piece[1]] != piece[2]]


def _number_at(text: str, words: List[Tuple[int, int, str]], index: int) -> Optional[Tuple[int, str]]:
    """(how many words, digits) of the number word(s) at ``words[index]``; None if it is no number word."""
    word = words[index][2]
    joined = index + 1 < len(words) and text[words[index][1]:words[index + 1][0]] in (" ", "-")
    after = words[index + 1][2] if joined else ""
    if word in _UNITS:
        return 1, _UNITS[word]
    if word in _TEENS:
        return 1, _TEENS[word]
    if word in _TENS:
        if _UNITS.get(after, "0") != "0":
            return 2, _TENS[word] + _UNITS[after]
        return 1, _TENS[word] + "0"
    if word in _REPEATS and after in _UNITS:
        return 2, _UNITS[after] * _REPEATS[word]
    return None
