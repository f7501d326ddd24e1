"""Recognizers for contact details: e-mail, phone number, date of birth, IP address."""

from __future__ import annotations

import datetime
import ipaddress
import itertools
from typing import Dict, List, Optional, Tuple

import phonenumbers
import regex
from phonenumbers import Leniency, PhoneNumberMatch, PhoneNumberMatcher
from presidio_analyzer import AnalysisExplanation, EntityRecognizer, Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from bot.privacy.offline import suffix_extractor
from bot.privacy.recognizers.pattern_base import MONTH, ClassPatternRecognizer


class EmailAddressRecognizer(ClassPatternRecognizer):
    """E-mail addresses: sure when the domain ends in a public suffix (tldextract's offline snapshot)."""

    ENTITY = "EMAIL_ADDRESS"
    # Bounded repeats keep the scan linear on long runs without an "@".
    PATTERNS = [
        Pattern(
            "email",
            # Internationalised top-level domains are written in punycode: "xn--p1ai".
            r"(?<![\w.%+-])[\w.%+-]{1,64}@(?:[a-z0-9-]{1,63}\.){1,8}(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})(?![\w-])",
            0.5,
        )
    ]
    PREFILTER = regex.compile("@")

    def validate_result(self, pattern_text: str) -> Optional[bool]:
        """True when the domain has a registrable name under a known public suffix; None (the pattern's own
        score, enough to hide it) otherwise: a mailbox at a private, reserved or new top-level domain
        (".test", ".internal", a TLD newer than the snapshot) is still somebody's address."""
        parts = suffix_extractor()(pattern_text.rpartition("@")[2])
        return True if parts.suffix and parts.domain else None


# Shapes written only for phone numbers: "(212) 555-0147", "555.123.4567",
# "+1-202-555-0136", "07700 900123", "020 7946 0958". A bare run of digits has
# none of them: it may be an account number, an amount or a reference.
_PHONE_SHAPE = regex.compile(
    r"\+.*"
    r"|(?:1[ .-]?)?(?:\(\d{3}\)\s?|\d{3}[ .-])\d{3}[ .-]\d{4}"
    r"|\(?0\d{2,4}\)?[ -]\d{3,4}[ -]?\d{3,4}"
)
_DIGIT_RUN = regex.compile(r"\d")
# A bare UK number with its trunk zero: "07700900123".
_UK_BARE = regex.compile(r"0\d{10}")
# "call" is a spaCy stop word, which Presidio's context matching skips; the
# recognizer looks for it (and its kin) just before a bare number itself.
_CALL_CUE = regex.compile(r"\b(?:call|ring|text|phone|mobile|cell|tel|reach)\b\W{0,3}(?:\w+\W{1,3}){0,2}$", regex.I)


# Four dot-separated groups of 1-3 digits is an IP address, whatever libphonenumber thinks.
_IPV4_SHAPE = regex.compile(r"\d{1,3}(?:\.\d{1,3}){3}")


# A phone cue typed without its space: "call me on07700900123", "tel2025550147", "mob07700900123".
_GLUED_CUE = regex.compile(r"(?<![^\W\d_])(?:on|at|tel|ph|phone|mob|mobile|cell|call|no|num|number|fax)$", regex.I)


def _glued(text: str, start: int, end: int) -> bool:
    """True when the span touches a letter or digit: part of an identifier such as "A123-4567-8901"."""
    return (start > 0 and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum())


def _glued_to_cue(text: str, start: int, end: int) -> bool:
    """True when the span is glued only to a phone cue before it ("on07700900123") and to nothing after."""
    if end < len(text) and text[end].isalnum():
        return False
    return start > 0 and text[start - 1].isalpha() and bool(_GLUED_CUE.search(text, max(0, start - 8), start))


