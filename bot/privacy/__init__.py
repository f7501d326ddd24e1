"""The privacy engine: detects personal and financial identifiers and replaces them.

Knows nothing of Rasa. ``Redactor`` is the entry point::

    redactor = Redactor()
    redactor.redact("my card is 4111 1111 1111 1111", conversation="c1").text
    # 'my card is <CREDIT_CARD_1>'
"""

from typing import TYPE_CHECKING, Any

from bot.privacy.errors import (
    InputTooLarge,
    PolicyError,
    PrivacyError,
    RedactionError,
    RedactionTimeout,
    VaultError,
    VaultKeyError,
)
from bot.privacy.policy import Action, Policy

if TYPE_CHECKING:
    from bot.privacy.engine import DetectedEntity, Redaction, Redactor, Replacement

__all__ = [
    "Action",
    "DetectedEntity",
    "InputTooLarge",
    "Policy",
    "PolicyError",
    "PrivacyError",
    "Redaction",
    "RedactionError",
    "RedactionTimeout",
    "Redactor",
    "Replacement",
    "VaultError",
    "VaultKeyError",
]

# The engine (Presidio and spaCy, seconds to load) is imported on first use: the keys, the errors and the
# policy serve `finbot token` and the app channel's authentication without it.
_ENGINE = {"DetectedEntity", "Redaction", "Redactor", "Replacement"}


def __getattr__(name: str) -> Any:
    if name in _ENGINE:
        from bot.privacy import engine

        return getattr(engine, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
