"""The default-deny net: whatever still looks like an identifier after the specific recognizers.

The specific recognizers know formats, checksums and cues; people type numbers
without any of them ("balance on 01234567890?"). So after them, on the same
normalised view, the net hides what is left that looks like an identifier,
unless it is something the dialogue needs and that names no one:

=====================================  ==================  =====================================
what is left                           type                kept when
=====================================  ==================  =====================================
an IBAN or NI number in form whose     IBAN_CODE, UK_NINO  never: a typo in one is still one
check failed
a run of 7 or more digits (single      ACCOUNT_NUMBER      an amount (currency sign or code,
spaces, dots or dashes between                             decimals, k/m/bn, a currency word),
groups)                                                    a percentage, a date, a list of
                                                           years or of single digits
a token of letters and 5 or more       REFERENCE_NUMBER    a currency amount ("usd1500000"),
digits ("ab1234567", "x7-90210")                           a number with a unit ("250000km")
3 to 8 digits (one space or dash       PIN, CARD_CVV or    an amount or a percentage
allowed) within four words after a     ONE_TIME_CODE, by
code cue (code, OTP, passcode, PIN,    the cue
CVV, CVC, security code, verification)
=====================================  ==================  =====================================

Spans a specific recognizer took are cut out of a candidate first; what is
left of it is judged alone (two card numbers in a row: the first is a card,
the rest is judged again). The policy's ``default_deny`` switches the net on,
and its rules for these types decide what becomes of each finding.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Iterator, List, Optional, Sequence, Tuple

import regex

from bot.privacy import deadline

NET_SCORE = 0.5
CUED_SCORE = 0.6
MIN_DIGITS = 7
MIN_ID_DIGITS = 5
MIN_CODE_DIGITS = 3
MIN_IBAN_DIGITS = 8  # "my23 card bill" has the letters of an IBAN's shape, not its digits

# Not into a time: "1993-01-04 14:56:41" is a date and a time, not "1993-01-04 14".
_RUN = regex.compile(r"(?<![\w.,$£€¥])\d(?:[ .\-]?\d){6,}(?!\w|:\d)")
_GROUP_SEPARATOR = regex.compile(r"[ .\-]")
_CURRENCY_BEFORE = regex.compile(
    r"(?:[$£€¥₹]|\b(?:usd|gbp|eur|cad|aud|jpy|chf|inr|us\$|rs\.?)|\b(?:dollars?|pounds?|euros?))\s?$", regex.I)
_AMOUNT_AFTER = regex.compile(
    r"^(?:[.,]\d|\s?(?:%|percent\b|per\s?cent\b|k\b|m\b|mn\b|bn\b|million\b|billion\b|thousand\b|grand\b"
    r"|dollars?\b|usd\b|pounds?\b|gbp\b|quid\b|euros?\b|eur\b|bucks\b|cents?\b|pence\b|p\b))",
    regex.I,
)
_DATE = regex.compile(r"(?:19|20)\d{2}[.\-](?:0?[1-9]|1[0-2])[.\-](?:0?[1-9]|[12]\d|3[01])"
                      r"|(?:0?[1-9]|[12]\d|3[01])[.\-](?:0?[1-9]|1[0-2])[.\-](?:19|20)?\d{2}")
_YEAR = regex.compile(r"(?:19|20)\d{2}")
# Shapes that only identifiers have, checked or not: two letters, two check digits and groups of four
# (an IBAN), two letters, three pairs of digits and a letter (a National Insurance number).
_SHAPES = (
    ("IBAN_CODE", regex.compile(r"(?<![\w-])[a-z]{2}\d{2}(?: ?[a-z0-9]{4}){2,7}(?: ?[a-z0-9]{1,3})?(?![\w-])",
                                regex.I)),
    ("UK_NINO", regex.compile(r"(?<![\w-])[a-z]{2} ?\d{2} ?\d{2} ?\d{2} ?[a-z](?![\w-])", regex.I)),
)
_PAIRS = regex.compile(r"(?<![\w.,/-])\d{2}([- ])\d{2}\1\d{2}(?!\w|[.,/-]\d)")
_DECIMAL = regex.compile(r"\d+\.\d{1,2}")  # "12500000.50", "250000.0"

# A token of letters and digits (inner dashes allowed), with at least one of each.
_ID_TOKEN = regex.compile(
    r"(?<![\w-])(?=[a-z0-9-]{0,39}\d)(?=[a-z0-9-]{0,39}[a-z])[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){4,39}(?![\w-])",
    regex.I,
)
_CURRENCY_CODE = regex.compile(r"(?:usd|gbp|eur|cad|aud|jpy|chf|inr|rs)[\d.,]+", regex.I)
_WITH_UNIT = regex.compile(r"[\d.,]+(?:k|m|mn|bn|x|st|nd|rd|th|s|am|pm|kb|mb|gb|tb|km|mi|mph|kg|lb|lbs|yr|yrs|mo|pa|pcm"
                           r"|usd|gbp|eur)", regex.I)

# "code" alone, not a zip, area, promo or country code (numbers the dialogue or an address holds).
_NOT_THAT_CODE = (r"(?<!\b(?:zip|post|postal|area|promo|promotional|discount|voucher|coupon|country|dialling|dialing"
                  r"|swift|bank|bic|branch|sort|tax|product|error|status|reference|ref|qr|bar)[\s-])")
_CODE_CUE = regex.compile(
    rf"\b(?:(?P<pin>pin)|(?P<cvv>cvv2?|cvc2?)|otp|passcode|pass\s?code|{_NOT_THAT_CODE}code|verification|verify"
    r"|one[\s-]?time)\b",
    regex.I,
)
# Up to four words between the cue and the code: "the code they sent me is 123 456".
_CODE_AFTER = regex.compile(
    r"(?:[^\w\n$£€¥]{1,3}[a-z']{1,15}){0,4}[^\w\n$£€¥]{1,3}"
    r"(?P<value>\d{3,4}[ -]\d{3,4}|\d{3,8})(?![\w%]|[.,/:-]\d)",
    regex.I,
)


@dataclass(frozen=True)
class NetFinding:
    type: str
    start: int
    end: int
    score: float


class DefaultDenyNet:
    """Finds what still looks like an identifier in ``text`` outside the spans already ``taken``."""

    def find(self, text: str, taken: Sequence[Tuple[int, int]]) -> List[NetFinding]:
        found: List[NetFinding] = []
        if sum(c.isdigit() for c in text) < MIN_CODE_DIGITS:
            return found  # every finding holds 3 digits or more
        # Shapes and IDs before runs: "inc-6214200" is one reference, not "inc-" and a number.
        findings = (*self._codes(text), *self._shapes(text), *self._ids(text), *self._runs(text),
                    *self._sort_codes(text))
        for finding in findings:
            spans = [*taken, *((f.start, f.end) for f in found)]
            pieces = _outside(finding.start, finding.end, spans)
            if finding.type != "ACCOUNT_NUMBER" and pieces != [(finding.start, finding.end)]:
                continue  # a code or an ID is judged whole: a part of one names nothing
            for piece in pieces:
                trimmed = _trim(text, piece)
                if trimmed is None:
                    continue
                # What is left of an unbroken number that a recognizer took part of is hidden, however short.
                glued = _glued(text, *trimmed)
                if glued or not _kept_piece(finding.type, text[trimmed[0]:trimmed[1]]):
                    found.append(NetFinding(finding.type, trimmed[0], trimmed[1], finding.score))
        return sorted(found, key=lambda f: f.start)

    def _codes(self, text: str) -> Iterator[NetFinding]:
        timeout = deadline.remaining()
        for cue in _CODE_CUE.finditer(text, timeout=timeout):
            match = _CODE_AFTER.match(text, cue.end(), timeout=timeout)
            if match is None or _amount_around(text, match.start("value"), match.end("value")):
                continue
            kind = "PIN" if cue.group("pin") else "CARD_CVV" if cue.group("cvv") else "ONE_TIME_CODE"
            yield NetFinding(kind, match.start("value"), match.end("value"), CUED_SCORE)

    def _runs(self, text: str) -> Iterator[NetFinding]:
        for match in _RUN.finditer(text, timeout=deadline.remaining()):
            if not _amount_around(text, *match.span()):
                yield NetFinding("ACCOUNT_NUMBER", match.start(), match.end(), NET_SCORE)

    def _shapes(self, text: str) -> Iterator[NetFinding]:
        """An IBAN or a National Insurance number in form whose check failed (a typo): hidden whole."""
        for kind, pattern in _SHAPES:
            for match in pattern.finditer(text, timeout=deadline.remaining()):
                if kind != "IBAN_CODE" or sum(c.isdigit() for c in match.group()) >= MIN_IBAN_DIGITS:
                    yield NetFinding(kind, match.start(), match.end(), NET_SCORE)

    def _sort_codes(self, text: str) -> Iterator[NetFinding]:
        """Three pairs of digits that no calendar reads as a date ("70-04-55", "52 28 40"): a UK sort code."""
        for match in _PAIRS.finditer(text, timeout=deadline.remaining()):
            numbers = [int(n) for n in match.group().replace("-", " ").split()]
            # "the 50 30 20 rule": shares of a hundred are a budget split.
            if not _some_date(*numbers) and sum(numbers) != 100:
                yield NetFinding("SORT_CODE", match.start(), match.end(), NET_SCORE)

    def _ids(self, text: str) -> Iterator[NetFinding]:
        for match in _ID_TOKEN.finditer(text, timeout=deadline.remaining()):
            token = match.group()
            if sum(c.isdigit() for c in token) < MIN_ID_DIGITS:
                continue
            if _CURRENCY_CODE.fullmatch(token) or _WITH_UNIT.fullmatch(token):
                continue
            yield NetFinding("REFERENCE_NUMBER", match.start(), match.end(), NET_SCORE)


def _amount_around(text: str, start: int, end: int) -> bool:
    """A currency before the number, or decimals, a currency, a multiplier or a percent sign after it."""
    return bool(_CURRENCY_BEFORE.search(text[max(0, start - 12):start]) or _AMOUNT_AFTER.match(text[end:end + 12]))


def _some_date(first: int, second: int, third: int) -> bool:
    """Whether day-month-year, month-day-year or year-month-day reads the three pairs as a real date."""
    for day, month, year in ((first, second, third), (second, first, third), (third, second, first)):
        try:
            datetime.date(2000 + year, month, day)
        except ValueError:
            continue
        return True
    return False


def _glued(text: str, start: int, end: int) -> bool:
    """Whether the span touches a digit on either side: the rest of a number cut by a taken span."""
    return (start > 0 and text[start - 1].isdigit()) or (end < len(text) and text[end].isdigit())


def _kept_piece(kind: str, piece: str) -> bool:
    """Whether what is left of a candidate (once the taken spans are cut out) is harmless or too short."""
    if kind != "ACCOUNT_NUMBER":
        return False
    groups = [g for g in _GROUP_SEPARATOR.split(piece) if g]
    if sum(len(g) for g in groups) < MIN_DIGITS:
        return True
    if _DATE.fullmatch(piece) or _DECIMAL.fullmatch(piece):
        return True
    if len(groups) > 1 and all(_YEAR.fullmatch(g) for g in groups):
        return True  # "2019 2020 2021"
    return all(len(g) == 1 for g in groups)  # "1 2 3 4 5 6 7"


def _outside(start: int, end: int, taken: Sequence[Tuple[int, int]]) -> List[Tuple[int, int]]:
    """The parts of ``[start, end)`` that no taken span covers, trimmed of separators."""
    pieces = [(start, end)]
    for t_start, t_end in taken:
        next_pieces = []
        for p_start, p_end in pieces:
            if t_end <= p_start or p_end <= t_start:
                next_pieces.append((p_start, p_end))
                continue
            if p_start < t_start:
                next_pieces.append((p_start, t_start))
            if t_end < p_end:
                next_pieces.append((t_end, p_end))
        pieces = next_pieces
    return [p for p in pieces if p[1] > p[0]]


def _trim(text: str, span: Tuple[int, int]) -> Optional[Tuple[int, int]]:
    """``span`` without separators at either end; None if nothing is left."""
    start, end = span
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return (start, end) if end > start else None
