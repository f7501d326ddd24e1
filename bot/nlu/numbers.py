"""Amounts, percents, durations and bare numbers in a chat message.

``find_numbers(text)`` returns the spans of four entities, each with a float value:

- ``amount``: money. A currency symbol, code or word ("£2,500", "USD 40", "2500 dollars",
  "50p"), a scale ("3k", "1.2 million", "two thousand"), a rate ("3000 a month",
  "500/month"), or a bare number right after a money word ("I earn 3000", "transfer 200
  to <PERSON_1>", "my balance is 1,250.50").
- ``percent``: "19.9%", "5 percent", "19.9 APR", "an APR of 19.9"; 5.5 for 5.5 %.
- ``duration``: "3 years", "18 months", "6 mo", "a 5-year fix", "a year and a half",
  "2 years and 6 months"; the value is in months.
- ``number``: any other number written in digits ("I have 2 cards").

Decisions, so that entities mean something:

- A bare number is an amount only with a money word before it and nothing but a
  small word after it ("pay 300 on Friday" is an amount, "pay 3 bills" is a number).
- Numbers written in words become entities only with a unit ("two years",
  "ten percent", "five hundred pounds") or a scale ("two thousand"): alone, "one" is
  too often a pronoun.
- Nothing is found inside a placeholder (``<ACCOUNT_NUMBER_1>``), nor in a date,
  time, ordinal or range ("12/05/2024", "10:30", "1st", "3-5").
- "a month" after a number or an amount is a rate, not a duration ("3000 a month").
"""

from __future__ import annotations

import re
from typing import Callable, List, Match, Optional, Pattern, Tuple

from bot.nlu.spans import EntitySpan
from bot.nlu.wordnumbers import Spelled, spell_out_numbers
from bot.privacy.placeholders import PLACEHOLDER_PATTERN

__all__ = ["find_numbers"]

# A number in digits, not glued to a word, a date, a time or a range on its left.
_NUM = r"(?<![\w/:#.])(?<!\d[.,-])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![.,]\d)(?![/:]\d)(?!-\d)"
_N = rf"(?P<num>{_NUM})"
_END = r"(?![\w%])"
_CUR_SYMBOL = r"(?P<sym>(?:US|A|AU|C|CA|NZ)\$|\$|£|€|¥|₹)"
_CUR_CODE = r"(?:usd|gbp|eur|cad|aud|nzd|chf|jpy|inr)"
_CUR_WORD = r"(?:dollars?|bucks?|pounds?|quid|euros?|sterling|rupees?|yen|(?P<cents>cents?|pence))"
_SCALE_SPACED = r"(?:thousand|grand|million|mil|mn|billion|bn)"
_SCALE_GLUED = r"(?:k|m|mn|bn)"
_SCALE = rf"(?:(?P<glued>{_SCALE_GLUED})(?![a-z])|\s?(?P<spaced>{_SCALE_SPACED})(?![a-z]))"
_UNIT = r"(?P<unit>years?|yrs?|y|months?|mos?|mths?|weeks?|wks?|days?|decades?)(?![a-z])"
_HALF = r"(?P<half>\s+and\s+a\s+half)"
_RATE = (
    r"(?:\s+(?:a|per|each|every)\s+(?:month|year|week|fortnight|annum)\b"
    r"|\s?/\s?(?:month|mo|mth|year|yr|week|wk)\b"
    r"|\s+(?:monthly|weekly|yearly|annually|pcm)\b)"
)

_MONTHS = {"y": 12.0, "m": 1.0, "w": 12 / 52, "d": 12 / 365, "decade": 120.0}
_SCALES = {"k": 1e3, "thousand": 1e3, "grand": 1e3, "m": 1e6, "mil": 1e6, "mn": 1e6, "million": 1e6,
           "bn": 1e9, "billion": 1e9}

_Rule = Tuple[str, Pattern[str], Callable[[Match[str]], float]]


def _c(pattern: str) -> Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _number(match: Match[str]) -> float:
    return float(match.group("num").replace(",", ""))


def _scaled(match: Match[str]) -> float:
    value = _number(match)
    scale = match.groupdict().get("glued") or match.groupdict().get("spaced")
    if scale:
        value *= _SCALES[scale.lower()]
    if match.groupdict().get("cents") or match.groupdict().get("p"):
        value /= 100
    return value


