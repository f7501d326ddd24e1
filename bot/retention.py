"""Retention that is enforced: what is past its time is deleted from the databases, not only left unread.

The privacy policy says how long things live (``vault.ttl_seconds``, ``retention:``
in bot/privacy/policy.yml). ``purge`` deletes, at the time its clock gives:

- vault values past their time to live (the ciphertext itself),
- records of vault reveals older than ``retention.reveals_seconds``,
- conversations' events older than ``retention.events_seconds`` from the tracker
  store (Rasa's SQL store, as configured here and in ``deploy/``; the redacting
  wrapper is looked through) and from Rasa's SQL event broker, the embedded
  default's copy of the event stream. A broker that streams elsewhere
  (RabbitMQ, Kafka) keeps nothing here: its consumers keep what they keep.

Every Rasa server runs ``purge`` every ``retention.purge_every_seconds``
(``schedule``, started with the server by bot.faults.install); ``finbot purge``
runs it once (the Kubernetes CronJob in deploy/k8s/ too). Several servers
purging the same databases is harmless: the deletes are idempotent.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any, Callable, Optional

import sqlalchemy as sa
from rasa.core.brokers.sql import SQLEventBroker
from rasa.core.tracker_store import SQLTrackerStore

from bot.clock import SYSTEM_CLOCK, Clock
from bot.privacy.policy import Policy
from bot.privacy.vault import Vault

logger = logging.getLogger(__name__)

BROKER_BATCH = 1000


@dataclass(frozen=True)
class PurgeReport:
    """How many rows each purge deleted (counts only: never a value or a conversation id)."""

    vault_values: int = 0
    vault_reveals: int = 0
    tracker_events: int = 0
    broker_events: int = 0

    def __str__(self) -> str:
        return (f"{self.vault_values} vault value(s), {self.vault_reveals} reveal record(s), "
                f"{self.tracker_events} tracker event(s), {self.broker_events} broker event(s)")


def innermost(component: Any) -> Any:
    """The store or broker under Rasa's FailSafeTrackerStore and our redacting wrappers."""
    for _ in range(5):
        inner = getattr(component, "inner", None) or getattr(component, "_tracker_store", None)
        if inner is None:
            return component
        component = inner
    return component


def purge_tracker_events(store: Any, before: float) -> int:
    """Delete the events older than ``before`` from a SQL tracker store; 0 for any other kind of store."""
    store = innermost(store)
    if not isinstance(store, SQLTrackerStore):
        return 0
    with store.session_scope() as session:
        deleted = session.query(store.SQLEvent).filter(store.SQLEvent.timestamp < before).delete()
        session.commit()
    return int(deleted or 0)


def purge_broker_events(broker: Any, before: float) -> int:
    """Delete the events older than ``before`` from Rasa's SQL event broker (it stores no timestamp column:
    each event's own ``timestamp`` is read); 0 for any other broker."""
    broker = innermost(broker)
    if not isinstance(broker, SQLEventBroker):
        return 0
    table = broker.SQLBrokerEvent.__table__
    deleted, after_id = 0, -1
    with broker.engine.begin() as db:
        while True:
            rows = db.execute(sa.select(table.c.id, table.c.data).where(table.c.id > after_id)
                              .order_by(table.c.id).limit(BROKER_BATCH)).all()
            if not rows:
                return deleted
            after_id = rows[-1].id
            old = [row.id for row in rows if _timestamp(row.data) < before]
            if old:
                deleted += int(db.execute(sa.delete(table).where(table.c.id.in_(old))).rowcount or 0)


def _timestamp(data: Optional[str]) -> float:
    try:
        stamp = json.loads(data or "{}").get("timestamp")
    except (ValueError, AttributeError):
        return float("inf")  # unreadable: never deleted by age
    return float(stamp) if isinstance(stamp, (int, float)) else float("inf")


