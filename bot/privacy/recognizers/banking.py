"""Recognizers for bank identifiers: IBAN, account, routing and sort codes, SWIFT/BIC, wallets, references."""

from __future__ import annotations

from typing import List, Optional

import regex
from presidio_analyzer import EntityRecognizer, Pattern
from stdnum import bic, bitcoin, iban
from stdnum.us import rtn

from bot.privacy.recognizers._lexicon import common_words
from bot.privacy.recognizers.pattern_base import (
    CASE_SENSITIVE_FLAGS,
    NUM_END,
    NUM_START,
    ClassPatternRecognizer,
)

# After the bank code, a group of letters only must be upper case: otherwise the
# word after an IBAN ("... 7034 from") would be read as one more group and the
# whole match would then fail its checksum. The last, short group may be letters
# (Liechtenstein "013A A", Mauritius "000M UR", Seychelles "1497 USD").
_IBAN_GROUP = r"(?:(?=[a-z]{0,3}\d)[a-z0-9]{4}|(?-i:[A-Z]{4}))"
_IBAN_TAIL = r"(?:[ -]?(?:(?=[a-z]{0,2}\d)[a-z0-9]{1,3}|(?-i:[A-Z]{1,3})))?"


class IbanCodeRecognizer(ClassPatternRecognizer):
    """IBANs of every country, compact or in groups of four, any case; the ISO 7064 checksum must hold.

    Every candidate is checked, so a second grouped pattern may read lower-case
    letter groups too ("mu17 bomm ... 000m ur"): a wrong reading fails the checksum.
    """

    ENTITY = "IBAN_CODE"
    PATTERNS = [
        Pattern(
            "iban",
            rf"\b[a-z]{{2}}\d{{2}}(?:[ -]?[a-z0-9]{{4}})(?:[ -]?{_IBAN_GROUP}){{1,6}}{_IBAN_TAIL}\b",
            0.5,
        ),
        Pattern("iban (grouped, any letters)", r"\b[a-z]{2}\d{2}(?:[ -][a-z0-9]{4}){2,7}(?:[ -][a-z0-9]{1,3})?\b", 0.5),
        # Written without spaces, the whole word is the candidate (letters may end it: CH...SLLQYC).
        Pattern("iban (compact)", r"\b[a-z]{2}\d{2}[a-z0-9]{11,30}\b", 0.5),
    ]

    def validate_result(self, pattern_text: str) -> Optional[bool]:
        """True when stdnum accepts the IBAN: length and format for its country, check digits.

        The national checks are left out: stdnum refuses a Belgian IBAN whose bank
        code is missing from its registry ("BE68 5390 0754 7034"), and the ISO
        check digits already catch a mistyped number.
        """
        return bool(iban.is_valid(pattern_text, check_country=False))


_SORT_CODE = r"(?<![\d.,/-])(?:\d{2}([- ])\d{2}\1\d{2}|\d{6})(?![\w]|[-/.]\d)"
_SORT_CUE = r"\b(?:sort[\s-]?codes?|s/c|sc)\b"
# A number right after "sort code" is the sort code, even after "... for my account:".
_AFTER_SORT_CUE = rf"(?<!{_SORT_CUE}[^\d\n]{{0,30}})"

# Words before a bare number that make it an amount, not an account number:
# "move 250000 from my savings account".
_AMOUNT_WORDS = (
    r"(?<!\b(?:of|move|moving|moved|transfer|transferring|transferred|send|sending|sent|pay|paying|paid"
    r"|deposit|deposited|withdraw|withdrew|withdrawn|have|has|had|save|saved|balance|about|around|over"
    r"|under|than|is|was|only|just|almost|nearly|total|borrow|owe|lend|with|for|by|plus|minus|least|most)\s)"
)
_AMOUNT_AFTER = r"(?!\s?(?:dollars?|usd|pounds?|gbp|quid|euros?|eur|bucks|k|grand|percent|cents?)\b)"
_ACCOUNT_CUE = (
    r"\b(?:a/c|acct|acc(?:ount)?)\.?(?:\s{0,3}(?:no\.?|num(?:ber)?|#|ending(?:\s{1,3}in)?))?(?:\s{0,3}[:#=-])?\s{0,3}"
    r"(?:(?:is|was)\s{1,3})?"
)


