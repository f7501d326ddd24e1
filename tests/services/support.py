"""Endpoint sections for the real services, and readers that see what they hold without going through Rasa."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence
from urllib.parse import unquote, urlparse

import aio_pika
import pytest
import sqlalchemy as sa

ARRIVAL_TIMEOUT = 30.0  # seconds for every expected message to arrive: a test fails, never hangs
QUIET_SECONDS = 1.0  # after the last expected message, how long a duplicate has to show up
EVENT_COLUMNS = "id, sender_id, type_name, timestamp, intent_name, action_name, data"


def tracker_store_config(postgres_url: str, var_dir: Optional[Path] = None) -> Dict[str, Any]:
    """The ``tracker_store:`` section of an endpoints file for PostgreSQL, as an operator would write it."""
    url = urlparse(postgres_url)
    store: Dict[str, Any] = {
        "type": "SQL", "dialect": "postgresql", "url": url.hostname or "127.0.0.1", "port": url.port or 5432,
        "db": url.path.lstrip("/") or "postgres", "username": unquote(url.username or "postgres"),
    }
    if url.password:
        store["password"] = unquote(url.password)
    config: Dict[str, Any] = {"type": "bot.stores.RedactingTrackerStore", "store": store}
    if var_dir is not None:
        config["var_dir"] = str(var_dir)
    return config


def broker_config(rabbitmq_url: str, queue: str, exchange: str, var_dir: Optional[Path] = None) -> Dict[str, Any]:
    """The ``event_broker:`` section of an endpoints file for RabbitMQ (Rasa's ``pika`` broker).

    A queue and a fanout exchange of the caller's own, so that no other
    publisher's events reach the queue.
    """
    url = urlparse(rabbitmq_url)
    host, port = url.hostname or "127.0.0.1", url.port or 5672
    broker: Dict[str, Any] = {
        "type": "pika", "url": host, "port": port,
        "username": unquote(url.username or "guest"), "password": unquote(url.password or "guest"),
        "queues": [queue], "exchange_name": exchange,
        # Fail in seconds, not after Rasa's default of 20 attempts 5 s apart.
        "connection_attempts": 2, "retry_delay_in_seconds": 1,
    }
    if url.path not in ("", "/"):  # a virtual host other than the default: only Rasa's URL form carries it
        broker["url"] = f"amqp://{host}:{port}{url.path}"
    config: Dict[str, Any] = {"type": "bot.stores.RedactingEventBroker", "broker": broker}
    if var_dir is not None:
        config["var_dir"] = str(var_dir)
    return config


def event_rows(database: sa.engine.Engine, senders: Iterable[str]) -> List[Any]:
    """The rows Rasa's SQL tracker store wrote for ``senders``, straight from the database, in insertion order."""
    with database.connect() as db:
        query = sa.text(f"SELECT {EVENT_COLUMNS} FROM events WHERE sender_id IN :senders ORDER BY id")
        query = query.bindparams(sa.bindparam("senders", expanding=True))
        return list(db.execute(query, {"senders": list(senders)}).all())


def delete_event_rows(database: sa.engine.Engine, senders: Iterable[str]) -> None:
    with database.begin() as db:
        query = sa.text("DELETE FROM events WHERE sender_id IN :senders")
        db.execute(query.bindparams(sa.bindparam("senders", expanding=True)), {"senders": list(senders)})


def dump_rows(rows: Sequence[Any]) -> str:
    """Every column of every row; ``data`` also JSON-decoded, so escaped characters are searched as typed."""
    lines = []
    for row in rows:
        lines.append(" ".join(str(value) for value in row))
        lines.append(json.dumps(json.loads(row.data), ensure_ascii=False))
    return "\n".join(lines)


async def consume(rabbitmq_url: str, queue_name: str, expected: int) -> List[bytes]:
    """The bodies of the queue's messages: ``expected`` of them, and any that follow within QUIET_SECONDS.

    Read with a client connection of our own, not Rasa's; fails after ARRIVAL_TIMEOUT.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + ARRIVAL_TIMEOUT
    bodies: List[bytes] = []
    connection = await aio_pika.connect(rabbitmq_url, timeout=10)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(queue_name, passive=True, timeout=10)
        quiet_until: Optional[float] = None
        while True:
            message = await queue.get(no_ack=True, fail=False, timeout=10)
            if message is not None:
                bodies.append(message.body)
                continue
            now = loop.time()
            if len(bodies) >= expected:
                quiet_until = quiet_until or now + QUIET_SECONDS
                if now >= quiet_until:
                    return bodies
            elif now > deadline:
                pytest.fail(f"{len(bodies)} of {expected} events reached RabbitMQ in {ARRIVAL_TIMEOUT:.0f} s")
            await asyncio.sleep(0.05)


def delete_queue_and_exchange(rabbitmq_url: str, queue: str, exchange: str) -> None:
    async def delete() -> None:
        connection = await aio_pika.connect(rabbitmq_url, timeout=10)
        async with connection:
            channel = await connection.channel()
            await channel.queue_delete(queue, timeout=10)
            await channel.exchange_delete(exchange, timeout=10)

    asyncio.run(delete())
