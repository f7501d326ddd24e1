"""Recognizers: postal addresses (ADDRESS).

``AddressRecognizer`` finds a street line by its shape and widens it over the flat,
town, state, postcode and country that follow, across commas and line breaks (see
``_address_parser``). A postcode alone is kept out, with one exception: a full UK
postcode in a message about an address ("my postcode is SW1A 1AA"). A US ZIP code
alone is five digits like any other and stays: the dialogue may need it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, List, Optional, Pattern, Set, Tuple

from presidio_analyzer import EntityRecognizer
from presidio_analyzer.nlp_engine import NlpArtifacts

from bot.privacy.recognizers import _address_words as words
from bot.privacy.recognizers._address_parser import STRONG, WEAKER, Parser
from bot.privacy.recognizers._address_text import ABBREVIATIONS, us_codes
from bot.privacy.recognizers._lexicon import common_words, countries
from bot.privacy.recognizers._name_rules import case_mode
from bot.privacy.recognizers.pattern_base import SpanRecognizer

ENTITY = "ADDRESS"
SCORE_STREET = 0.85  # a street line, a box or a military address
SCORE_SUPPORTED = 0.7  # a weaker shape that the words around it confirm
SCORE_BARE_STREET = 0.6  # "I live on Elm Street": a street without a number


class AddressRecognizer(SpanRecognizer):
    """Finds street addresses (with their town, postcode and country), PO boxes and military addresses."""

    ENTITY = ENTITY

    def load(self) -> None:
        """Build the word lists now (they are shared by every instance in the process)."""
        common_words()
        countries()
        _city_state_zip_re()

    def find(self, text: str, nlp_artifacts: Optional[NlpArtifacts]) -> Iterable[Tuple[int, int, float, str]]:
        """Every address in ``text``; never raises on any string."""
        return [(start, end, score, "postal address") for start, end, score in find_addresses(text)]


@lru_cache(maxsize=1)
def _city_state_zip_re() -> Pattern[str]:
    """ "Springfield, IL 62704": a town, a US state code and a ZIP code."""
    codes = "|".join(sorted(us_codes()))
    return re.compile(
        r"\b[A-Z][a-z]+(?:[ \-][A-Z][a-z]+){0,2},?[ \t]+(?:" + codes + r")[ \t]+\d{5}(?:-\d{4})?(?![\w-])"
    )


def find_addresses(text: str) -> List[Tuple[int, int, float]]:
    """(start, end, score) of each address in ``text``, merged, non-overlapping and in order.

    The NER gate, the name rules and this recognizer all ask for one message in
    turn: the last few answers are kept (process memory only, a handful of messages).
    """
    return list(_find_addresses(text))


@lru_cache(maxsize=4)
def _find_addresses(text: str) -> Tuple[Tuple[int, int, float], ...]:
    mode = case_mode(text)
    parser = Parser(text, mode)
    spans: List[Tuple[int, int, float]] = []
    seen: Set[Tuple[int, int]] = set()
    for start, end, strength in sorted(parser.anchors(), key=lambda anchor: -anchor[2]):
        if (start, end) in seen:
            continue  # one street line found by two shapes: the strongest speaks
        seen.add((start, end))
        end, pieces = parser.extend(start, end)
        widened = parser.widen_left(start)
        if strength < STRONG and not _supported(text, (widened, start, end), pieces, strength):
            continue
        spans.append((widened, end, SCORE_STREET if strength == STRONG else SCORE_SUPPORTED))
    if mode != "lower":
        for match in _city_state_zip_re().finditer(text):
            spans.append((match.start(), match.end(), SCORE_SUPPORTED))
    spans.extend(_bare_streets(parser))
    for match in words.UK_POSTCODE_RE.finditer(text):
        before = text[max(0, match.start() - 60) : match.start()]
        boundary = not before or not before[-1].isalnum()
        if boundary and words.POSTCODE_CUE_RE.search(before) and (mode != "mixed" or match.group().isupper()):
            spans.append((match.start(), match.end(), SCORE_SUPPORTED))
    return tuple(_merge(text, spans))


def _supported(text: str, span: Tuple[int, int, int], pieces: int, strength: int) -> bool:
    """Whether a weak street shape ("59 Delta 116") is an address: a flat line follows, or a cue precedes.

    The weakest shape, a name and a number ("Delta 116"), needs the flat line or the
    cue right before it ("my address is"); a house number, a name and a number may
    instead be followed by a town, a country or "my address" words. ``span`` is
    (start widened over a flat before it, start, end).
    """
    widened, start, end = span
    if words.UNIT_RE.search(text, widened, end) and (pieces or widened < start):
        return True
    before = text[max(0, start - 60) : start]
    if words.STRONG_ADDRESS_CUE_RE.search(before):
        return True
    if strength == WEAKER:
        return False
    return pieces >= 2 or (words.ADDRESS_CUE_RE.search(before) is not None and pieces >= 1)


def _bare_streets(parser: Parser) -> List[Tuple[int, int, float]]:
    """Streets named without a number after a cue: "I live on Elm Street", "the corner of X and Y Street"."""
    found: List[Tuple[int, int, float]] = []
    text = parser.text
    for index, word in enumerate(parser.words):
        # Lower-case text names a bare street only at "the corner of x and y street".
        if word.low not in words.STREET_TYPES or len(word.low) < 4 or word.shape not in ("title", parser.mode):
            continue
        start = index
        while start > 0 and index - start < 3 and parser.gap(start - 1, start) == " ":
            previous = parser.words[start - 1]
            named = previous.shape == "title" if parser.mode == "mixed" else parser.strict_name(start - 1)
            if not (named or previous.low in words.PLACE_PARTICLES) or previous.number:
                break
            start -= 1
        if start == index:
            continue
        begin = parser.words[start].start
        name = " ".join(w.low for w in parser.words[start : index + 1])
        before = text[max(0, begin - 60) : begin]
        # "the corner of Auenweg 85 and Kesä Street"
        after_corner = before.endswith(" and ") and "corner of" in text[max(0, begin - 100) : begin].lower()
        cued = parser.mode == "mixed" and words.BARE_STREET_CUE_RE.search(before)
        if name in words.NOT_ADDRESSES or not (cued or after_corner):
            continue
        found.append((begin, word.end, SCORE_BARE_STREET))
    return found


def _merge(text: str, spans: List[Tuple[int, int, float]]) -> List[Tuple[int, int, float]]:
    """Spans joined where they overlap or touch, or stand at "the corner of A and B"; trailing stops cut."""
    merged: List[Tuple[int, int, float]] = []
    for start, end, score in sorted(spans):
        if merged:
            last_start, last_end, last_score = merged[-1]
            between = text[last_end:start]
            corner = "corner of" in text[last_start:last_end].lower()
            if start <= last_end or not between.strip(" ,\t") or (corner and between.strip() == "and"):
                merged[-1] = (last_start, max(end, last_end), max(score, last_score))
                continue
        merged.append((start, end, score))
    return [(start, _trim(text, start, end), score) for start, end, score in merged]


def _trim(text: str, start: int, end: int) -> int:
    """``end`` moved back over trailing spaces, commas and a sentence's full stop."""
    while end > start and text[end - 1] in " \t\n,":
        end -= 1
    if end > start and text[end - 1] == ".":
        word = re.search(r"([^\W\d_]+)\.$", text[start:end])
        if not word or word.group(1).lower() not in ABBREVIATIONS:
            end -= 1
    return end


def recognizers() -> List[EntityRecognizer]:
    """A fresh ADDRESS recognizer."""
    return [AddressRecognizer()]