class PhoneNumberRecognizer(EntityRecognizer):
    """US, UK and international ("+") phone numbers found by libphonenumber's matcher.

    Scores: a number valid for its region and written with separators or "+":
    0.7; a possible number in an unmistakable phone shape (fictional 555 and
    Ofcom drama numbers are "possible", not "valid"): 0.55; a valid or UK-shaped
    run of bare digits: 0.3, which needs a context word ("phone", "mobile"), or
    0.6 right after "call", "ring" or "text".
    libphonenumber itself skips dates, and its length rules skip card numbers,
    SSNs, zip codes, years and amounts.
    """

    name: str  # set by EntityRecognizer.__init__, which does not annotate it
    ENTITY = "PHONE_NUMBER"
    REGIONS = ("US", "GB")
    CONTEXT = [
        "phone", "phones", "telephone", "tel", "calling", "mobile", "cell", "landline",
        "text", "sms", "whatsapp", "fax", "contact", "reach", "ring",
    ]  # fmt: skip
    FORMATTED_SCORE = 0.7
    SHAPED_SCORE = 0.55
    CUED_SCORE = 0.6
    BARE_SCORE = 0.3
    MIN_DIGITS = 7
    # libphonenumber tries every sub-run of a long run of digit groups; a chat
    # message holds a handful of candidates, and a hostile one must stay cheap.
    MAX_TRIES = 100
    # And it reads every match: past this many in one text, the rest is left to the default-deny net,
    # which hides any run of 7 digits or more (so a phone number behind decoys is still hidden).
    MAX_MATCHES = 40

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entities=[self.ENTITY],
            supported_language=supported_language,
            context=list(self.CONTEXT),
        )

    def load(self) -> None:
        """Nothing to load: libphonenumber's metadata ships with the package."""

    def analyze(
        self, text: str, entities: List[str], nlp_artifacts: Optional[NlpArtifacts] = None
    ) -> List[RecognizerResult]:
        """Every phone number in ``text``, one result per span, with the best score any region gives it."""
        if len(_DIGIT_RUN.findall(text)) < self.MIN_DIGITS:
            return []
        best: Dict[Tuple[int, int], float] = {}
        for region in self.REGIONS:
            matches = PhoneNumberMatcher(text, region, leniency=Leniency.POSSIBLE, max_tries=self.MAX_TRIES)
            for match in itertools.islice(matches, self.MAX_MATCHES):
                cued = _glued_to_cue(text, match.start, match.end)
                if (_glued(text, match.start, match.end) and not cued) or _IPV4_SHAPE.fullmatch(match.raw_string):
                    continue
                score = self._score(match)
                if score == self.BARE_SCORE and (cued or _CALL_CUE.search(text, max(0, match.start - 40), match.start)):
                    score = self.CUED_SCORE
                span = (match.start, match.end)
                if score > best.get(span, 0.0):
                    best[span] = score
        return [self._result(start, end, score) for (start, end), score in best.items()]

    def _score(self, match: PhoneNumberMatch) -> float:
        """The confidence for one candidate; 0 when it is not a phone number."""
        raw = match.raw_string
        valid = phonenumbers.is_valid_number(match.number)
        if valid and not raw.isdigit():
            return self.FORMATTED_SCORE
        if _PHONE_SHAPE.fullmatch(raw):
            return self.SHAPED_SCORE
        if valid or _UK_BARE.fullmatch(raw):
            return self.BARE_SCORE
        return 0.0

    def _result(self, start: int, end: int, score: float) -> RecognizerResult:
        explanation = AnalysisExplanation(
            recognizer=self.name,
            original_score=score,
            textual_explanation=f"Detected by `{self.name}` using libphonenumber",
        )
        return RecognizerResult(
            entity_type=self.ENTITY,
            start=start,
            end=end,
            score=score,
            analysis_explanation=explanation,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )


_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_ORDINAL = r"(?:st|nd|rd|th)"
_YEAR = r"(?:19|20)\d{2}"
# After a month name a two-digit year is common ("3rd march 85", "jan 2 70").
_ANY_YEAR = r"(?:(?:19|20)\d{2}|\d{2})"
# Between day, month and year: spaces, a comma, a dot, a slash or a dash, and "of" ("2nd of May").
_DATE_SEP = r"(?:\.?,?[ /.-]{1,3}(?:of[ ]{1,3})?)"
_DATE_END = r"(?![\w]|[/.-]\d)"


