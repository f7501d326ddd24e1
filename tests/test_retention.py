"""Retention is enforced: past their time, vault ciphertexts, reveal records and events are gone from the database."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from pathlib import Path
from typing import List

import pytest
from click.testing import CliRunner
from rasa.core.brokers.sql import SQLEventBroker
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.clock import FakeClock
from bot.privacy.keys import derive_key, generate_key, load_master_key
from bot.privacy.policy import Policy
from bot.privacy.vault import Purged, Vault
from bot.retention import PurgeReport, purge, purge_broker_events, purge_tracker_events, schedule

DAY = 86400.0
ROOT = Path(__file__).resolve().parents[1]


def rows(db: Path, sql: str) -> List[tuple]:
    with sqlite3.connect(db) as connection:
        return list(connection.execute(sql))


def test_an_expired_value_and_an_old_reveal_record_are_deleted_not_only_unreadable(tmp_path: Path) -> None:
    clock = FakeClock()
    vault = Vault(f"sqlite:///{tmp_path / 'vault.db'}", b"k" * 32, ttl_seconds=DAY, clock=clock)
    vault.store("c1", "<IBAN_CODE_1>", "IBAN_CODE", "GB82WEST12345698765432")
    vault.reveal("c1", "<IBAN_CODE_1>", "transfer to new payee")
    clock.advance(DAY / 2)
    vault.store("c2", "<IBAN_CODE_1>", "IBAN_CODE", "DE89370400440532013000")
    assert vault.purge(reveals_retention_seconds=10 * DAY) == Purged(0, 0)  # nothing is past its time yet
    clock.advance(DAY / 2 + 1)  # c1's value is past its day, c2's is not
    assert vault.reveal("c1", "<IBAN_CODE_1>", "late") is None  # unreadable already; now gone as well
    purged = vault.purge(reveals_retention_seconds=10 * DAY)
    assert (purged.values, purged.reveals) == (1, 0)
    assert rows(tmp_path / "vault.db", "SELECT conversation FROM vault_values") == [("c2",)]
    assert len(rows(tmp_path / "vault.db", "SELECT sealed FROM vault_values")) == 1
    clock.advance(10 * DAY)  # the reveal record is past its retention
    purged = vault.purge(reveals_retention_seconds=10 * DAY)
    assert (purged.values, purged.reveals) == (1, 1)
    assert rows(tmp_path / "vault.db", "SELECT * FROM vault_values") == []
    assert rows(tmp_path / "vault.db", "SELECT * FROM vault_reveals") == []
    vault.close()


def tracker_store(tmp_path: Path) -> SQLTrackerStore:
    return SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"))


def saved(store: SQLTrackerStore, sender: str, stamps: List[float]) -> None:
    events = []
    for stamp in stamps:
        events += [UserUttered("hello", timestamp=stamp), ActionExecuted("action_listen", timestamp=stamp)]
    asyncio.run(store.save(DialogueStateTracker.from_events(sender, events)))


def test_events_older_than_the_retention_leave_the_tracker_store(tmp_path: Path) -> None:
    store = tracker_store(tmp_path)
    now = 1_800_000_000.0
    saved(store, "old", [now - 40 * DAY])
    saved(store, "both", [now - 31 * DAY, now - DAY])
    # Looked for under Rasa's fail-safe wrapper, as a running server holds it.
    assert purge_tracker_events(FailSafeTrackerStore(store), before=now - 30 * DAY) == 4
    left = rows(tmp_path / "tracker.db", "SELECT sender_id, timestamp FROM events")
    assert sorted({sender for sender, _ in left}) == ["both"]
    assert all(stamp >= now - 30 * DAY for _, stamp in left)


def test_events_older_than_the_retention_leave_the_sql_broker(tmp_path: Path) -> None:
    broker = SQLEventBroker(db=str(tmp_path / "events.db"))
    now = 1_800_000_000.0
    for stamp in (now - 40 * DAY, now - DAY, now - 31 * DAY):
        broker.publish({"sender_id": "c1", "event": "user", "text": "hi", "timestamp": stamp})
    with broker.engine.begin() as db:  # a row that cannot be read is not deleted by age
        db.execute(broker.SQLBrokerEvent.__table__.insert().values(sender_id="c2", data="not json"))
    assert purge_broker_events(broker, before=now - 30 * DAY) == 2
    left = rows(tmp_path / "events.db", "SELECT sender_id, data FROM events ORDER BY id")
    assert [sender for sender, _ in left] == ["c1", "c2"]
    assert json.loads(left[0][1])["timestamp"] == now - DAY


def test_purge_applies_the_policys_retention_at_the_clocks_time(tmp_path: Path) -> None:
    clock = FakeClock()
    policy = Policy.from_dict({"entities": {"IBAN_CODE": {"action": "vault"}},
                               "vault": {"ttl_seconds": 3600},
                               "retention": {"events_seconds": 7 * 86400, "reveals_seconds": 30 * 86400}})
    vault = Vault(f"sqlite:///{tmp_path / 'vault.db'}", b"k" * 32, ttl_seconds=3600, clock=clock)
    vault.store("c1", "<IBAN_CODE_1>", "IBAN_CODE", "GB82WEST12345698765432")
    store = tracker_store(tmp_path)
    saved(store, "c1", [clock.now()])
    assert purge(policy, vault, store, None, clock) == PurgeReport()
    clock.advance(8 * DAY)
    assert purge(policy, vault, store, None, clock) == PurgeReport(vault_values=1, tracker_events=2)
    assert rows(tmp_path / "tracker.db", "SELECT * FROM events") == []


def test_the_schedule_purges_now_and_every_period_and_survives_a_failure() -> None:
    runs: List[str] = []
    slept: List[float] = []

    def run() -> PurgeReport:
        runs.append("run")
        if len(runs) == 2:
            raise RuntimeError("database down")
        return PurgeReport()

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 3:
            raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(schedule(run, 3600, sleep))
    assert runs == ["run", "run", "run"] and slept == [3600, 3600, 3600]


def test_the_policy_file_sets_the_retention() -> None:
    policy = Policy.load()
    assert (policy.events_retention_seconds, policy.reveals_retention_seconds, policy.purge_every_seconds) == (
        30 * 86400, 365 * 86400, 3600)
    with pytest.raises(Exception, match=r"retention\.events_seconds"):
        Policy.from_dict({"entities": {"IBAN_CODE": {}}, "retention": {"events_seconds": 0}})
    with pytest.raises(Exception, match="retention"):
        Policy.from_dict({"entities": {"IBAN_CODE": {}}, "retention": {"forever": True}})


def test_finbot_purge_deletes_what_is_past_its_time_in_the_projects_databases(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.cli import main

    var = tmp_path / "var"
    master = generate_key()
    monkeypatch.setenv("FINBOT_VAULT_KEY", master)
    monkeypatch.delenv("FINBOT_VAULT_URL", raising=False)
    monkeypatch.delenv("FINBOT_PRIVACY_POLICY", raising=False)
    key = derive_key(load_master_key(), "vault")  # the project's vault key, from $FINBOT_VAULT_KEY
    var.mkdir()
    long_ago = FakeClock(time.time() - 2 * DAY)  # stored two days ago: past the policy's one-day time to live
    vault = Vault(f"sqlite:///{var / 'vault.db'}", key, ttl_seconds=DAY, clock=long_ago)
    vault.store("c1", "<IBAN_CODE_1>", "IBAN_CODE", "GB82WEST12345698765432")
    vault.close()
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(var / "tracker.db"))
    saved(store, "c1", [time.time() - 40 * DAY, time.time()])
    result = CliRunner().invoke(main, ["--project-dir", str(ROOT), "--var-dir", str(var), "purge"])
    assert result.exit_code == 0, result.output
    assert "1 vault value(s)" in result.output and "2 tracker event(s)" in result.output
    assert rows(var / "vault.db", "SELECT * FROM vault_values") == []
    assert len(rows(var / "tracker.db", "SELECT * FROM events")) == 2
