"""The privacy engine: detects personal and financial identifiers and replaces them.

Knows nothing of Rasa. ``Redactor`` is the entry point::

    redactor = Redactor()
    redactor.redact("my card is 4111 1111 1111 1111", conversation="c1").text
    # 'my card is <CREDIT_CARD_1>'
"""

from bot.privacy.engine import DetectedEntity, Redaction, Redactor, Replacement
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
