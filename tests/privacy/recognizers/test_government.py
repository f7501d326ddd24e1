"""Government identifier recognizers: SSN, ITIN, passport, driver's licence, UK NINO."""

from __future__ import annotations

from typing import Callable, List, Optional

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from presidio_analyzer import RecognizerResult
from spacy.lang.en.stop_words import STOP_WORDS

from bot.privacy.entities import ALL_ENTITIES
from bot.privacy.recognizers import government

Detect = Callable[[str, str], List[RecognizerResult]]
AssertDetected = Callable[[str, str, str, str], None]
AssertNotDetected = Callable[[str, str, Optional[str]], None]

FOUND = [
    # SSNs: any separator; bare digits need context.
    ("my SSN is 536-22-1234", "US_SSN", "536-22-1234"),
    ("it's 536 22 1234", "US_SSN", "536 22 1234"),
    ("it's 536.22.1234", "US_SSN", "536.22.1234"),
    ("ssn 536221234", "US_SSN", "536221234"),
    ("social security number: 234567890", "US_SSN", "234567890"),
    ("SSN#536221234", "US_SSN", "536221234"),
    ("536221234 is my ssn", "US_SSN", "536221234"),
    # ITINs.
    ("ITIN 912-70-1234", "US_ITIN", "912-70-1234"),
    ("my itin is 912 83 1234", "US_ITIN", "912 83 1234"),
    ("itin 912701234", "US_ITIN", "912701234"),
    ("taxpayer id 999-88-7777", "US_ITIN", "999-88-7777"),
    # Passports.
    ("passport number 123456789", "PASSPORT", "123456789"),
    ("my passport is A12345678", "PASSPORT", "A12345678"),
    ("UK passport: 925076473", "PASSPORT", "925076473"),
    # Driver's licences.
    ("driver's license A1234567", "DRIVER_LICENSE", "A1234567"),
    ("DL: D123-456-78-901-0", "DRIVER_LICENSE", "D123-456-78-901-0"),
    ("illinois license A123-4567-8901", "DRIVER_LICENSE", "A123-4567-8901"),
    ("driving licence MORGA657054SM9IJ", "DRIVER_LICENSE", "MORGA657054SM9IJ"),
    ("DL#12345678", "DRIVER_LICENSE", "12345678"),
    ("my licence number is 123456789", "DRIVER_LICENSE", "123456789"),
    ("texas drivers license 12345678", "DRIVER_LICENSE", "12345678"),
    # UK National Insurance numbers.
    ("NI number AB123456C", "UK_NINO", "AB123456C"),
    ("my NINO is JG 10 37 59 A", "UK_NINO", "JG 10 37 59 A"),
    ("national insurance: ce123456d", "UK_NINO", "ce123456d"),
]

NOT_FOUND = [
    ("ssn 000-12-3456", "US_SSN"),
    ("ssn 666-12-3456", "US_SSN"),
    ("ssn 900-12-3456", "US_SSN"),
    ("ssn 123-00-4567", "US_SSN"),
    ("ssn 123-45-0000", "US_SSN"),
    ("ssn 078-05-1120", "US_SSN"),  # the Woolworth wallet card number, blacklisted
    ("ssn 536-22-12345", "US_SSN"),
    ("ssn 536-22 1234", "US_SSN"),  # mixed separators
    ("my number is 536221234", "US_SSN"),  # bare, no context
    ("call (212) 555-0147", "US_SSN"),
    ("itin 912-93-1234", "US_ITIN"),  # group 93 is never issued
    ("number 912701234", "US_ITIN"),
    ("order A12345678", "PASSPORT"),
    ("my number is 123456789", "PASSPORT"),
    ("the deadline 12345678", "DRIVER_LICENSE"),
    ("code A1234567 applies", "DRIVER_LICENSE"),
    ("QQ123456C", "UK_NINO"),  # Q never starts a NINO
    ("BG123456A", "UK_NINO"),
    ("AB123456E", "UK_NINO"),  # suffix beyond D
    ("DA123456A", "UK_NINO"),
]

WIDER_FOUND = [
    # Passports after a cue, any case: UK two letters + 7 digits or 9 digits; US letter + 8 (or 9) digits.
    ("passport number AB1234567", "PASSPORT", "AB1234567"),
    ("Passport number A12345678", "PASSPORT", "A12345678"),
    ("PASSPORT NO. C12345678", "PASSPORT", "C12345678"),
    ("passport no 123456789", "PASSPORT", "123456789"),
    ("my passport number is a123456789", "PASSPORT", "a123456789"),
    ("passport#: ab1234567", "PASSPORT", "ab1234567"),
    # Driver's licences: US state shapes after a cue, UK DVLA numbers in any case.
    ("license CA A1234567", "DRIVER_LICENSE", "A1234567"),
    ("NY license 123 456 789", "DRIVER_LICENSE", "123 456 789"),
    ("FL driver's license a123-456-78-901-0", "DRIVER_LICENSE", "a123-456-78-901-0"),
    ("DRIVERS LICENSE NUMBER IS B1234567", "DRIVER_LICENSE", "B1234567"),
    ("driving licence morga657054sm9ij", "DRIVER_LICENSE", "morga657054sm9ij"),
    ("it is MORGA657054SM9IJ", "DRIVER_LICENSE", "MORGA657054SM9IJ"),
    # National Insurance numbers in any case and spacing.
    ("ni number ab 12 34 56 c", "UK_NINO", "ab 12 34 56 c"),
    ("AB123456 C is mine", "UK_NINO", "AB123456 C"),
    ("nino ab 123456c", "UK_NINO", "ab 123456c"),
    ("nino ab 123 456 c", "UK_NINO", "ab 123 456 c"),
]

