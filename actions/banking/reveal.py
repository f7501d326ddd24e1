"""Reading an original back from the Vault, for the one use that needs it, with its purpose on record.

Actions see placeholders only (``<ACCOUNT_NUMBER_1>``). A transfer to a new
payee needs the number the user typed: after the user has confirmed, the
transfer action asks a ``PlaceholderReveal`` for it, stating the purpose,
passes it straight to the bank, and lets it go. It never goes into a slot, an
event, a message or a log. The project's ``bot.privacy.vault.Vault``
satisfies the protocol; tests use a real Vault in a temporary folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Protocol

PURPOSE_NEW_PAYEE = "transfer to new payee"
PURPOSE_MATCH_PAYEE = "match a named person to a saved payee"


class RevealFailed(Exception):
    """The Vault could not answer (its key or database failed); carries the error's type, never its text."""

    def __init__(self, cause: str) -> None:
        self.cause = cause
        super().__init__(f"the vault could not reveal a value ({cause})")


class PlaceholderReveal(Protocol):
    """Gives back the original behind a placeholder of one conversation, recording why."""

    def reveal(self, conversation: str, placeholder: str, purpose: str) -> Optional[str]:
        """The original, or None if it is unknown, expired or erased."""
        ...


def reveal(vault: PlaceholderReveal, conversation: str, placeholder: str, purpose: str) -> Optional[str]:
    """``vault.reveal(...)``; any failure of the Vault (key, database) raises ``RevealFailed``."""
    try:
        return vault.reveal(conversation, placeholder, purpose)
    except Exception as error:  # VaultError and whatever its database raises: fail closed, say only the type
        raise RevealFailed(type(error).__name__) from None


def open_project_vault(var_dir: Path) -> PlaceholderReveal:
    """The Vault the Rasa server's redactor writes to (``Vault.for_project``): same key, same database."""
    # Imported here: the privacy package loads Presidio, which the rest of the bank does not need.
    from bot.privacy.vault import Vault

    return Vault.for_project(var_dir)
