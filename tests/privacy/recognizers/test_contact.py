"""Contact recognizers: e-mail, phone number, date of birth, IP address."""

from __future__ import annotations

from typing import Callable, List, Optional
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from presidio_analyzer import EntityRecognizer, RecognizerResult
from spacy.lang.en.stop_words import STOP_WORDS

from bot.privacy.entities import ALL_ENTITIES
from bot.privacy.recognizers import banking, cards, contact, government, phones

Detect = Callable[[str, str], List[RecognizerResult]]
AssertDetected = Callable[[str, str, str, str], None]
AssertNotDetected = Callable[[str, str, Optional[str]], None]

FOUND = [
    # E-mail, validated against the offline public suffix list.
    ("email john.doe@example.com please", "EMAIL_ADDRESS", "john.doe@example.com"),
    ("it's jane+bank@mail.co.uk.", "EMAIL_ADDRESS", "jane+bank@mail.co.uk"),
    ("EMAIL: A.B@Example.ORG", "EMAIL_ADDRESS", "A.B@Example.ORG"),
    # Reserved and private top-level domains are somebody's mailbox too.
    ("mail me at dev@family.test", "EMAIL_ADDRESS", "dev@family.test"),
    ("mail x@y.notatld", "EMAIL_ADDRESS", "x@y.notatld"),
    # Phones: US, UK, international; fictional 555-01xx and Ofcom drama numbers.
    ("call me on (212) 555-0147", "PHONE_NUMBER", "(212) 555-0147"),
    ("my number is +44 20 7946 0958", "PHONE_NUMBER", "+44 20 7946 0958"),
    ("mobile 07700 900123", "PHONE_NUMBER", "07700 900123"),
    ("office 020 7946 0958", "PHONE_NUMBER", "020 7946 0958"),
    ("US +1-202-555-0136 works", "PHONE_NUMBER", "+1-202-555-0136"),
    ("old number 555.123.4567", "PHONE_NUMBER", "555.123.4567"),
    ("reach me at 202-555-0136", "PHONE_NUMBER", "202-555-0136"),
    ("call 2125550147 tonight", "PHONE_NUMBER", "2125550147"),
    ("my mobile is 07700900123", "PHONE_NUMBER", "07700900123"),
    ("Paris office +33 1 42 68 53 00", "PHONE_NUMBER", "+33 1 42 68 53 00"),
    # Dates of birth: a date with a birth word.
    ("I was born on 12/04/1987", "DATE_OF_BIRTH", "12/04/1987"),
    ("DOB: 1987-04-12", "DATE_OF_BIRTH", "1987-04-12"),
    ("born 12 April 1987 in Leeds", "DATE_OF_BIRTH", "12 April 1987"),
    ("my birthday is April 12, 1987", "DATE_OF_BIRTH", "April 12, 1987"),
    ("date of birth 4th of July 1990", "DATE_OF_BIRTH", "4th of July 1990"),
    ("12.04.87 is my date of birth", "DATE_OF_BIRTH", "12.04.87"),
    # IP addresses.
    ("my ip is 192.168.1.10", "IP_ADDRESS", "192.168.1.10"),
    ("logged in from 10.0.0.1 today", "IP_ADDRESS", "10.0.0.1"),
    ("ipv6 2001:db8::8a2e:370:7334", "IP_ADDRESS", "2001:db8::8a2e:370:7334"),
    ("from fe80::1ff:fe23:4567:890a", "IP_ADDRESS", "fe80::1ff:fe23:4567:890a"),
]

