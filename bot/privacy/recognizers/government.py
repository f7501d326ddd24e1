"""Recognizers for government identifiers: SSN, ITIN, passport, driver's licence, UK National Insurance number."""

from __future__ import annotations

from typing import List, Optional

import regex
from presidio_analyzer import EntityRecognizer, Pattern
from stdnum.us import ssn

from bot.privacy.recognizers.pattern_base import NUM_END, NUM_START, ClassPatternRecognizer

_NON_DIGIT = regex.compile(r"\D")
# Separated forms: the same separator twice, not glued to other numbers.
_SEP_START = r"(?<![\w.-])"
_SEP_END = r"(?![\w]|[.-]\d)"


class SsnRecognizer(ClassPatternRecognizer):
    """US Social Security numbers, which stdnum must accept (no area 000, 666 or 9xx, group 00, serial 0000).

    With separators (123-45-6789, 123 45 6789, 123.45.6789) the shape suffices;
    nine bare digits need "SSN" or "social security" nearby.
    """

    ENTITY = "US_SSN"
    PATTERNS = [
        Pattern("ssn (separated)", rf"{_SEP_START}\d{{3}}([- .])\d{{2}}\1\d{{4}}{_SEP_END}", 0.6),
        Pattern("ssn (bare)", rf"{NUM_START}\d{{9}}{NUM_END}", 0.25),
    ]
    CONTEXT = ["ssn", "ssns", "social", "ss#"]

    def invalidate_result(self, pattern_text: str) -> Optional[bool]:
        """True (drop the match) when stdnum rejects the number, whatever the separator."""
        return not ssn.is_valid(_NON_DIGIT.sub("", pattern_text))


# The IRS issues ITIN groups 50-65, 70-88, 90-92 and 94-99 (python-stdnum 2.2 still
# refuses 50-65, so the rule is checked here).
_ITIN = regex.compile(r"9\d{2}(?:5\d|6[0-5]|7\d|8[0-8]|9[0-24-9])\d{4}")


class ItinRecognizer(ClassPatternRecognizer):
    """US Individual Taxpayer Identification Numbers: area 9xx, group 50-65, 70-88, 90-92 or 94-99.

    Separated forms stand alone; bare digits need "ITIN" or "taxpayer" nearby.
    """

    ENTITY = "US_ITIN"
    PATTERNS = [
        Pattern("itin (separated)", rf"{_SEP_START}9\d{{2}}([- .])[5-9]\d\1\d{{4}}{_SEP_END}", 0.7),
        Pattern("itin (bare)", rf"{NUM_START}9\d{{2}}[5-9]\d{{5}}{NUM_END}", 0.3),
    ]
    CONTEXT = ["itin", "itins", "taxpayer"]

    def invalidate_result(self, pattern_text: str) -> Optional[bool]:
        """True (drop the match) unless the group is one the IRS issues (50-65, 70-88, 90-92 or 94-99)."""
        return not _ITIN.fullmatch(_NON_DIGIT.sub("", pattern_text))


# "passport", "passport number", "passport no.", "passport #": the value follows within a few words.
_PASSPORT_CUE = (
    r"\bpassports?(?:[ \t]{1,3}(?:number|no\.?|num|#|id))?[ \t]{0,3}[:#=-]{0,2}[ \t]{0,3}"
    r"(?:(?:is|was|reads|says)[ \t]{1,3})?"
)
# US: 9 digits, or a letter and 8 digits (next-generation books, passport cards C + 8);
# UK: 9 digits, or two letters and 7 digits; a letter and 9 digits is also seen.
_PASSPORT_VALUE = r"(?:\d{9}|[a-z]\d{8,9}|[a-z]{2}\d{7})(?![\w-])"


class PassportRecognizer(ClassPatternRecognizer):
    """US and UK passport numbers: found with full confidence after "passport (number)", else near "passport"."""

    ENTITY = "PASSPORT"
    PATTERNS = [
        # The cheap checks first: most positions of a long text fail them before the lookbehind runs.
        Pattern("passport after cue", rf"(?<![\w-])(?=[a-z]{{0,2}}\d)(?<={_PASSPORT_CUE}){_PASSPORT_VALUE}", 0.7),
        Pattern("passport (letter and 8 digits)", r"(?<![\w-])[a-z]\d{8}(?![\w-])", 0.2),
        Pattern("passport (9 digits)", rf"{NUM_START}\d{{9}}{NUM_END}", 0.2),
    ]
    CONTEXT = ["passport", "passports"]


