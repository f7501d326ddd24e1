"""Phone numbers written in any country's local style, when the text says they are phone numbers.

libphonenumber (``contact.PhoneNumberRecognizer``) knows the US, the UK and
``+`` numbers. People also type numbers as their own country writes them:
"(88) 684-334", "0477 11 28 98", "02.27.96.63.08", "9885 1152", often with an
extension ("x818"). Digit groups alone are too ambiguous (amounts, dates,
references), so this recognizer needs a cue: a phone word before the number
("call", "phone:", "mobile", "answering at", "reach me on") or "office" right
after it; an extension ("x8775") is a cue of its own.
"""

from __future__ import annotations

from typing import List, Optional

import phonenumbers
import regex
from presidio_analyzer import EntityRecognizer, Pattern

from bot.privacy.recognizers.pattern_base import ClassPatternRecognizer

# One to six groups of digits joined by a space, dot or dash, an optional
# leading "+" / "00" / "(0)" area code, and an optional extension.
# Possessive: a number never gives back digits, so a failed match costs one pass, not every split of it.
_NUMBER = (
    r"(?:\+|\b00)?(?:\(\d{1,5}\)[ .-]?)?\d{1,15}+(?:[ .-]\d{1,8}+){0,5}+"
    r"(?:\s?(?:x|ext\.?|extension)\s?\d{1,6})?"
)
_START = r"(?<![\w.,/:$£€+-])"
_END = r"(?![\w%]|[.,/:-]\d)"
# Bounded gaps (white space is collapsed before detection): a lookbehind over a
# long run of spaces then costs a constant per position.
_CUE_BEFORE = (
    r"(?<=\b(?:call(?:ing)?(?:\s{1,3}(?:me|us|him|her|back|again|later|now|today|tomorrow)){0,3}|phone|ph|tel"
    r"|telephone|mobile|cell|landline|fax|ring|text|whatsapp|dial"
    r"|reach\s{1,3}(?:me|us|him|her)(?:\s{1,3}(?:at|on))?|answering\s{1,3}at"
    r"|(?:phone|mobile|cell|contact)\s{1,3}(?:number|no\.?))"
    r"\s{0,3}(?:is|was|number|no\.?|#)?\s{0,3}[:=#-]?\s{0,3}(?:on\s{1,3}|at\s{1,3})?)"
)


class LocalPhoneNumberRecognizer(ClassPatternRecognizer):
    """Phone numbers in local formats of any country, after a phone cue, before "office", or with an extension."""

    ENTITY = "PHONE_NUMBER"
    PATTERNS = [
        # The cheap checks first: most positions of a long text fail them before the lookbehind runs.
        Pattern("after a phone word", _START + r"(?=[+(\d])" + _CUE_BEFORE + _NUMBER + _END, 0.6),
        Pattern("before office", _START + _NUMBER + r"(?=\s?-?\s?office\b)", 0.6),
        Pattern(
            "with an extension",
            # A comma may come first here ("Office,001-748-088-2851x818"): the extension is evidence enough.
            r"(?<![\w.$£€+-])(?:\+|\b00)?(?:\(\d{1,5}\)[ .-]?)?\d{1,5}+(?:[ .-]\d{1,5}+){1,5}+\s?(?:x|ext\.?)\s?\d{1,6}"
            + _END,
            0.6,
        ),
    ]
    MIN_DIGITS = 6
    MAX_DIGITS = 17

    def validate_result(self, pattern_text: str) -> Optional[bool]:
        """Between 6 and 17 digits in all (an extension included), and not an ISO date or a time."""
        digits = sum(ch.isdigit() for ch in pattern_text)
        if not self.MIN_DIGITS <= digits <= self.MAX_DIGITS:
            return False
        return None


# National formats that start with a trunk "0" ("050-234-5678", "06 12 34 56 78",
# "(02) 1234 5678", "090-1234-5678") or a Chinese mobile prefix ("131 2345 6789"),
# in two to five groups.
_NATIONAL = (
    r"(?<![\w.,/:$£€+-])(?:\(0\d{1,4}\)[ ]?|0\d{1,5}[ .-]|1[3-9]\d[ -])\d{2,8}+(?:[ .-]\d{2,5}+){0,3}+"
    r"(?![\w%]|[.,/:-]\d)"
)
# Where people chat with a bank from: every one writes its numbers with a trunk 0, except China's mobiles.
_NATIONAL_REGIONS = ("IL", "CN", "IN", "DE", "FR", "IT", "AU", "JP", "NL", "IE", "ZA", "NG", "PK", "PH", "KR", "TR")
# Dates, ISO or day first, which some national plans would also accept.
_DATE_SHAPE = regex.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}")


class NationalPhoneNumberRecognizer(ClassPatternRecognizer):
    """Phone numbers in another country's national format, without a country code and without a cue.

    The shape (a trunk 0 or a Chinese mobile prefix, and separators) makes the
    candidate; libphonenumber must then call it a valid number of one of
    ``_NATIONAL_REGIONS`` with 9 to 12 digits, and it must not read as a date.
    """

    ENTITY = "PHONE_NUMBER"
    PATTERNS = [Pattern("national format", _NATIONAL, 0.6)]
    CONTEXT = ["phone", "mobile", "cell", "telephone", "tel", "whatsapp", "landline"]

    def validate_result(self, pattern_text: str) -> Optional[bool]:
        """None (keep the score) for a valid national number; False otherwise."""
        digits = sum(ch.isdigit() for ch in pattern_text)
        if not 9 <= digits <= 12 or _DATE_SHAPE.search(pattern_text):
            return False
        for region in _NATIONAL_REGIONS:
            try:
                number = phonenumbers.parse(pattern_text, region)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number_for_region(number, region):
                return None
        return False


def recognizers() -> List[EntityRecognizer]:
    """Fresh instances of the local and national phone number recognizers."""
    return [LocalPhoneNumberRecognizer(), NationalPhoneNumberRecognizer()]