def _unit_months(unit: str) -> float:
    unit = unit.lower()
    if unit.startswith("decade"):
        return _MONTHS["decade"]
    return _MONTHS[unit[0]]


def _duration(match: Match[str]) -> float:
    groups = match.groupdict()
    quantity = 1.0 if groups.get("num") is None else _number(match)
    if groups.get("half") or groups.get("half2"):
        quantity += 0.5
    if groups.get("halfof"):
        quantity = 0.5
    if groups.get("couple"):
        quantity = 2.0
    return quantity * _unit_months(match.group("unit"))


# Tried in this order; a later rule never takes characters an earlier one took.
_RULES: List[_Rule] = [
    ("percent", _c(rf"{_N}\s?(?:%|percent\b|per\s?cent\b|pct\b)"), _number),
    ("percent", _c(rf"{_N}\s?(?:apr|apy|aer)\b"), _number),
    ("duration", _c(rf"{_N}{_HALF}?\s?-?\s?{_UNIT}(?P<half2>\s+and\s+a\s+half)?"), _duration),
    ("duration", _c(rf"\b(?P<halfof>half)\s+an?\s+{_UNIT}"), _duration),
    ("duration", _c(rf"\b(?P<couple>a\s+couple)\s+(?:of\s+)?{_UNIT}"), _duration),
    ("duration", _c(rf"(?<![\w])an?\s+{_UNIT}{_HALF}?"), _duration),
    ("amount", _c(rf"{_CUR_SYMBOL}\s?{_N}(?:{_SCALE})?(?:\s?{_CUR_CODE}(?![a-z]))?{_END}"), _scaled),
    ("amount", _c(rf"\b{_CUR_CODE}\s?{_N}(?:{_SCALE})?{_END}"), _scaled),
    ("amount", _c(rf"{_N}(?:{_SCALE})?(?:\s?(?:{_CUR_CODE}|{_CUR_WORD})(?![a-z])|(?P<p>p)(?![a-z])|\s?[£$€¥₹])"),
     _scaled),
    ("amount", _c(rf"{_N}(?:(?P<glued>k|bn)(?![a-z])|\s?(?P<spaced>{_SCALE_SPACED})(?![a-z]))"), _scaled),
]

_RATE_AFTER = re.compile(_RATE, re.IGNORECASE)
_RATE_CUE = re.compile(
    r"\b(?:apr|apy|aer|interest\s+rate|rate)(?:\s+(?:of|is|at|was|will\s+be|about|around|roughly|approximately|"
    r"approx|nearly|just|only|under|over|~|:|=))*\s*[:=~]?\s*$", re.IGNORECASE,
)
_MONEY_CUE = re.compile(
    r"\b(?:earn(?:s|ed|ing)?|make|makes|made|making|take\s+home|takes\s+home|salary|income|wages?|paid|pay|pays|"
    r"paying|repay|repaid|spend|spends|spent|spending|save|saves|saved|saving|savings|owe|owes|owed|owing|"
    r"borrow|borrowed|borrowing|lend|lent|loan|debt|balance|budget|costs?|price|rent|deposit|deposited|"
    r"withdraw|withdrew|withdrawn|transfer|transferred|transferring|send|sent|sending|afford|worth|bill|"
    r"charged?|fee|refund(?:ed)?|top\s+up|topped\s+up|limit|invest|invested|investing|contribute|contributed)"
    r"(?:\s+(?!\d)[^\s\d]+){0,3}\s+$",
    re.IGNORECASE,
)
_MONEY_FOLLOWER = re.compile(
    r"\s*(?:$|[.,!?;:)]|(?:to|on|for|from|into|in|at|a|an|per|each|every|and|or|but|so|with|this|that|last|"
    r"next|monthly|weekly|yearly|annually|left|now|today|total|back|over|already|please|yet|more|less|tops|"
    r"max|instead|too|after|before|by|net|gross|before\s+tax|after\s+tax)\b)",
    re.IGNORECASE,
)
_YEAR_AFTER_PREPOSITION = re.compile(r"\b(?:in|since|until|till|from|by|during|of)\s+$", re.IGNORECASE)
_BARE = re.compile(rf"{_N}{_END}", re.IGNORECASE)
_FREQUENCY_BEFORE = re.compile(
    r"(?:[\d%£$€]|\d\s?[km]|\b(?:once|twice|thrice|times|dollars?|pounds?|quid|euros?|bucks|pence|cents))\s*$",
    re.IGNORECASE,
)
# How far around a number the cues are looked for: a few words, and never the whole of a long text.
_CONTEXT = 80
_JOIN_DURATIONS = re.compile(r"\s*(?:,|\band\b|\bplus\b)?\s*", re.IGNORECASE)


