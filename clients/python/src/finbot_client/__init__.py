"""finbot's Python client, for a bank's backend: ``from finbot_client import FinbotClient``.

The client and its errors are in ``finbot_client.client`` (its docstring tells
how it retries and draws the error tree), the answers as dataclasses in
``finbot_client.models``, the clock it waits on in ``finbot_client.clock``, and
a clock for tests in ``finbot_client.testing``. It needs only ``requests``.
"""

from __future__ import annotations

from finbot_client.client import (
    ApiError,
    AuthenticationError,
    BadRequestError,
    BotMessage,
    Button,
    Erasure,
    FinbotClient,
    FinbotError,
    KindCount,
    PermissionDeniedError,
    PrivacyReport,
    Redaction,
    Reply,
    ResponseError,
    Reveal,
    ServerError,
    TokenSource,
    TransportError,
)
from finbot_client.clock import SYSTEM_CLOCK, Clock, SystemClock

__version__ = "0.1.0"

__all__ = [
    "SYSTEM_CLOCK",
    "ApiError",
    "AuthenticationError",
    "BadRequestError",
    "BotMessage",
    "Button",
    "Clock",
    "Erasure",
    "FinbotClient",
    "FinbotError",
    "KindCount",
    "PermissionDeniedError",
    "PrivacyReport",
    "Redaction",
    "Reply",
    "ResponseError",
    "Reveal",
    "ServerError",
    "SystemClock",
    "TokenSource",
    "TransportError",
]
