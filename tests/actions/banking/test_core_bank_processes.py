"""Two processes on one bank file: a new customer is created once, and no account is overdrawn."""

from __future__ import annotations

import os
import select
import sqlite3
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import List

from actions.banking.core_bank import CoreBank
from tests.actions.banking.support import NOW, ROOT

# Each process says it is ready and waits for the word to start (both are then up: no head start), then pays
# £5 to the customer's first payee, ATTEMPTS times, pausing between payments so that the two interleave.
WORKER = """
import sys, time
from datetime import datetime
from decimal import Decimal
from actions.banking.core_bank import CoreBank
from actions.banking.errors import InsufficientFunds
path, user, attempts = sys.argv[1], sys.argv[2], int(sys.argv[3])
bank = CoreBank(path, clock=lambda: datetime(2025, 11, 14, 12, 30))
print("ready", flush=True)
if sys.stdin.readline() != "go\\n":
    sys.exit("no go")
payee = bank.payees(user)[0].id
paid = 0
for _ in range(attempts):
    try:
        bank.pay_payee(user, "current", payee, Decimal("5"))
        paid += 1
    except InsufficientFunds:
        pass
    time.sleep(0.005)  # let the other process in: SQLite's lock is not fair
print(paid)
"""
ATTEMPTS = 30
START_TIMEOUT_SECONDS = 60.0


def ready(worker: subprocess.Popen) -> None:
    """Wait (at most START_TIMEOUT_SECONDS) for ``worker`` to say it is ready."""
    assert worker.stdout is not None
    readable, _, _ = select.select([worker.stdout], [], [], START_TIMEOUT_SECONDS)
    line = worker.stdout.readline() if readable else ""
    if line != "ready\n":
        worker.kill()
        raise AssertionError(f"a worker did not start: {line!r} {worker.communicate()[1][-2000:]}")


def race(path: Path, user: str) -> List[int]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, str(path), user, str(ATTEMPTS)],
                                cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
               for _ in range(2)]
    for worker in workers:
        ready(worker)
    for worker in workers:  # both are waiting on their stdin: they start together
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.flush()
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err[-2000:]
        results.append(int(out.strip()))
    return results


def test_two_processes_create_a_new_customer_once(tmp_path: Path) -> None:
    path = tmp_path / "bank.db"
    CoreBank(path, clock=lambda: NOW)  # an empty bank: the customer is created by the racing processes
    paid = race(path, "user-first-seen-in-two-processes")
    bank = CoreBank(path, clock=lambda: NOW)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT COUNT(*) FROM customers").fetchone()[0] == 1
    payments = [t for t in bank.transactions("user-first-seen-in-two-processes") if t.kind == "payment"]
    assert len(payments) == sum(paid)


def test_two_processes_never_overdraw_an_account(tmp_path: Path) -> None:
    path = tmp_path / "bank.db"
    bank = CoreBank(path, clock=lambda: NOW)
    user = "user-racing"
    bank.accounts(user)
    with sqlite3.connect(path) as db:  # exactly 20 payments of £5 fit
        db.execute("UPDATE accounts SET balance_pence = 10000 WHERE id = ?", (bank.account(user, "current").id,))
    paid = race(path, user)
    assert sum(paid) == 20
    assert bank.account(user, "current").balance == Decimal("0.00")
    assert len([t for t in bank.transactions(user) if t.kind == "payment"]) == 20
