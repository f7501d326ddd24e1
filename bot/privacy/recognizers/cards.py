"""Recognizers for payment cards: the card number, its expiry date and its security code."""

from __future__ import annotations

from typing import List, Optional, Set

import regex
from presidio_analyzer import EntityRecognizer, Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from stdnum import luhn

from bot.privacy.recognizers.pattern_base import MONTH, ClassPatternRecognizer, cue_gap

# Not glued to a word or a number ("0x4111...", "1.4111...").
_CARD_START = r"(?<![\w.,])"
# Not the continuation of a longer number either ("1234 4111 1111 ..."), for short cards.
_STRICT_START = rf"{_CARD_START}(?<!\d[ -])"
# A number right after "digit + space or dash" is a card only when a whole card ends there:
# "4111 1111 1111 1111 5500 0000 0000 0004" is two cards, "1234 4111 1111 1111 1111" none.
_AFTER_DIGIT_GROUP = regex.compile(r"\d[ -]$")

# Lengths issued per leading digits: Visa (4) 13, 16 or 19; Mastercard 51-55 and
# 2221-2720, Mir 2200-2204, Amex 34/37, Diners 30/36/38/39, JCB 35, Discover
# 6011/64/65, UnionPay 62/81, Maestro 50/56-69, RuPay 60/65/81/82: 14 to 19.
# Numbers starting 0, 1, 7 or 9 are not payment cards (UATP, fleet, national schemes).
_PLAUSIBLE_IIN = regex.compile(r"4(?:\d{12}|\d{15}|\d{18})|(?:2[2-7]|3\d|5\d|6\d|8[12])\d{12,17}")
_NON_DIGIT = regex.compile(r"\D")


class PaymentCardRecognizer(ClassPatternRecognizer):
    """Card numbers of 13 to 19 digits, grouped by spaces or dashes or not at all.

    A match counts only when its Luhn check digit is right and its leading digits
    belong to a card scheme; such a number is reported with full confidence.
    """

    ENTITY = "CREDIT_CARD"
    # Each grouping is its own pattern: a 16-digit card followed by "12/27" or
    # "12 months" is found by the 4-4-4-4 pattern even when a longer grouping
    # swallows the extra digits and fails the checksum.
    PATTERNS = [
        Pattern("card (contiguous)", rf"{_CARD_START}\d{{13,19}}(?!\d)", 0.3),
        Pattern("card (4-4-4-1..4)", rf"{_CARD_START}\d{{4}}([ -])\d{{4}}\1\d{{4}}\1\d{{1,4}}(?!\d)", 0.3),
        Pattern(
            "card (4-4-4-4-1..3)",
            rf"{_CARD_START}\d{{4}}([ -])\d{{4}}\1\d{{4}}\1\d{{4}}\1\d{{1,3}}(?!\d|[/.-]\d)",
            0.3,
        ),
        Pattern("card (4-6-4..5)", rf"{_CARD_START}\d{{4}}([ -])\d{{6}}\1\d{{4,5}}(?!\d)", 0.3),
    ]

    def validate_result(self, pattern_text: str) -> Optional[bool]:
        """True when the digits pass the Luhn check and start like a real card; False otherwise."""
        digits = _NON_DIGIT.sub("", pattern_text)
        return bool(_PLAUSIBLE_IIN.fullmatch(digits)) and luhn.is_valid(digits)

    def analyze(
        self,
        text: str,
        entities: List[str],
        nlp_artifacts: Optional[NlpArtifacts] = None,
        regex_flags: Optional[int] = None,
    ) -> List[RecognizerResult]:
        """Valid card numbers; one that continues a run of digit groups only right after another card."""
        kept: List[RecognizerResult] = []
        card_ends: Set[int] = set()
        for result in sorted(super().analyze(text, entities, nlp_artifacts, regex_flags), key=lambda r: r.start):
            if _AFTER_DIGIT_GROUP.search(text, max(0, result.start - 2), result.start) and (
                result.start - 1 not in card_ends
            ):
                continue
            kept.append(result)
            card_ends.add(result.end)
        return kept


# Maestro issues 12-digit cards too (IIN 50, 56-69).
_MAESTRO_12 = regex.compile(r"(?:50|5[6-9]|6\d)\d{10}")


