"""Rasa input channels that redact every message before Rasa sees it."""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.channels.gate import PrivacyGate
    from bot.channels.rest import RedactingRestInput
    from bot.channels.socketio import RedactingSocketIOInput

__all__ = ["PrivacyGate", "RedactingRestInput", "RedactingSocketIOInput"]

# Imported on first use: `bot.channels.auth` (finbot token, a bank's backend minting tokens)
# must not load Rasa and the privacy engine through this package.
_LAZY = {
    "PrivacyGate": "bot.channels.gate",
    "RedactingRestInput": "bot.channels.rest",
    "RedactingSocketIOInput": "bot.channels.socketio",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
