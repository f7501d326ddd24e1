"""What a person is told when a service fails: fixed texts that name what failed, never what they typed."""

from __future__ import annotations

import pytest

from bot.faults import ACTION_UNAVAILABLE, STORE_UNAVAILABLE, VAULT_UNAVAILABLE, refusal_for
from bot.privacy.errors import RedactionError, RedactionTimeout, VaultError, VaultKeyError

DEFAULT = "Sorry, I couldn't process that message safely, so I didn't keep it."


def wrapped_vault_error() -> RedactionError:
    try:
        try:
            raise VaultError("the vault database failed: OperationalError")
        except VaultError as error:
            raise RedactionError("redaction failed") from error
    except RedactionError as outer:
        return outer


@pytest.mark.parametrize("error, expected", [
    (VaultError("the vault database is unavailable: OperationalError"), VAULT_UNAVAILABLE),
    (VaultKeyError("a vault value did not decrypt"), VAULT_UNAVAILABLE),
    (wrapped_vault_error(), VAULT_UNAVAILABLE),
    (RedactionTimeout(2.0), DEFAULT),
    (ValueError("anything else"), DEFAULT),
])
def test_a_refusal_names_the_vault_only_when_the_vault_failed(error: Exception, expected: str) -> None:
    assert refusal_for(error, DEFAULT) == expected


@pytest.mark.parametrize("reply", [ACTION_UNAVAILABLE, STORE_UNAVAILABLE, VAULT_UNAVAILABLE])
def test_each_reply_says_to_try_again(reply: str) -> None:
    assert reply.startswith("Sorry") and "try again" in reply and "{" not in reply
