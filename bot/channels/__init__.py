"""Rasa input channels that redact every message before Rasa sees it."""

from bot.channels.gate import PrivacyGate
from bot.channels.rest import RedactingRestInput

__all__ = ["PrivacyGate", "RedactingRestInput"]
