"""Rasa input channels that redact every message before Rasa sees it."""

from bot.channels.gate import PrivacyGate
from bot.channels.rest import RedactingRestInput
from bot.channels.socketio import RedactingSocketIOInput

__all__ = ["PrivacyGate", "RedactingRestInput", "RedactingSocketIOInput"]
