"""The REST round trip, timed: one message in, the bot's messages out (aiohttp, loopback only)."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import aiohttp

from bench.completeness import Outcome, SentMessage

REQUEST_TIMEOUT_S = 120.0
# The channel's reply when it refuses a message it could not redact (bot/channels/gate.py REFUSAL).
REFUSAL_START = "Sorry, I couldn't process that message safely"


@dataclass
class Exchange:
    """One message sent and what came back. ``ok``: HTTP 200 with a JSON list of messages."""

    sender: str
    text: str
    started: float  # time.monotonic() when sent
    latency_s: float
    status: Optional[int]
    replies: List[Dict[str, Any]] = field(default_factory=list)
    error: Optional[str] = None  # the kind of failure, never the message

    @property
    def ok(self) -> bool:
        return self.error is None and self.status == 200

    @property
    def refused(self) -> bool:
        """The channel refused the message (nothing of it was kept)."""
        return any(str(reply.get("text", "")).startswith(REFUSAL_START) for reply in self.replies)

    @property
    def reply_text(self) -> str:
        return " ".join(str(reply.get("text") or "") for reply in self.replies)


def new_session(connections: int) -> aiohttp.ClientSession:
    """A client session with up to ``connections`` connections to the server, and no proxy from the environment."""
    connector = aiohttp.TCPConnector(limit=connections, limit_per_host=connections)
    return aiohttp.ClientSession(connector=connector, trust_env=False,
                                 timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S))


async def send(session: aiohttp.ClientSession, webhook: str, sender: str, text: str) -> Exchange:
    """POST ``{"sender", "message"}`` to ``webhook``; times the whole round trip, body read included."""
    started = time.monotonic()
    status: Optional[int] = None
    try:
        async with session.post(webhook, json={"sender": sender, "message": text}) as response:
            status = response.status
            body = await response.json(content_type=None)
        latency = time.monotonic() - started
        if status != 200 or not isinstance(body, list):
            return Exchange(sender, text, started, latency, status, error=f"HTTP {status}")
        return Exchange(sender, text, started, latency, status, replies=[r for r in body if isinstance(r, dict)])
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
        return Exchange(sender, text, started, time.monotonic() - started, status, error=type(error).__name__)


def sent_by_sender(exchanges: Sequence[Exchange],
                   values: Mapping[str, Tuple[str, ...]]) -> Dict[str, List[SentMessage]]:
    """What the client sent, by sender and in order, with what it saw of each (for the store check).

    ``values``: the fake identifiers typed in each message text.
    """
    sent: Dict[str, List[SentMessage]] = defaultdict(list)
    for exchange in sorted(exchanges, key=lambda e: e.started):
        outcome = Outcome.REFUSED if exchange.refused else Outcome.ANSWERED if exchange.ok else Outcome.FAILED
        sent[exchange.sender].append(SentMessage(exchange.text, outcome, tuple(values.get(exchange.text, ()))))
    return dict(sent)
