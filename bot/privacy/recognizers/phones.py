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

from presidio_analyzer import EntityRecognizer, Pattern

from bot.privacy.recognizers.pattern_base import ClassPatternRecognizer

# One to six groups of digits joined by a space, dot or dash, an optional
# leading "+" / "00" / "(0)" area code, and an optional extension.
_NUMBER = (
    r"(?:\+|\b00)?(?:\(\d{1,5}\)[ .-]?)?\d{1,15}(?:[ .-]\d{1,8}){0,5}"
    r"(?:\s?(?:x|ext\.?|extension)\s?\d{1,6})?"
)
_START = r"(?<![\w.,/:$£€+-])"
_END = r"(?![\w%]|[.,/:-]\d)"
_CUE_BEFORE = (
    r"(?<=\b(?:call(?:ing)?(?:\s+(?:me|us|him|her|back|again|later|now|today|tomorrow))*|phone|ph|tel|telephone|mobile|cell|landline|fax|ring|text|whatsapp|dial"
    r"|reach\s+(?:me|us|him|her)(?:\s+(?:at|on))?|answering\s+at|(?:phone|mobile|cell|contact)\s+(?:number|no\.?))"
    r"\s*(?:is|was|number|no\.?|#)?\s*[:=#-]?\s*(?:on\s+|at\s+)?)"
)


class LocalPhoneNumberRecognizer(ClassPatternRecognizer):
    """Phone numbers in local formats of any country, after a phone cue, before "office", or with an extension."""

    ENTITY = "PHONE_NUMBER"
    PATTERNS = [
        Pattern("after a phone word", _CUE_BEFORE + _START + _NUMBER + _END, 0.6),
        Pattern("before office", _START + _NUMBER + r"(?=\s?-?\s?office\b)", 0.6),
        Pattern(
            "with an extension",
            # A comma may come first here ("Office,001-748-088-2851x818"): the extension is evidence enough.
            r"(?<![\w.$£€+-])(?:\+|\b00)?(?:\(\d{1,5}\)[ .-]?)?\d{1,5}(?:[ .-]\d{1,5}){1,5}\s?(?:x|ext\.?)\s?\d{1,6}"
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


def recognizers() -> List[EntityRecognizer]:
    return [LocalPhoneNumberRecognizer()]