class AccountNumberRecognizer(ClassPatternRecognizer):
    """Bank account numbers of 6 to 17 digits (US 6-17, UK 8), only when an account is named nearby.

    "account number is 12345678", "acct#12345678" and "a/c 12345678" carry their
    cue in the pattern; a bare number needs a context word within the window.
    """

    ENTITY = "ACCOUNT_NUMBER"
    PATTERNS = [
        Pattern(
            "account number after cue",
            rf"(?=\d)(?<={_ACCOUNT_CUE}){_AFTER_SORT_CUE}\d{{6,17}}{NUM_END}{_AMOUNT_AFTER}",
            0.6,
        ),
        # After a UK sort code ("12-34-56 / 12345678"): the pair is how a payee is given.
        Pattern(
            "account number after a sort code",
            r"(?=\d)(?<=(?<![\d.,/-])(?:\d{2}-\d{2}-\d{2}|\d{2} \d{2} \d{2}|\d{6})\s{0,3}[/,]?\s{0,3})"
            r"\d{8}(?![\w]|[-/.,]\d)",
            0.6,
        ),
        Pattern(
            "bare account number",
            rf"{NUM_START}{_AMOUNT_WORDS}{_AFTER_SORT_CUE}\d{{6,17}}{NUM_END}{_AMOUNT_AFTER}",
            0.2,
        ),
    ]
    CONTEXT = ["account", "acct", "checking", "savings"]


class RoutingNumberRecognizer(ClassPatternRecognizer):
    """US ABA routing numbers: 9 digits with a valid Federal Reserve prefix and checksum, near "routing"/"ABA".

    One 9-digit number in ten passes the checksum, so a match also needs a context word.
    """

    ENTITY = "ROUTING_NUMBER"
    PATTERNS = [
        Pattern(
            "aba routing number",
            rf"{NUM_START}(?:0\d|1[0-2]|2[1-9]|3[0-2]|6[1-9]|7[0-2]|80)\d{{7}}{NUM_END}{_AMOUNT_AFTER}",
            0.3,
        )
    ]
    CONTEXT = ["routing", "aba", "rtn", "transit"]

    def invalidate_result(self, pattern_text: str) -> Optional[bool]:
        """True (drop the match) when the ABA checksum fails."""
        return not rtn.is_valid(pattern_text)


class SortCodeRecognizer(ClassPatternRecognizer):
    """UK sort codes nn-nn-nn, nn nn nn or nnnnnn, only next to "sort code" (they look like dates and counts).

    The cue is in the pattern: as a context token, "sort" would also vouch for
    "my sort of problem is that 123456 people ...".
    """

    ENTITY = "SORT_CODE"
    PATTERNS = [
        Pattern("sort code after cue", rf"(?<={_SORT_CUE}[^\d\n]{{0,30}}){_SORT_CODE}", 0.6),
        Pattern("sort code before cue", rf"{_SORT_CODE}(?=[^\d\n]{{0,20}}{_SORT_CUE})", 0.6),
        # "sort 65 05 06", "sort 650506": the bare word is enough right before the value.
        Pattern("after 'sort'", rf"(?<=\bsort\b\W{{0,3}}){_SORT_CODE}", 0.6),
        # The UK way of giving a payee: sort code, then the 8-digit account number.
        Pattern("before an account number", rf"{_SORT_CODE}(?=\s{{0,3}}[/,]?\s{{0,3}}\d{{8}}(?!\d))", 0.6),
    ]


# "swift", "BIC", "swift code for my bank is", "bic: ": a code follows within a few words.
_BIC_CUE = (
    r"\b(?:swift|bic)(?:[ \t]{1,3}(?:code|number|no\.?|#))?[ \t]{0,3}[:#=-]?[ \t]{0,3}"
    r"(?:(?:is|was|of|for|my|our|the|their|bank'?s?|code|it's)[ \t]{1,3}){0,4}"
)
_BIC = r"[a-z]{6}[a-z0-9]{2}(?:[a-z0-9]{3})?"
_LEADING_LETTERS = regex.compile(r"[a-z]+", regex.I)


