"""Real services for `make test-services`: URLs from the environment, a clear failure when one is down."""

from __future__ import annotations

import os
import socket
from urllib.parse import urlparse

import pytest

POSTGRES_URL = os.environ.get("FINBOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("FINBOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
RABBITMQ_URL = os.environ.get("FINBOT_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")


def require(name: str, url: str) -> str:
    """``url`` if its server accepts a connection; otherwise fail (never skip) naming the service."""
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 0), timeout=3):
            return url
    except OSError as error:
        pytest.fail(
            f"{name} is not reachable at {parsed.hostname}:{parsed.port} ({error.strerror or error}); "
            f"start it or set the URL variable (see README, 'Services')",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def postgres_url() -> str:
    return require("PostgreSQL", POSTGRES_URL)


@pytest.fixture(scope="session")
def redis_url() -> str:
    return require("Redis", REDIS_URL)


@pytest.fixture(scope="session")
def rabbitmq_url() -> str:
    return require("RabbitMQ", RABBITMQ_URL)