NOT_FOUND = [
    ("me@localhost", "EMAIL_ADDRESS"),
    ("follow @handle", "EMAIL_ADDRESS"),
    ("I paid $1,200 and 1200 dollars", "PHONE_NUMBER"),
    ("since 2024 and 1,200,000 in total", "PHONE_NUMBER"),
    ("my account number is 12345678", "PHONE_NUMBER"),
    ("account 12345678 and 87654321", "PHONE_NUMBER"),
    ("card 4111 1111 1111 1111", "PHONE_NUMBER"),
    ("card 5555 5555 5555 4444", "PHONE_NUMBER"),
    ("ssn 123-45-6789", "PHONE_NUMBER"),
    ("on 12/04/1987 and 2024-03-12", "PHONE_NUMBER"),
    ("zip 10001 or 10001-1234", "PHONE_NUMBER"),
    ("19.9% APR for 30 years", "PHONE_NUMBER"),
    ("the payment on 12/04/1987 failed", "DATE_OF_BIRTH"),
    ("April 12, 1987 was a Sunday", "DATE_OF_BIRTH"),
    ("my birthday is on 12/03", "DATE_OF_BIRTH"),  # no year: not a full birth date
    ("born on 31/31/1987", "DATE_OF_BIRTH"),
    ("python 3.6.21", "IP_ADDRESS"),
    ("v1.2.3.4", "IP_ADDRESS"),
    ("version 1.2.3.4", "IP_ADDRESS"),
    ("999.1.1.1", "IP_ADDRESS"),
    ("at 10:30:45", "IP_ADDRESS"),
    ("the :: operator", "IP_ADDRESS"),
    ("listening on 127.0.0.1:5005", "IP_ADDRESS"),
    ("bound to 0.0.0.0", "IP_ADDRESS"),
    ("loopback ::1 and ::ffff:127.0.0.1", "IP_ADDRESS"),
    ("mac 00:1A:2B:3C:4D:5E", "IP_ADDRESS"),
]

WIDER_FOUND = [
    # Internationalised top-level domains, in punycode.
    ("write to user@example.xn--p1ai", "EMAIL_ADDRESS", "user@example.xn--p1ai"),
    ("info@bank.xn--fiqs8s please", "EMAIL_ADDRESS", "info@bank.xn--fiqs8s"),
    # Phones glued to the cue before them.
    ("call me on07700900123", "PHONE_NUMBER", "07700900123"),
    ("tel:2025550147", "PHONE_NUMBER", "2025550147"),
    ("tel2025550147 after 6", "PHONE_NUMBER", "2025550147"),
    ("ph:020 7946 0958", "PHONE_NUMBER", "020 7946 0958"),
    ("mob07700900123", "PHONE_NUMBER", "07700900123"),
    # Dates of birth in every common written form, any case.
    ("born 01-Jan-1960", "DATE_OF_BIRTH", "01-Jan-1960"),
    ("dob 12-sept-1990", "DATE_OF_BIRTH", "12-sept-1990"),
    ("born jan 2 70", "DATE_OF_BIRTH", "jan 2 70"),
    ("born 2ND OF MAY 1980", "DATE_OF_BIRTH", "2ND OF MAY 1980"),
    ("I was born 3rd march 85", "DATE_OF_BIRTH", "3rd march 85"),
    ("born March 3rd, 1985", "DATE_OF_BIRTH", "March 3rd, 1985"),
    ("dob 07/04/82", "DATE_OF_BIRTH", "07/04/82"),
    ("d.o.b. 1979-11-23", "DATE_OF_BIRTH", "1979-11-23"),
    ("born on the 2nd of may 1980", "DATE_OF_BIRTH", "2nd of may 1980"),
    ("DATE OF BIRTH: 14 FEB. 1975", "DATE_OF_BIRTH", "14 FEB. 1975"),
    ("my birthday is Sept 9th 1991", "DATE_OF_BIRTH", "Sept 9th 1991"),
    ("dob 29 feb 00", "DATE_OF_BIRTH", "29 feb 00"),  # 2000 was a leap year
]

WIDER_NOT_FOUND = [
    ("cat07700900123", "PHONE_NUMBER"),
    ("ref07700900123", "PHONE_NUMBER"),
    ("born 31 feb 1980", "DATE_OF_BIRTH"),
    ("born 29 feb 1981", "DATE_OF_BIRTH"),
    ("March 3rd, 1985 was sunny", "DATE_OF_BIRTH"),
    ("I paid on 01-Jan-2024", "DATE_OF_BIRTH"),
]


NEEDED = [
    "I paid $1,200 on 12/03 and £50 next Friday, in March 2024.",
    "My savings rate is 4.5% and the card is 19.9% APR for 30 years.",
    "Buy 100 shares of AAPL at 187.45 or VTI, 2 times a week.",
    "Is a Roth IRA or 401(k) better? Apple Pay at Chase in London.",
    "the loan is 250000 over 25 years at 3.75%",
]


@pytest.mark.parametrize(("text", "entity", "value"), [*FOUND, *WIDER_FOUND])
def test_found(assert_detected: AssertDetected, text: str, entity: str, value: str) -> None:
    assert_detected("contact", text, entity, value)


