"""Placeholders as entities: one per placeholder, named after its type, valued by itself."""

from __future__ import annotations

from typing import List, Tuple

import pytest

from bot.nlu.placeholders import find_placeholders
from bot.privacy.entities import ALL_ENTITIES
from bot.privacy.placeholders import placeholder


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my account is <ACCOUNT_NUMBER_1>", [("account_number", "<ACCOUNT_NUMBER_1>", 14)]),
        ("<CREDIT_CARD_2> expires <CARD_EXPIRY_1>", [("credit_card", "<CREDIT_CARD_2>", 0),
                                                     ("card_expiry", "<CARD_EXPIRY_1>", 24)]),
        ("pay <PERSON_1> from <IBAN_CODE_12>", [("person", "<PERSON_1>", 4), ("iban_code", "<IBAN_CODE_12>", 20)]),
        ("<US_SSN_1>,<PHONE_NUMBER_3>.", [("us_ssn", "<US_SSN_1>", 0), ("phone_number", "<PHONE_NUMBER_3>", 11)]),
        ("same one twice: <PIN_1> <PIN_1>", [("pin", "<PIN_1>", 16), ("pin", "<PIN_1>", 24)]),
        # Not placeholders the engine writes: unknown type, lower case, no number, Rasa's entity markup.
        ("<FOO_1> <account_number_1> <ACCOUNT_NUMBER> [12](amount)", []),
        ("", []),
    ],
)
def test_find_placeholders(text: str, expected: List[Tuple[str, str, int]]) -> None:
    spans = find_placeholders(text)
    assert [(s.entity, s.value, s.start) for s in spans] == expected
    for span in spans:
        assert text[span.start:span.end] == span.value == span.text


@pytest.mark.parametrize("kind", sorted(ALL_ENTITIES))
def test_every_engine_type_is_an_entity(kind: str) -> None:
    (span,) = find_placeholders(f"here: {placeholder(kind, 7)}!")
    assert span.entity == kind.lower()
    assert span.value == f"<{kind}_7>"
