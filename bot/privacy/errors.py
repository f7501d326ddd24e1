"""Errors of the privacy engine.

Every error the engine raises derives from one root, so that callers can
refuse a message on any of them (fail closed)::

    PrivacyError
    ├── PolicyError              the policy file is invalid (names the file and key)
    ├── RedactionError           detection or replacement failed; the text must not pass
    │   ├── RedactionTimeout     detection exceeded its time limit
    │   └── InputTooLarge        the text is longer than the configured limit
    └── VaultError               the vault could not store, reveal or erase a value
        └── VaultKeyError        the vault key is missing, malformed or wrong
"""

from __future__ import annotations


class PrivacyError(Exception):
    """Root of the privacy engine's errors."""


class PolicyError(PrivacyError):
    """The privacy policy is invalid."""

    def __init__(self, source: str, key: str, message: str) -> None:
        self.source = source
        self.key = key
        super().__init__(f"{source}: {key}: {message}")


class RedactionError(PrivacyError):
    """Redaction failed: the text must be refused, never passed on raw."""


class RedactionTimeout(RedactionError):
    """Detection did not finish within its time limit."""

    def __init__(self, limit_seconds: float) -> None:
        self.limit_seconds = limit_seconds
        super().__init__(f"redaction did not finish within {limit_seconds:g} s")


class InputTooLarge(RedactionError):
    """The text is longer than the engine accepts; it is refused, not truncated."""

    def __init__(self, length: int, limit: int) -> None:
        self.length = length
        self.limit = limit
        super().__init__(f"message of {length} characters is over the limit of {limit}")


class VaultError(PrivacyError):
    """The vault could not complete an operation."""


class VaultKeyError(VaultError):
    """The vault key is missing, malformed or does not decrypt the stored values."""
