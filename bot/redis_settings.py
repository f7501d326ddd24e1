"""The deployment's Redis, as every part of finbot that shares state through it reads it.

One set of variables, the lock store's (``deploy/endpoints.yml`` fills Rasa's
lock store from the same ones): ``FINBOT_REDIS_HOST`` (unset or empty: no
Redis, each process keeps its own state), ``FINBOT_REDIS_PORT`` (6379),
``FINBOT_REDIS_DB`` (1, Rasa's default for its lock store) and
``FINBOT_REDIS_PASSWORD`` (none). Used by the action servers' replay cache
(``bot.action_calls``) and the app channel's idempotency keys
(``bot.channels.idempotency_redis``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Mapping, Optional

DEFAULT_PORT = 6379
DEFAULT_DB = 1
TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class RedisSettings:
    host: str
    port: int = DEFAULT_PORT
    db: int = DEFAULT_DB
    password: Optional[str] = None

    def __repr__(self) -> str:  # never the password, in a log line or a test failure
        return f"RedisSettings(host={self.host!r}, port={self.port}, db={self.db})"

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> Optional[RedisSettings]:
        """The configured Redis, or None when ``FINBOT_REDIS_HOST`` is unset or empty."""
        host = environ.get("FINBOT_REDIS_HOST")
        if not host:
            return None
        return cls(
            host=host,
            port=int(environ.get("FINBOT_REDIS_PORT") or DEFAULT_PORT),
            db=int(environ.get("FINBOT_REDIS_DB") or DEFAULT_DB),
            password=environ.get("FINBOT_REDIS_PASSWORD") or None,
        )

    def _kwargs(self) -> dict:
        return {"host": self.host, "port": self.port, "db": self.db, "password": self.password,
                "socket_timeout": TIMEOUT_SECONDS, "socket_connect_timeout": TIMEOUT_SECONDS}

    def client(self) -> Any:
        """A blocking client (``redis.Redis``); it connects on first use."""
        import redis

        return redis.Redis(**self._kwargs())

    def async_client(self) -> Any:
        """An asyncio client (``redis.asyncio.Redis``), for code on the server's event loop."""
        import redis.asyncio

        return redis.asyncio.Redis(**self._kwargs())