WIDER_NOT_FOUND = [
    ("the passport office opens at 9", "PASSPORT"),
    ("passport number 1234567890", "PASSPORT"),  # ten digits: no passport format
    ("passport fee is $165", "PASSPORT"),
    ("order AB1234567 shipped", "PASSPORT"),
    ("morga659954sm9ij", "DRIVER_LICENSE"),  # month 99
    ("my license expired in 2024", "DRIVER_LICENSE"),
    ("licence fee 150", "DRIVER_LICENSE"),
    ("ab 12 34 56 e", "UK_NINO"),
]


NEEDED = [
    "I earn $85,000 a year and pay 22% tax since 2019.",
    "My 401(k) grew 7.5% over 30 years; is a Roth IRA better?",
    "Call HSBC in London about my ISA, or Chase in New York.",
    "My zip is 10001 and my flat number is 12.",
]


@pytest.mark.parametrize(("text", "entity", "value"), [*FOUND, *WIDER_FOUND])
def test_found(assert_detected: AssertDetected, text: str, entity: str, value: str) -> None:
    assert_detected("government", text, entity, value)


@pytest.mark.parametrize(("text", "entity"), [*NOT_FOUND, *WIDER_NOT_FOUND])
def test_not_found(assert_not_detected: AssertNotDetected, text: str, entity: str) -> None:
    assert_not_detected("government", text, entity)


@pytest.mark.parametrize("text", NEEDED)
def test_dialogue_tokens_kept(assert_not_detected: AssertNotDetected, text: str) -> None:
    assert_not_detected("all", text, None)


def test_recognizers_are_fresh_and_typed() -> None:
    first, second = government.recognizers(), government.recognizers()
    assert len(first) == len(second) and all(a is not b for a, b in zip(first, second))
    entities = {e for r in first for e in r.supported_entities}
    assert entities == {"US_SSN", "US_ITIN", "PASSPORT", "DRIVER_LICENSE", "UK_NINO"}
    assert entities <= ALL_ENTITIES
    assert not [w for r in first for w in r.context if w in STOP_WORDS]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    area=st.integers(1, 899).filter(lambda a: a != 666),
    group=st.integers(1, 99),
    serial=st.integers(1, 9999),
    sep=st.sampled_from(["-", " ", "."]),
)
def test_valid_separated_ssns_found(detect: Detect, area: int, group: int, serial: int, sep: str) -> None:
    value = f"{area:03d}{sep}{group:02d}{sep}{serial:04d}"
    if value.replace(sep, "") in {"078051120", "219099999", "457555462"}:  # stdnum's blacklist
        return
    text = f"my SSN is {value}."
    spans = {(r.start, r.end) for r in detect("government", text) if r.entity_type == "US_SSN"}
    assert (10, 10 + len(value)) in spans


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(area=st.sampled_from([0, 666, 900, 950, 999]), group=st.integers(0, 99), serial=st.integers(0, 9999))
def test_invalid_areas_never_ssn(detect: Detect, area: int, group: int, serial: int) -> None:
    text = f"ssn {area:03d}-{group:02d}-{serial:04d}"
    assert not [r for r in detect("government", text) if r.entity_type == "US_SSN"]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=200))
def test_arbitrary_text_never_raises(detect: Detect, text: str) -> None:
    for result in detect("government", text):
        assert 0 <= result.start < result.end <= len(text)


# ITIN groups the IRS issues: 50-65, 70-88, 90-92, 94-99 (stdnum 2.2 refuses 50-65).
ISSUED_GROUPS = [*range(50, 66), *range(70, 89), 90, 91, 92, *range(94, 100)]


@pytest.mark.parametrize("group", ISSUED_GROUPS)
def test_itins_of_every_issued_group(assert_detected: AssertDetected, group: int) -> None:
    value = f"912-{group:02d}-3456"
    assert_detected("government", f"my itin is {value}", "US_ITIN", value)


@pytest.mark.parametrize("group", [0, 12, 49, 66, 69, 89, 93])
def test_itin_groups_never_issued(assert_not_detected: AssertNotDetected, group: int) -> None:
    assert_not_detected("government", f"my itin is 912-{group:02d}-3456", "US_ITIN")


@pytest.mark.parametrize("text", ["Passport number A12345678", "passport no: AB1234567", "PASSPORT 925076473"])
def test_cued_passports_score_high_without_context(text: str) -> None:
    """The cue is in the pattern: the score beats the default-deny net (0.5) before any context boost."""
    results = government.PassportRecognizer().analyze(text, ["PASSPORT"])
    assert results and max(r.score for r in results) >= 0.6