_ID_VALUE = r"(?=[a-z0-9-]{0,19}\d)[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){5,19}(?![\w-])"
# "driver's license", "driving licence no.", "DL#", "license number is": the value follows.
_LICENSE_CUE = (
    r"\b(?:(?:driver'?s?|driving)[ \t]{1,3})?(?:licen[cs]e|dl)"
    r"(?:[ \t]{1,3}(?:number|no\.?|num|#|id))?[ \t]{0,3}[:#=-]{0,2}[ \t]{0,3}(?:(?:is|was)[ \t]{1,3})?"
    r"(?:(?-i:[A-Z]{2})[ \t]{1,3})?"  # a state: "license CA A1234567"
)
# NY writes its 9 digits in threes: "123 456 789".
_LICENSE_VALUE = rf"(?:\d{{3}} \d{{3}} \d{{3}}(?![\w-]|[ -]\d)|{_ID_VALUE})"
# DVLA: surname (padded with 9s), decade, month (+50 for women), day, year digit,
# initials (padded with 9s), a digit and two check characters.
_UK_LICENCE = regex.compile(r"[a-z9]{5}\d(?P<month>\d{2})(?P<day>\d{2})\d[a-z9]{2}\d[a-z0-9]{2}(?:\d{2})?", regex.I)


class DriverLicenseRecognizer(ClassPatternRecognizer):
    """US state and UK driving licence numbers, after or near "licence", "license", "driver's" or "DL".

    US formats vary by state: letters then digits (CA A1234567, FL/IL grouped
    forms), or 7 to 12 digits (NY, TX, PA). The UK number is 16 characters:
    surname (padded with 9s), birth date digits, initials, a digit and two
    check characters; its month and day must be a date, and then it stands alone.
    """

    ENTITY = "DRIVER_LICENSE"
    PATTERNS = [
        Pattern(
            "uk driving licence",
            r"(?<![\w-])[a-z9]{5}\d[0156]\d[0-3]\d\d[a-z9]{2}\d[a-z0-9]{2}(?:\d{2})?(?![\w-])",
            0.6,
        ),
        Pattern("us letters and digits", r"(?<![\w-])[a-z]{1,2}\d{4,14}[a-z]?(?![\w-])", 0.2),
        Pattern(
            "us grouped (FL, IL)",
            r"(?<![\w-])[a-z]\d{3}-(?:\d{3}-\d{2}-\d{3}-\d|\d{4}-\d{4})(?![\w-])",
            0.3,
        ),
        Pattern("us digits", rf"{NUM_START}\d{{7,12}}{NUM_END}", 0.2),
        # The cue in the pattern: "dl" as a context word would also match "deadline" and "handle".
        Pattern("after a licence cue", rf"(?<![\w-])(?=[a-z0-9]{{0,19}}\d)(?<={_LICENSE_CUE}){_LICENSE_VALUE}", 0.6),
    ]
    CONTEXT = ["licence", "license", "licences", "licenses", "driver", "driving", "dl#"]

    def invalidate_result(self, pattern_text: str) -> Optional[bool]:
        """True (drop the match) for a UK-shaped number whose month or day is no date."""
        uk = _UK_LICENCE.fullmatch(pattern_text)
        if not uk:
            return False
        month, day = int(uk["month"]) % 50, int(uk["day"])
        return not (1 <= month <= 12 and 1 <= day <= 31)


class NationalInsuranceRecognizer(ClassPatternRecognizer):
    """UK National Insurance numbers (AB123456C), any case and spacing, with HMRC's prefix rules.

    The first letter is not D, F, I, Q, U or V; the second not D, F, I, O, Q, U
    or V; BG, GB, KN, NK, NT, TN and ZZ are never issued; the suffix is A-D.
    (python-stdnum has no UK NINO module.)
    """

    ENTITY = "UK_NINO"
    PATTERNS = [
        Pattern(
            "nino",
            r"(?<![\w-])(?!bg|gb|kn|nk|nt|tn|zz)[a-ceghj-prstw-z][a-ceghj-nprstw-z]"
            r" {0,2}(?:\d{2} {0,2}\d{2} {0,2}\d{2}|\d{3} {1,2}\d{3}) {0,2}[a-d](?![\w-])",
            0.6,
        )
    ]
    CONTEXT = ["nino", "insurance"]


def recognizers() -> List[EntityRecognizer]:
    """Fresh instances of the government-identifier recognizers."""
    return [
        SsnRecognizer(),
        ItinRecognizer(),
        PassportRecognizer(),
        DriverLicenseRecognizer(),
        NationalInsuranceRecognizer(),
    ]