class DateOfBirthRecognizer(ClassPatternRecognizer):
    """A full date (day, month and year) said to be a birth date: "born on", "DOB", "date of birth", "birthday".

    Any common written form, in any case: 12/04/1987, 1987-04-12, 01-Jan-1960,
    2ND OF MAY 1980, 3rd march 85, March 3rd, 1985, jan 2 70. Ordinary dates
    look the same, so every pattern is weak and needs a birth word nearby.
    """

    ENTITY = "DATE_OF_BIRTH"
    PATTERNS = [
        Pattern(
            "numeric date",
            rf"(?<![\w./-]){_DAY}([/.-]){_DAY}\1(?:{_YEAR}|\d{{2}})(?![\w]|[/.-]\d)",
            0.2,
        ),
        Pattern("iso date", rf"(?<![\w./-]){_YEAR}([/.-])(?:0?[1-9]|1[0-2])\1{_DAY}(?![\w]|[/.-]\d)", 0.2),
        Pattern(
            "day month year",
            rf"(?<![\w./-]){_DAY}{_ORDINAL}?{_DATE_SEP}{MONTH}{_DATE_SEP}{_ANY_YEAR}{_DATE_END}",
            0.2,
        ),
        Pattern(
            "month day year",
            rf"\b{MONTH}{_DATE_SEP}{_DAY}{_ORDINAL}?{_DATE_SEP}{_ANY_YEAR}{_DATE_END}",
            0.2,
        ),
    ]
    CONTEXT = ["birth", "born", "dob", "d.o.b", "birthday", "birthdate", "bday", "brth", "birht", "bith", "brithday"]

    def invalidate_result(self, pattern_text: str) -> Optional[bool]:
        """True (drop the match) when no reading of it (day/month or month/day) is a real calendar date.

        Total: a text that cannot be read as a date at all is simply invalid.
        """
        return not any(_is_date(*reading) for reading in _date_readings(pattern_text))


_NUMBER = regex.compile(r"\d+")
_WORD = regex.compile(r"[a-z]+", regex.I)
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def _years(year: int) -> List[int]:
    """A four-digit year as written; a two-digit one in both centuries (for 29 February)."""
    return [year] if year > 99 else [1900 + year, 2000 + year]


def _date_readings(text: str) -> List[Tuple[int, int, int]]:
    """Every (year, month, day) that ``text`` could mean; empty when it holds no date."""
    numbers = [int(n) for n in _NUMBER.findall(text)]
    months = [_MONTHS.index(w[:3].lower()) + 1 for w in _WORD.findall(text) if len(w) >= 3 and w[:3].lower() in _MONTHS]
    if months:
        if len(months) != 1 or len(numbers) != 2:
            return []
        day, year = (numbers[0], numbers[1]) if numbers[0] <= 31 else (numbers[1], numbers[0])
        return [(y, months[0], day) for y in _years(year)]
    if len(numbers) != 3:
        return []
    if numbers[0] > 31:
        return [(numbers[0], numbers[1], numbers[2])]
    first, second, year = numbers
    return [(y, m, d) for y in _years(year) for d, m in ((first, second), (second, first))]


def _is_date(year: int, month: int, day: int) -> bool:
    try:
        datetime.date(year, month, day)
    except (ValueError, OverflowError):
        return False
    return True


# Not part of a version string ("v1.2.3.4", "version 1.2.3.4") or a longer dotted number.
_IPV4 = r"(?<![\w.])(?<!\bv(?:er(?:sion)?)?\.?\s?)(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)"
_IPV6 = r"(?<![\w:.])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![\w:])"


class IpAddressRecognizer(ClassPatternRecognizer):
    """IPv4 and IPv6 addresses that Python's ``ipaddress`` accepts.

    An IPv6 match needs three non-empty groups, so that "::" or a time such as
    "10:30:45" is not an address. Loopback and unspecified addresses
    (127.0.0.1, ::1, 0.0.0.0) name no one: they are kept.
    """

    ENTITY = "IP_ADDRESS"
    PATTERNS = [Pattern("ipv4", _IPV4, 0.6), Pattern("ipv6", _IPV6, 0.7)]
    CONTEXT = ["ip", "ipv4", "ipv6"]
    PREFILTER = regex.compile(r"[\d:]")

    def invalidate_result(self, pattern_text: str) -> Optional[bool]:
        """True (drop the match) when ``ipaddress`` rejects it or an IPv6 match has under three groups."""
        try:
            address = ipaddress.ip_address(pattern_text)
        except ValueError:
            return True
        if address.is_loopback or address.is_unspecified:
            return True
        if address.version == 6:
            return sum(1 for group in pattern_text.split(":") if group) < 3
        return False


def recognizers() -> List[EntityRecognizer]:
    """Fresh instances of the contact recognizers."""
    return [EmailAddressRecognizer(), PhoneNumberRecognizer(), DateOfBirthRecognizer(), IpAddressRecognizer()]
