"""Recognizers for government identifiers: SSN, ITIN, passport, driver's licence, UK National Insurance number."""

from __future__ import annotations

from typing import List, Optional

import regex
from presidio_analyzer import EntityRecognizer, Pattern
from stdnum.us import itin, ssn

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


class ItinRecognizer(ClassPatternRecognizer):
    """US Individual Taxpayer Identification Numbers (9xx-7x-xxxx etc.), which stdnum must accept.

    Separated forms stand alone; bare digits need "ITIN" or "taxpayer" nearby.
    """

    ENTITY = "US_ITIN"
    PATTERNS = [
        Pattern("itin (separated)", rf"{_SEP_START}9\d{{2}}([- .])[5-9]\d\1\d{{4}}{_SEP_END}", 0.7),
        Pattern("itin (bare)", rf"{NUM_START}9\d{{2}}[5-9]\d{{5}}{NUM_END}", 0.3),
    ]
    CONTEXT = ["itin", "itins", "taxpayer"]

    def invalidate_result(self, pattern_text: str) -> Optional[bool]:
        """True (drop the match) when stdnum rejects the ITIN (its group must be 50-65, 70-88, 90-92 or 94-99)."""
        return not itin.is_valid(_NON_DIGIT.sub("", pattern_text))


class PassportRecognizer(ClassPatternRecognizer):
    """US (9 digits, or a letter and 8 digits) and UK (9 digits) passport numbers, only near "passport"."""

    ENTITY = "PASSPORT"
    PATTERNS = [
        Pattern("passport (letter and 8 digits)", r"(?<![\w-])[a-z]\d{8}(?![\w-])", 0.2),
        Pattern("passport (9 digits)", rf"{NUM_START}\d{{9}}{NUM_END}", 0.2),
    ]
    CONTEXT = ["passport", "passports"]


_ID_VALUE = r"(?=[a-z0-9-]{0,19}\d)[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){5,19}(?![\w-])"


class DriverLicenseRecognizer(ClassPatternRecognizer):
    """US state and UK driving licence numbers, only near "licence", "license", "driver's" or "DL".

    US formats vary by state: letters then digits (CA A1234567, FL/IL grouped
    forms), or 7 to 12 digits (NY, TX, PA). The UK number is 16 characters:
    surname (padded with 9s), birth date digits, initials, a digit and two check letters.
    """

    ENTITY = "DRIVER_LICENSE"
    PATTERNS = [
        Pattern("uk driving licence", r"(?<![\w-])[a-z9]{5}\d{6}[a-z9]{2}\d[a-z]{2}(?:\d{2})?(?![\w-])", 0.4),
        Pattern("us letters and digits", r"(?<![\w-])[a-z]{1,2}\d{4,14}[a-z]?(?![\w-])", 0.2),
        Pattern(
            "us grouped (FL, IL)",
            r"(?<![\w-])[a-z]\d{3}-(?:\d{3}-\d{2}-\d{3}-\d|\d{4}-\d{4})(?![\w-])",
            0.3,
        ),
        Pattern("us digits", rf"{NUM_START}\d{{7,12}}{NUM_END}", 0.2),
        # "dl" as a context word would also match "deadline" and "handle".
        Pattern(
            "after DL",
            rf"(?<=\bdl\s*(?:#|no\.?|num(?:ber)?)?(?:\s*[:#=-])?\s*(?:(?:is|was)\s+)?){_ID_VALUE}",
            0.6,
        ),
    ]
    CONTEXT = ["licence", "license", "licences", "licenses", "driver", "driving", "dl#"]


class NationalInsuranceRecognizer(ClassPatternRecognizer):
    """UK National Insurance numbers (AB123456C), spaces allowed, with HMRC's prefix rules.

    The first letter is not D, F, I, Q, U or V; the second not D, F, I, O, Q, U
    or V; BG, GB, KN, NK, NT, TN and ZZ are never issued; the suffix is A-D.
    (python-stdnum has no UK NINO module.)
    """

    ENTITY = "UK_NINO"
    PATTERNS = [
        Pattern(
            "nino",
            r"(?<![\w-])(?!bg|gb|kn|nk|nt|tn|zz)[a-ceghj-prstw-z][a-ceghj-nprstw-z]"
            r" ?\d{2} ?\d{2} ?\d{2} ?[a-d](?![\w-])",
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
