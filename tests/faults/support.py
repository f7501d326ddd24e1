"""Helpers for the fault tests: the servers' processes, a database held locked, the tracker's rows."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

from tests.support.servers import RunningAssistant

SERVER_START_SECONDS = 240.0
ACTION_TIMEOUT_SECONDS = 3.0  # the shared assistant's (the default is 10 s)


def texts(reply: List[Dict[str, Any]]) -> List[str]:
    return [str(message.get("text", "")) for message in reply]


def server_pid(assistant: RunningAssistant, module: str) -> int:
    """The process id of one of the run's servers: ``module`` is "bot.action_server" or "bot.rasa_launcher"."""
    pattern = f"-m {module} .*{assistant.var_dir}"
    found = subprocess.run(["pgrep", "-f", "--", pattern], capture_output=True, text=True).stdout.split()
    assert len(found) == 1, f"expected one process matching {pattern!r}, found {found}"
    return int(found[0])


def kill(assistant: RunningAssistant, module: str, signum: signal.Signals = signal.SIGKILL) -> int:
    pid = server_pid(assistant, module)
    os.kill(pid, signum)
    return pid


def wait_for_output(assistant: RunningAssistant, text: str, after: int, timeout: float = SERVER_START_SECONDS) -> None:
    """Wait until ``text`` appears in ``finbot run``'s output after character ``after``."""
    deadline = time.monotonic() + timeout
    while text not in assistant.read_output()[after:]:
        assert assistant.process.poll() is None, f"finbot run exited:\n{assistant.read_output()[-3000:]}"
        assert time.monotonic() < deadline, f"no {text!r} in {timeout:.0f} s:\n{assistant.read_output()[-3000:]}"
        time.sleep(0.5)


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@contextlib.contextmanager
def locked(database: Path) -> Iterator[None]:
    """Hold ``database`` (SQLite) in an exclusive transaction, as another process writing to it would."""
    connection = sqlite3.connect(str(database), isolation_level=None, timeout=30)
    try:
        connection.execute("BEGIN EXCLUSIVE")
        yield
    finally:
        connection.execute("ROLLBACK")
        connection.close()


@contextlib.contextmanager
def replaced(database: Path) -> Iterator[None]:
    """``database`` replaced by a file that is not a database; the original put back at the end."""
    aside = database.with_name(database.name + ".aside")
    database.rename(aside)
    try:
        database.write_bytes(b"this is not a database, whatever its name says\n" * 200)
        yield
    finally:
        database.unlink()
        aside.rename(database)


def tracker_rows(assistant: RunningAssistant, sender: str) -> List[Tuple[str, Dict[str, Any]]]:
    """The conversation's events as the tracker store holds them, in order: (type, the event as stored)."""
    connection = sqlite3.connect(f"file:{assistant.var_dir / 'tracker.db'}?mode=ro", uri=True, timeout=30)
    try:
        rows = connection.execute(
            "SELECT type_name, data FROM events WHERE sender_id = ? ORDER BY id", (sender,)
        ).fetchall()
    finally:
        connection.close()
    return [(kind, json.loads(data)) for kind, data in rows]
