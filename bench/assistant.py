"""Start the real assistant (``finbot run``) for a benchmark: free loopback ports, a var/ folder of its own.

Unlike the test harness (``tests/support/servers.py``), no network guard and no
change of event loop: the servers run as ``make run`` runs them, so the
figures are those of the product.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, List

from bot.runtime import UNSAFE_ENV
from bot.settings import process_env

REPO = Path(__file__).resolve().parents[1]
FINBOT = Path(sys.executable).with_name("finbot")
READY_LINE = "finbot is ready"
START_TIMEOUT_S = 420.0  # includes training, should the model's inputs have changed
STOP_TIMEOUT_S = 40.0


class AssistantError(RuntimeError):
    """The assistant did not start, or did not stop."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Assistant:
    """A running ``finbot run``: its REST URL, its var/ folder and its output file."""

    process: subprocess.Popen
    url: str
    var_dir: Path
    output: Path
    redaction: bool

    @property
    def webhook(self) -> str:
        return f"{self.url}/webhooks/rest/webhook"

    @property
    def tracker_db(self) -> Path:
        return self.var_dir / "tracker.db"

    def read_output(self) -> str:
        return self.output.read_text(errors="replace") if self.output.exists() else ""


def start(folder: Path, redaction: bool = True) -> Assistant:
    """Start ``finbot run`` with ``folder/var`` as its state; with ``redaction=False`` the unsafe baseline.

    Returns once it prints that it is ready; raises AssistantError (and stops it) otherwise.
    """
    folder.mkdir(parents=True, exist_ok=True)
    port, actions_port = free_port(), free_port()
    var_dir, output = folder / "var", folder / "finbot-run.log"
    env = process_env({"PYTHONUNBUFFERED": "1"})
    env.pop(UNSAFE_ENV, None)
    if not redaction:
        env[UNSAFE_ENV] = "1"
    command = [str(FINBOT), "--var-dir", str(var_dir), "run", "--port", str(port), "--actions-port", str(actions_port)]
    with open(output, "wb") as sink:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=sink, stderr=subprocess.STDOUT)
    assistant = Assistant(process, f"http://127.0.0.1:{port}", var_dir, output, redaction)
    deadline = time.monotonic() + START_TIMEOUT_S
    while READY_LINE not in assistant.read_output():
        if process.poll() is not None or time.monotonic() > deadline:
            stop(assistant)
            raise AssistantError(f"finbot run did not start (see {output})")
        time.sleep(0.5)
    return assistant


def stop(assistant: Assistant) -> None:
    """Stop it as a service manager would (SIGTERM; SIGKILL after a grace period) and check nothing is left."""
    process = assistant.process
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    left = _left_running(assistant.var_dir)
    for pid in left:  # only ours: their command line names this run's own temporary var/ folder
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    if left:
        raise AssistantError(f"finbot run left {len(left)} server process(es) running; they were killed")


def _left_running(var_dir: Path, wait_s: float = 20.0) -> List[int]:
    """The ids of processes still running with ``var_dir`` in their command line, after up to ``wait_s``."""
    deadline = time.monotonic() + wait_s
    while True:
        found = subprocess.run(["pgrep", "-f", str(var_dir)], capture_output=True, text=True).stdout.split()
        pids = [int(pid) for pid in found if int(pid) != os.getpid()]
        if not pids or time.monotonic() > deadline:
            return pids
        time.sleep(0.5)


@contextlib.contextmanager
def running(folder: Path, redaction: bool = True) -> Iterator[Assistant]:
    """``start`` … ``stop`` around a block."""
    assistant = start(folder, redaction)
    try:
        yield assistant
    finally:
        stop(assistant)
