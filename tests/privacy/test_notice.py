"""The notice names the kinds hidden, never the values, and warns about secrets."""

from __future__ import annotations

from typing import Optional

import pytest

from bot.privacy.notice import redaction_notice


@pytest.mark.parametrize(
    "types, expected",
    [
        ([], None),
        (["NOT_A_TYPE"], None),
        (["CREDIT_CARD"], "I hid the card number you typed; I never store it."),
        (["PHONE_NUMBER", "CREDIT_CARD"], "I hid the card number and phone number you typed; I never store them."),
        (["US_SSN", "PERSON", "EMAIL_ADDRESS"],
         "I hid the Social Security number, name and e-mail address you typed; I never store them."),
    ],
)
def test_notice_names_the_kinds(types: list, expected: Optional[str]) -> None:
    assert redaction_notice(types) == expected


def test_secrets_get_a_warning() -> None:
    notice = redaction_notice(["PIN", "CREDIT_CARD"])
    assert notice is not None
    assert notice.startswith("I hid the card number and PIN you typed")
    assert "never share your PIN with anyone" in notice