class ShortMaestroCardRecognizer(ClassPatternRecognizer):
    """12-digit Maestro card numbers: Luhn-valid with a Maestro prefix, and a card word nearby.

    Twelve digits are also the length of many references, so unlike longer
    cards these need context ("card", "maestro", "debit").
    """

    ENTITY = "CREDIT_CARD"
    PATTERNS = [
        Pattern("maestro (contiguous)", rf"{_STRICT_START}\d{{12}}(?![\d]|[ -]\d)", 0.3),
        Pattern("maestro (4-4-4)", rf"{_STRICT_START}\d{{4}}([ -])\d{{4}}\1\d{{4}}(?!\d|[ -]\d)", 0.3),
    ]
    CONTEXT = ["card", "cards", "maestro", "debit", "cardnumber"]

    def validate_result(self, pattern_text: str) -> Optional[bool]:
        """None (keep the weak score, context decides) for a Luhn-valid Maestro number; False otherwise."""
        digits = _NON_DIGIT.sub("", pattern_text)
        return None if _MAESTRO_12.fullmatch(digits) and luhn.is_valid(digits) else False


_EXPIRY_CUE = (
    r"\b(?:exp(?:iry|iration|ires|ired|iring)?|ex|expy|exxpires|expirs|valid\s{1,3}(?:thru|through|until|till|to)"
    r"|good\s{1,3}(?:thru|through))\b\.?"
)
_EXPIRY_GAP = cue_gap(r"date|is|on|at|end|of|the|in|month|and|year", 4)
_EXPIRY_VALUE = (
    rf"(?:(?:0?[1-9]|1[0-2])\s?[/.-]\s?(?:20)?\d{{2}}(?![\d/])|{MONTH}\.?,?\s{{1,3}}(?:20)?\d{{2}}(?!\d)"
    r"|(?:0[1-9]|1[0-2])\d{2}(?!\d))"
)


class CardExpiryRecognizer(ClassPatternRecognizer):
    """A card's expiry month and year, only where a cue names it ("exp 04/27", "valid thru 04/2027").

    The cue is part of the pattern (an ordinary "on 12/03" must stay), so a
    match needs no further context.
    """

    ENTITY = "CARD_EXPIRY"
    PATTERNS = [
        Pattern("expiry after cue", rf"(?<={_EXPIRY_CUE}{_EXPIRY_GAP}){_EXPIRY_VALUE}", 0.85),
        Pattern(
            "expiry before cue",
            r"(?<![\d/])(?:0?[1-9]|1[0-2])\s?/\s?(?:20)?\d{2}"
            r"(?=\s{1,3}(?:is\s{1,3})?(?:the\s{1,3}|my\s{1,3})?(?:card'?s?\s{1,3})?(?:expiry|expiration|exp)\b)",
            0.85,
        ),
    ]


_CVV_CUE = (
    r"\b(?:cvv2?|cvc2?|cvn2?|csc|cid|card\s{1,3}verification\s{1,3}(?:value|code|number)|security\s{1,3}code"
    r"|(?:3|4|three|four)[\s-]digits?(?:\s{1,3}code)?\s{1,3}on\s{1,3}the\s{1,3}back(?:\s{1,3}of\s{1,3}(?:the|my)\s{1,3}card)?)\b"
)
_CVV_GAP = cue_gap(r"is|are|was|number|no|code|of|my|the|card|it's|its|says", 3)
_CVV_VALUE = r"\d{3,4}(?![\d%]|[.,/:-]\d)"


class CardCvvRecognizer(ClassPatternRecognizer):
    """The 3 or 4 digits printed on a card, only right after (or before) a cue such as "CVV" or "security code"."""

    ENTITY = "CARD_CVV"
    PATTERNS = [
        Pattern("cvv after cue", rf"(?<={_CVV_CUE}{_CVV_GAP}){_CVV_VALUE}", 0.85),
        Pattern(
            "cvv before cue",
            r"(?<![\d.,/-])\d{3,4}(?=\s{1,3}(?:is\s{1,3})?(?:the\s{1,3}|my\s{1,3})?(?:card'?s?\s{1,3})?(?:cvv2?|cvc2?|security\s{1,3}code)\b)",
            0.85,
        ),
    ]


def recognizers() -> List[EntityRecognizer]:
    """Fresh instances of the card recognizers."""
    return [PaymentCardRecognizer(), ShortMaestroCardRecognizer(), CardExpiryRecognizer(), CardCvvRecognizer()]