def _mask_placeholders(text: str) -> str:
    # Same length, so offsets hold; "#" is neither a digit nor a word character.
    return PLACEHOLDER_PATTERN.sub(lambda m: "#" * len(m.group()), text)


class _Claims:
    """Which characters of the spelled-out text already belong to an entity."""

    def __init__(self, size: int) -> None:
        self._taken = [False] * size

    def free(self, start: int, end: int) -> bool:
        return not any(self._taken[start:end])

    def take(self, start: int, end: int) -> None:
        self._taken[start:end] = [True] * (end - start)


def find_numbers(text: str) -> List[EntitySpan]:
    """Every amount, percent, duration and bare number in ``text``, in reading order (see the module docs)."""
    spelled = spell_out_numbers(_mask_placeholders(text))
    shadow = spelled.text
    claims = _Claims(len(shadow))
    found: List[Tuple[str, int, int, float]] = []

    def claim(entity: str, start: int, end: int, value: float) -> None:
        claims.take(start, end)
        found.append((entity, start, end, value))

    for entity, pattern, value_of in _RULES:
        for match in pattern.finditer(shadow):
            if not claims.free(match.start(), match.end()):
                continue
            if entity == "duration" and match.group().lower().startswith(("a ", "an ")) \
                    and _FREQUENCY_BEFORE.search(shadow[max(0, match.start() - _CONTEXT):match.start()]):
                continue  # "3000 a month" is a rate
            claim(entity, match.start(), match.end(), value_of(match))

    for match in _BARE.finditer(shadow):
        start, end = match.span("num")
        if not claims.free(start, end):
            continue
        word = spelled.word_number_at(start, end)
        before, after = shadow[max(0, start - _CONTEXT):start], shadow[end:end + _CONTEXT]
        if word is not None:
            if word.large:
                claim("amount", start, end, _number(match))
            continue
        entity = _bare_number_entity(before, after, _number(match))
        claim(entity, start, end, _number(match))

    ordered = sorted(found, key=lambda f: f[1])
    return _merge_durations([_span(text, spelled, entity, start, end, value) for entity, start, end, value in ordered],
                            text)


def _bare_number_entity(before: str, after: str, value: float) -> str:
    if _RATE_CUE.search(before):
        return "percent"
    if _RATE_AFTER.match(after):
        return "amount"
    is_year = value == int(value) and 1900 <= value <= 2100 and _YEAR_AFTER_PREPOSITION.search(before)
    if _MONEY_CUE.search(before) and _MONEY_FOLLOWER.match(after) and not is_year:
        return "amount"
    return "number"


def _span(text: str, spelled: Spelled, entity: str, start: int, end: int, value: float) -> EntitySpan:
    original_start, original_end = spelled.span(start, end)
    return EntitySpan(entity, original_start, original_end, value, text[original_start:original_end])


def _merge_durations(spans: List[EntitySpan], text: str) -> List[EntitySpan]:
    """'2 years and 6 months' is one duration of 30 months."""
    merged: List[EntitySpan] = []
    for span in spans:
        previous: Optional[EntitySpan] = merged[-1] if merged else None
        if (previous is not None and previous.entity == span.entity == "duration"
                and _JOIN_DURATIONS.fullmatch(text[previous.end:span.start])
                and float(previous.value) > float(span.value)):
            merged[-1] = EntitySpan("duration", previous.start, span.end, float(previous.value) + float(span.value),
                                    text[previous.start:span.end])
        else:
            merged.append(span)
    return merged