class SwiftBicRecognizer(ClassPatternRecognizer):
    """SWIFT/BIC codes (ISO 9362): 8 or 11 characters with an ISO country code, any case.

    A code with a digit in its location or branch (HBUKGB4B, deutdeff500) is
    distinctive enough alone; an all-letter one (DEUTDEFF, deutdeff) could be
    any word, so it needs "SWIFT" or "BIC" before it (or, in capitals, nearby)
    and must not be an English word ("swift transfer").
    """

    ENTITY = "SWIFT_CODE"
    PATTERNS = [
        Pattern("bic with digits", r"\b[a-z]{6}(?=[a-z0-9]{0,4}\d)[a-z0-9]{2}(?:[a-z0-9]{3})?\b", 0.6),
        Pattern("bic after cue", rf"(?<!\w)(?={_BIC}\b)(?<={_BIC_CUE}){_BIC}\b", 0.7),
        Pattern("bic letters only", r"\b(?-i:[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)\b", 0.2),
        # "XXX" is the branch code of a bank's main office: an 11-letter word ending so is a BIC in any case.
        Pattern("bic of a main office", r"\b[a-z]{8}xxx\b", 0.6),
    ]
    CONTEXT = ["swift", "bic"]
    PREFILTER = None

    def invalidate_result(self, pattern_text: str) -> Optional[bool]:
        """True (drop the match) when stdnum rejects the BIC (no such country) or its letters are an English word.

        "transfer" is a valid BIC in form (ER is Eritrea), and so is "iphone12" (NE, Niger).
        """
        if not bic.is_valid(pattern_text):
            return True
        letters = _LEADING_LETTERS.match(pattern_text)
        if not letters:
            return False
        word, words = letters.group().lower(), common_words()
        return word in words or (word.endswith("s") and word[:-1] in words)


_BECH32 = r"[ac-hj-np-z02-9]"


class CryptoWalletRecognizer(ClassPatternRecognizer):
    """Bitcoin addresses (base58 and bech32, checksum-verified by stdnum) and Ethereum addresses (0x + 40 hex).

    Taproot (bc1p) addresses use bech32m, which stdnum cannot verify; they and
    Ethereum addresses (whose mixed-case checksum needs Keccak) score on shape alone.
    """

    ENTITY = "CRYPTO_WALLET"
    FLAGS = CASE_SENSITIVE_FLAGS
    PATTERNS = [
        Pattern("bitcoin base58", r"(?<!\w)[13][a-km-zA-HJ-NP-Z1-9]{25,34}(?!\w)", 0.5),
        Pattern("bitcoin bech32", rf"(?<!\w)(?i:bc1q{_BECH32}{{6,87}})(?!\w)", 0.5),
        Pattern("bitcoin taproot", rf"(?<!\w)(?i:bc1p{_BECH32}{{58}})(?!\w)", 0.6),
        Pattern("ethereum", r"(?<!\w)0x[0-9a-fA-F]{40}(?!\w)", 0.75),
    ]

    def validate_result(self, pattern_text: str) -> Optional[bool]:
        """stdnum's verdict for Bitcoin addresses; None (keep the pattern score) for taproot and Ethereum."""
        if pattern_text.startswith("0x") or pattern_text.lower().startswith("bc1p"):
            return None
        return bool(bitcoin.is_valid(pattern_text))


_REFERENCE_CUE = (
    r"\b(?:(?:customer|client|member(?:ship)?|case|claim|policy|ticket|complaint|dispute|application|loan"
    r"|confirmation|transaction|booking)\s{0,3}(?:number|no\.?|num|#|id|ref(?:erence)?)"
    r"|ref(?:erence)?(?:\s{0,3}(?:number|no\.?|num|#|id|code))?)"
    r"(?:\s{0,3}[:#=-])?\s{0,3}(?:(?:is|was)\s{1,3})?#?"
)


class ReferenceNumberRecognizer(ClassPatternRecognizer):
    """Customer, member, case, claim, policy and reference identifiers named by a cue.

    The identifier is 4 to 25 letters, digits and inner dashes, with at least one digit.
    """

    ENTITY = "REFERENCE_NUMBER"
    PATTERNS = [
        Pattern(
            "reference after cue",
            rf"(?=[a-z0-9-]{{0,24}}\d)(?<={_REFERENCE_CUE})[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){{3,24}}(?![\w-])",
            0.6,
        )
    ]


def recognizers() -> List[EntityRecognizer]:
    """Fresh instances of the banking recognizers."""
    return [
        IbanCodeRecognizer(),
        AccountNumberRecognizer(),
        RoutingNumberRecognizer(),
        SortCodeRecognizer(),
        SwiftBicRecognizer(),
        CryptoWalletRecognizer(),
        ReferenceNumberRecognizer(),
    ]