@pytest.mark.parametrize(("text", "entity"), [*NOT_FOUND, *WIDER_NOT_FOUND])
def test_not_found(assert_not_detected: AssertNotDetected, text: str, entity: str) -> None:
    assert_not_detected("all", text, entity)


@pytest.mark.parametrize("text", NEEDED)
def test_dialogue_tokens_kept(assert_not_detected: AssertNotDetected, text: str) -> None:
    assert_not_detected("all", text, None)


def test_email_check_stays_offline(detect: Detect) -> None:
    """tldextract must read its bundled snapshot, never the network."""
    with mock.patch("socket.socket.connect", side_effect=AssertionError("network used")):
        results = detect("contact", "write to someone@example.co.uk")
    assert [r.entity_type for r in results] == ["EMAIL_ADDRESS"]


def test_recognizers_are_fresh_and_typed() -> None:
    first, second = contact.recognizers(), contact.recognizers()
    assert len(first) == len(second) and all(a is not b for a, b in zip(first, second))
    entities = {e for r in first for e in r.supported_entities}
    assert entities == {"EMAIL_ADDRESS", "PHONE_NUMBER", "DATE_OF_BIRTH", "IP_ADDRESS"}
    assert entities <= ALL_ENTITIES
    assert not [w for r in first for w in r.context if w in STOP_WORDS]


_LOCAL = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=20)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=_LOCAL, second=_LOCAL, domain=st.sampled_from(["example.com", "bank.co.uk", "mail.example.org"]))
def test_generated_emails_found(detect: Detect, first: str, second: str, domain: str) -> None:
    value = f"{first}.{second}@{domain}"
    text = f"my email is {value}, thanks"
    spans = {(r.start, r.end) for r in detect("contact", text) if r.entity_type == "EMAIL_ADDRESS"}
    assert (12, 12 + len(value)) in spans


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(address=st.ip_addresses(v=4).filter(lambda a: not (a.is_loopback or a.is_unspecified)))
def test_generated_ipv4_found(detect: Detect, address: object) -> None:
    value = str(address)  # loopback and 0.0.0.0 are kept (see the table of what is not an address)
    text = f"the server at {value} is down"
    spans = {(r.start, r.end) for r in detect("contact", text) if r.entity_type == "IP_ADDRESS"}
    assert (14, 14 + len(value)) in spans


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(area=st.sampled_from(["212", "202", "415", "617"]), line=st.integers(100, 199))
def test_fictional_us_numbers_found(detect: Detect, area: str, line: int) -> None:
    value = f"({area}) 555-0{line - 100:03d}"
    text = f"call me on {value} after 5"
    spans = {(r.start, r.end) for r in detect("contact", text) if r.entity_type == "PHONE_NUMBER"}
    assert (11, 11 + len(value)) in spans


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=200))
def test_arbitrary_text_never_raises(detect: Detect, text: str) -> None:
    for result in detect("contact", text):
        assert 0 <= result.start < result.end <= len(text)


@pytest.mark.parametrize(
    "text",
    ["2ND OF MAY 1980", "1ST", "31ST OF FEB", "MAY 2ND", "jan", "12 may 1980 1981", "1st 2nd 3rd", "", "of of",
     "may may 1980", "99999999999999999999 jan 1980"],
)  # fmt: skip
def test_date_of_birth_invalidation_is_total(text: str) -> None:
    """Whatever it is given, the pruning answers True or False: it never raises."""
    assert contact.DateOfBirthRecognizer().invalidate_result(text) in (True, False)


def _every_recognizer() -> List[EntityRecognizer]:
    return [r for module in (cards, banking, government, contact, phones) for r in module.recognizers()]


_RECOGNIZERS = _every_recognizer()
_DATEISH = st.text(alphabet="0123456789 /.-,stndrhofMAYmayJanSEPTept", max_size=40)


@settings(max_examples=150, deadline=None)
@given(text=st.one_of(st.text(max_size=200), _DATEISH), variant=st.sampled_from([str, str.upper, str.title]))
def test_no_recognizer_raises_on_any_text(text: str, variant: Callable[[str], str]) -> None:
    """Every recognizer of the card, banking, government, contact and phone families, on any text."""
    text = variant(text)
    for recognizer in _RECOGNIZERS:
        for result in recognizer.analyze(text, recognizer.supported_entities, None):  # type: ignore[arg-type]
            assert 0 <= result.start < result.end <= len(text)
