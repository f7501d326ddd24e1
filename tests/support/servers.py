"""Start the real assistant (``finbot run``) for a test: free ports, a temporary var/, network guarded."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence

import yaml

from bot.channels.auth import ALL_SCOPES, Principal, Pseudonyms, local_secret, mint

ROOT = Path(__file__).resolve().parents[2]
NETGUARD_SITE = Path(__file__).resolve().parent / "netguard_site"
FINBOT = Path(sys.executable).with_name("finbot")
START_TIMEOUT = 420.0  # includes training on a fresh clone


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@functools.cache
def _pseudonyms(var_dir: str) -> Pseudonyms:
    from bot.privacy import Redactor  # spaCy: loaded by the tests that ask, once

    return Pseudonyms.for_deployment(var_dir, Redactor().detect)


@dataclass
class RunningAssistant:
    process: subprocess.Popen
    rasa_url: str
    actions_url: str
    var_dir: Path
    output: Path
    netguard_log: Path

    def post(self, path: str, body: Any, timeout: float = 30.0) -> Any:
        request = urllib.request.Request(
            self.rasa_url + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())

    def say(self, sender: str, message: str) -> List[Dict[str, Any]]:
        reply: List[Dict[str, Any]] = self.post("/webhooks/rest/webhook", {"sender": sender, "message": message})
        return reply

    def token(self, subject: str, scopes: Sequence[str] = ALL_SCOPES, ttl_seconds: float = 600) -> str:
        """A bearer token for the app channel, signed with this run's local secret (as ``finbot token``)."""
        return mint(subject, local_secret(str(self.var_dir)), scopes=scopes, ttl_seconds=ttl_seconds)

    def conversation_of(self, subject: str) -> str:
        """The conversation id this run's channels store for a token's ``subject`` (``app:<sub>``, or
        ``app:~<pseudonym>`` for a subject the privacy engine takes for an identifier)."""
        return Principal(subject, frozenset(), 0.0, _pseudonyms(str(self.var_dir)).of(subject)).conversation

    def read_output(self) -> str:
        return self.output.read_text(errors="replace") if self.output.exists() else ""


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def project_copy(folder: Path, credentials: Callable[[Dict[str, Any]], None]) -> Dict[str, str]:
    """A project in ``folder`` like this one (its files linked, the same model) but for its ``credentials.yml``,
    which ``credentials`` changes; the environment that makes ``finbot run`` use it."""
    folder.mkdir()
    for name in ("config.yml", "domain", "data", "endpoints.yml", "actions"):
        (folder / name).symlink_to(ROOT / name)
    settings = yaml.safe_load((ROOT / "credentials.yml").read_text())
    credentials(settings)
    (folder / "credentials.yml").write_text(yaml.safe_dump(settings))
    return {"FINBOT_PROJECT_DIR": str(folder),
            "FINBOT_MODELS_DIR": os.environ.get("FINBOT_MODELS_DIR") or str(ROOT / "models")}


@contextlib.contextmanager
def run_assistant(
    tmp: Path, extra_env: Optional[Dict[str, str]] = None, run_args: Sequence[str] = ()
) -> Iterator[RunningAssistant]:
    """``finbot run`` on free ports with ``tmp/var`` as runtime state; stopped with Ctrl-C at the end."""
    port, actions_port = free_port(), free_port()
    var_dir = tmp / "var"
    output = tmp / "finbot-run.log"
    netguard_log = tmp / "netguard.log"
    env = dict(os.environ)
    env.update({
        "PYTHONPATH": os.pathsep.join(filter(None, [str(NETGUARD_SITE), str(ROOT), env.get("PYTHONPATH", "")])),
        "FINBOT_NETGUARD_LOG": str(netguard_log),
        "PYTHONUNBUFFERED": "1",
        # uvloop connects in C, past the guard: use asyncio's loop so every attempt is seen.
        "SANIC_NO_UVLOOP": "true",
    })
    env.update(extra_env or {})
    command = [
        str(FINBOT), "--var-dir", str(var_dir), "run", "--port", str(port), "--actions-port", str(actions_port),
        *run_args,
    ]
    with open(output, "wb") as sink:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)
    assistant = RunningAssistant(
        process, f"http://127.0.0.1:{port}", f"http://127.0.0.1:{actions_port}", var_dir, output, netguard_log
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while "finbot is ready" not in assistant.read_output():
            if process.poll() is not None:
                raise RuntimeError(f"finbot run exited with {process.returncode}:\n{assistant.read_output()[-4000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"finbot run not ready in {START_TIMEOUT:.0f} s:\n{assistant.read_output()[-4000:]}")
            time.sleep(0.5)
        yield assistant
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # what a service manager does; Ctrl-C takes the same path
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        orphans = _children_alive(var_dir)
        if orphans:
            subprocess.run(["pkill", "-f", str(var_dir)], check=False)
            raise RuntimeError(f"finbot run left servers running: {orphans}")


def _children_alive(var_dir: Path, wait: float = 20.0) -> List[str]:
    """The command lines of processes still running with ``var_dir`` in them, after up to ``wait`` s."""
    deadline = time.monotonic() + wait
    while True:
        found = subprocess.run(["pgrep", "-af", str(var_dir)], capture_output=True, text=True).stdout.splitlines()
        found = [line for line in found if "pgrep" not in line]
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.5)
