"""The anchor of the benchmarks: a stock ``rasa init`` bot, made, trained and started on this machine.

``rasa init --no-prompt`` writes Rasa's starter project (its moodbot: greet,
goodbye, mood, bot challenge) and trains it with Rasa's default pipeline and
policies. The project and its model are kept under ``var/bench/stock`` and made
again only when missing. It runs without an action server, with the REST
channel its ``credentials.yml`` turns on, offline (no telemetry).
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from bench.assistant import AssistantError, free_port
from bot.server import _answers
from bot.settings import process_env

REPO = Path(__file__).resolve().parents[1]
FOLDER = REPO / "var" / "bench" / "stock"
INIT_TIMEOUT_S = 1200.0
START_TIMEOUT_S = 300.0
# What the stock bot understands: its own training examples' kind of small talk.
SMALL_TALK = ("hi", "hello there", "good morning", "bye", "see you later", "I am happy", "great, thanks",
              "I am sad", "not good", "yes", "no", "are you a bot?")


@dataclass
class StockBot:
    process: subprocess.Popen
    url: str
    output: Path

    @property
    def webhook(self) -> str:
        return f"{self.url}/webhooks/rest/webhook"


def ensure_project(folder: Path = FOLDER) -> Path:
    """The stock project folder, with a trained model (``rasa init`` the first time: a few minutes)."""
    if not any((folder / "models").glob("*.tar.gz")):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        log = folder.parent / "stock-init.log"
        with open(log, "wb") as sink:
            done = subprocess.run([sys.executable, "-m", "rasa", "init", "--no-prompt", "--init-dir", str(folder)],
                                  cwd=folder, env=process_env(serving=True), stdout=sink, stderr=subprocess.STDOUT,
                                  timeout=INIT_TIMEOUT_S)
        if done.returncode != 0 or not any((folder / "models").glob("*.tar.gz")):
            raise AssistantError(f"rasa init failed (see {log})")
    return folder


@contextlib.contextmanager
def running(folder: Path = FOLDER) -> Iterator[StockBot]:
    """``rasa run`` on the stock project, as its README starts it, with the same environment as ours."""
    project = ensure_project(folder)
    port = free_port()
    output = project / "rasa-run.log"
    with open(output, "wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "rasa", "run", "--model", "models", "--port", str(port), "--interface",
             "127.0.0.1"], cwd=project, env=process_env(serving=True), stdout=sink, stderr=subprocess.STDOUT)
    bot = StockBot(process, f"http://127.0.0.1:{port}", output)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _answers(bot.url + "/"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssistantError(f"the stock rasa bot did not start (see {output})")
            time.sleep(0.5)
        yield bot
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
