"""Placeholders: their form, the normalised spelling of values, keyed fingerprints."""

from __future__ import annotations

import pytest

from bot.privacy.placeholders import Fingerprinter, normalise, parse_placeholder, placeholder


@pytest.mark.parametrize(
    ("kind", "first", "second"),
    [("CREDIT_CARD", "4111 1111", "4111-1111"), ("CREDIT_CARD", "４１１１", "4111"),
     ("PERSON", "Ann  Lee", "ann lee"), ("EMAIL_ADDRESS", "A.B@EXAMPLE.COM", "a.b@example.com"),
     ("PHONE_NUMBER", "(212) 555-0147", "212.555.0147")],
)
def test_spellings_of_one_value_normalise_alike(kind: str, first: str, second: str) -> None:
    assert normalise(kind, first) == normalise(kind, second)


def test_fingerprints_are_keyed_and_per_conversation() -> None:
    one, other = Fingerprinter(b"1" * 32), Fingerprinter(b"2" * 32)
    assert one("c1", "PIN", "1234") == one("c1", "PIN", "1234")
    assert one("c1", "PIN", "1234") != one("c2", "PIN", "1234")
    assert one("c1", "PIN", "1234") != other("c1", "PIN", "1234")
    assert "1234" not in one("c1", "PIN", "1234")
    with pytest.raises(ValueError):
        Fingerprinter(b"short")


def test_placeholders_parse() -> None:
    assert placeholder("CREDIT_CARD", 3) == "<CREDIT_CARD_3>"
    assert parse_placeholder(" <CREDIT_CARD_3> ") == ("CREDIT_CARD", 3)
    assert parse_placeholder("<ONE_TIME_CODE_12>") == ("ONE_TIME_CODE", 12)
    assert parse_placeholder("CREDIT_CARD_3") is None


