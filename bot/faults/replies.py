"""What the person is told when a service fails: fixed texts, never anything they typed."""

from __future__ import annotations

from typing import Optional

from bot.privacy.errors import VaultError

ACTION_UNAVAILABLE = "Sorry, I can't do that right now. Please try again in a few minutes."
STORE_UNAVAILABLE = (
    "Sorry, I can't reach our conversation records right now, so I didn't keep that message. "
    "Please try again in a few minutes."
)
# The vault's database also holds placeholder numbering where several servers share it, so any message
# may need it: the text names no kind of detail.
VAULT_UNAVAILABLE = (
    "Sorry, my secure store isn't available right now, so I didn't keep that message. "
    "Please try again in a few minutes."
)


def refusal_for(error: BaseException, default: str) -> str:
    """The reply for a message refused because of ``error``: the vault's own text, else ``default``."""
    cause: Optional[BaseException] = error
    while cause is not None:  # a vault failure may arrive wrapped in a redaction error
        if isinstance(cause, VaultError):
            return VAULT_UNAVAILABLE
        cause = cause.__cause__
    return default
