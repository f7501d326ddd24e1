"""Identifiers split over two messages: "my card number is 4111 1111" then "1111 1111".

Each half alone is too short for its recognizer, so the engine carries one
fact from a message to the next in the same conversation: the *type* of an
identifier left unfinished at the end of a message (a cue with no value, or a
value shorter than that identifier can be). Never the value. The next message's
leading run of digits (or, for an IBAN, letters and digits) is then that
identifier's continuation.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

import regex as re

# Identifier cues, in the order they are tried; each names the type of what follows it.
_CUE_WORDS: Sequence[Tuple[str, str]] = (
    ("CREDIT_CARD", r"(?:credit\s+|debit\s+)?card"),
    ("IBAN_CODE", r"iban"),
    ("US_SSN", r"ssn|social\s+security(?:\s+number)?"),
    ("ROUTING_NUMBER", r"routing|aba"),
    ("SORT_CODE", r"sort\s+code"),
    ("ACCOUNT_NUMBER", r"account|acct|a/c"),
    ("PASSPORT", r"passport"),
    ("REFERENCE_NUMBER", r"reference|ref"),
)
# Bounded gaps: the value is read on the normalised view (one space for any run), and a lookbehind with an
# unbounded gap would cost time in the square of a run of spaces.
_AFTER_CUE = r"\s{0,3}(?:number|no\.?|num|#)?\s{0,3}(?:is|was|:|=|-)?\s{0,3}(?:(?:as\s{1,3})?follows\W{0,3})?"
# Digits as people type them, at least 5 in all (4 digits alone are "the last 4" a bank may show).
_DIGIT_RUN = r"\d(?:[ \-.]?\d){4,}"
# An IBAN as typed: compact, or in groups of four after the country and check digits, the last shorter; a
# group of letters only must be in capitals ("GB82 WEST 1234"), so that the words after a value ("... in a
# log", "... from my account") are not read as more of it.
_ALNUM_RUN = (r"[a-z]{2}\d{2}(?:[a-z0-9]{2,30}|(?:[ \-](?:(?=[a-z]{0,3}\d)[a-z0-9]{4}|(?-i:[A-Z]{4})))+"
              r"(?:[ \-](?=[a-z]{0,2}\d)[a-z0-9]{1,3})?)")

CUES: Dict[str, Any] = {
    kind: re.compile(rf"\b(?:{words}){_AFTER_CUE}", re.IGNORECASE) for kind, words in _CUE_WORDS
}
# A message that stops right after "my account number is" (a cue that announces a value, not
# "how do I close my account") leaves that value for the next message.
_ANNOUNCES = r"\s*(?:(?:number|no\.?|num|#)\s*(?:is|was|:|=)?|is|was|:|=)\s*(?:(?:as\s+)?follows)?[\s:.…\-]*$"
ENDS_WITH_CUE: Dict[str, Any] = {
    kind: re.compile(rf"\b(?:{words}){_ANNOUNCES}", re.IGNORECASE) for kind, words in _CUE_WORDS
}
PARTIAL_VALUE: Dict[str, Any] = {
    kind: re.compile(
        rf"(?<=\b(?:{words}){_AFTER_CUE})(?:{_ALNUM_RUN if kind == 'IBAN_CODE' else _DIGIT_RUN})(?![\w])",
        re.IGNORECASE,
    )
    for kind, words in _CUE_WORDS
}
# Shortest complete value of each type, in digits (an IBAN in characters).
COMPLETE_LENGTH = {"CREDIT_CARD": 13, "US_SSN": 9, "ROUTING_NUMBER": 9, "SORT_CODE": 6, "IBAN_CODE": 15}
_LEAD_IN = r"^\W*(?:(?:and|then|the|rest|is|cont(?:inued|\.)?|continuing|part\s*2|second|half|it'?s|its|" \
           r"ends?|in|with|of|it)\W+){0,5}"
LEADING_DIGITS = re.compile(_LEAD_IN + r"(\d(?:[ \-.]?\d)*)(?![\w])", re.IGNORECASE)
LEADING_ALNUM = re.compile(_LEAD_IN + r"([a-z0-9](?:[ \-]?[a-z0-9])*)(?![\w])", re.IGNORECASE)
_DATE_SHAPE = re.compile(r"(?:19|20)\d{2}([-.])\d{1,2}\1\d{1,2}|\d{1,2}([-.])\d{1,2}\2(?:19|20)?\d{2}")
_TRAILING = re.compile(r"[\s.,;:…\-–—]*$")


def partial_values(text: str) -> List[Tuple[str, int, int]]:
    """(type, start, end) of each value right after an identifier cue, complete or not.

    The value pattern is tried only where a cue of its kind ends (a value can start nowhere else): trying it
    at every position of a long run of digits cost a look-behind per position and per kind.
    """
    found = []
    for kind, pattern in PARTIAL_VALUE.items():
        taken = set()
        for cue in CUES[kind].finditer(text):
            for start in range(cue.start(), cue.end() + 1):
                match = pattern.match(text, start)
                if match is not None:
                    if match.span() not in taken and not _DATE_SHAPE.fullmatch(match.group()):
                        # not "pay my credit card 2025-01-15": a date
                        taken.add(match.span())
                        found.append((kind, match.start(), match.end()))
                    break
    return found


def _length(kind: str, value: str) -> int:
    return sum(ch.isalnum() for ch in value) if kind == "IBAN_CODE" else sum(ch.isdigit() for ch in value)


def unfinished(text: str, entities: Sequence[Tuple[str, int, int]]) -> Optional[Tuple[str, int]]:
    """(type, characters so far) of an identifier the message leaves unfinished at its end, if any.

    The count is of digits (an IBAN's letters and digits) already given: a number, never the value.
    """
    for kind, pattern in ENDS_WITH_CUE.items():
        if pattern.search(text):
            return kind, 0
    end = _TRAILING.search(text)
    tail = end.start() if end else len(text)
    for kind, start, stop in entities:
        if stop >= tail and kind in COMPLETE_LENGTH:
            given = _length(kind, text[start:stop])
            if given < COMPLETE_LENGTH[kind]:
                return kind, given
    return None


def still_unfinished(kind: str, given: int, text: str, span: Tuple[int, int]) -> Optional[int]:
    """After ``span`` of ``text`` continued ``given`` characters of ``kind``: the new count if still short."""
    total = given + _length(kind, text[span[0]:span[1]])
    if kind in COMPLETE_LENGTH and total < COMPLETE_LENGTH[kind]:
        return total
    return None


def continuation(text: str, kind: str) -> Optional[Tuple[int, int]]:
    """The span of ``text``'s leading value that continues an identifier of type ``kind``."""
    match = (LEADING_ALNUM if kind == "IBAN_CODE" else LEADING_DIGITS).match(text)
    if match is None or not any(ch.isdigit() for ch in match.group(1)):
        return None
    return match.start(1), match.end(1)