def purge(
    policy: Policy, vault: Optional[Vault] = None, tracker_store: Any = None, broker: Any = None,
    clock: Clock = SYSTEM_CLOCK,
) -> PurgeReport:
    """Delete what the policy's retention says is past its time (see the module docstring)."""
    now = clock.now()
    purged = vault.purge(policy.reveals_retention_seconds) if vault is not None else None
    before = now - policy.events_retention_seconds
    report = PurgeReport(
        vault_values=purged.values if purged else 0,
        vault_reveals=purged.reveals if purged else 0,
        tracker_events=purge_tracker_events(tracker_store, before) if tracker_store is not None else 0,
        broker_events=purge_broker_events(broker, before) if broker is not None else 0,
    )
    logger.info("retention purge deleted %s", report)
    return report


async def schedule(run: Callable[[], PurgeReport], every_seconds: float,
                   sleep: Callable[[float], Any] = asyncio.sleep) -> None:
    """Run ``run`` (in a thread: it blocks on databases) now and every ``every_seconds``, until cancelled.
    A failed run is logged by type and tried again at the next turn."""
    loop = asyncio.get_running_loop()
    while True:
        try:
            await loop.run_in_executor(None, run)
        except Exception as error:  # a database down: the next turn tries again
            logger.error("retention purge failed (%s); retrying in %g s", type(error).__name__, every_seconds)
        await sleep(every_seconds)


def start_on_server(app: Any, agent: Any) -> None:
    """Run ``purge`` on this Rasa server's vault, tracker store and broker every ``purge_every_seconds`` of
    the process's privacy policy (once per server, however many channels ask)."""
    if agent is None or getattr(app.ctx, "finbot_retention", None) is not None:
        return
    from bot.runtime import shared_redactor

    redactor = shared_redactor()
    store = getattr(agent, "tracker_store", None)
    broker = getattr(innermost(store), "event_broker", None) if store is not None else None
    policy, vault = redactor.policy, redactor.vault
    task = schedule(lambda: purge(policy, vault, store, broker), policy.purge_every_seconds)
    try:
        app.ctx.finbot_retention = app.add_task(task)
    except Exception:  # an app Sanic does not count as running (one driven by hand): the loop runs it all the same
        app.ctx.finbot_retention = asyncio.get_running_loop().create_task(task)
    logger.info("retention: purging every %d s (events after %s days, reveals after %s days)",
                policy.purge_every_seconds, f"{policy.events_retention_seconds / 86400:g}",
                f"{policy.reveals_retention_seconds / 86400:g}")


def _unwrapped(config: Any) -> Any:
    """The configuration of the store or broker under our redacting wrapper (``store:`` / ``broker:``)."""
    kwargs = dict(getattr(config, "kwargs", {}) or {})
    inner = kwargs.get("store") or kwargs.get("broker")
    return inner if isinstance(inner, dict) else {"type": config.type, "url": config.url, **kwargs}


def purge_configured(endpoints_file: Any, var_dir: Any, clock: Clock = SYSTEM_CLOCK) -> PurgeReport:
    """``purge`` on what an endpoints file names (what ``finbot purge`` and the CronJob run): the SQL tracker
    store and SQL event broker there (``var/...`` SQLite paths under ``var_dir``), and the project's vault."""
    from pathlib import Path

    from rasa.core.tracker_store import create_tracker_store
    from rasa.shared.core.domain import Domain
    from rasa.utils.endpoints import EndpointConfig, read_endpoint_config

    from bot.settings import move_sqlite_paths

    var = Path(var_dir)
    policy = Policy.load()
    store = broker = None
    store_config = read_endpoint_config(str(endpoints_file), "tracker_store")
    if store_config is not None:
        inner = _unwrapped(store_config)
        move_sqlite_paths(inner, var)
        if str(inner.get("type", "")).lower() == "sql":
            store = create_tracker_store(EndpointConfig.from_dict(inner), Domain.empty())
    broker_config = read_endpoint_config(str(endpoints_file), "event_broker")
    if broker_config is not None:
        inner = _unwrapped(broker_config)
        move_sqlite_paths(inner, var)
        if str(inner.get("type", "")).lower() == "sql":
            allowed = {"dialect", "host", "port", "db", "username", "password"}
            broker = SQLEventBroker(**{key: value for key, value in inner.items() if key in allowed})
    vault = Vault.for_project(var, ttl_seconds=policy.vault_ttl_seconds, clock=clock)
    try:
        return purge(policy, vault, store, broker, clock)
    finally:
        vault.close()
