"""Start the action server and the Rasa server, wait until both answer, stop both together."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import yaml

from bot.settings import Project, process_env

READY_TIMEOUT_SECONDS = 240.0


class ServerError(Exception):
    """A server did not start or stopped unexpectedly."""


def render_endpoints(project: Project, actions_url: str) -> Path:
    """Write the endpoints file for this run: the action server URL, and var/ paths under ``project.var``."""
    config: Dict[str, Any] = yaml.safe_load(project.endpoints.read_text()) or {}
    config.setdefault("action_endpoint", {})["url"] = actions_url
    _move_sqlite_paths(config, project.var)
    project.ensure_var()
    target = project.run_dir / "endpoints.yml"
    target.write_text(yaml.safe_dump(config, sort_keys=False))
    return target


def _move_sqlite_paths(section: Any, var: Path) -> None:
    """Point every SQLite ``db: var/...`` (at any depth, e.g. inside a wrapped store) into ``var``."""
    if not isinstance(section, dict):
        return
    db = section.get("db")
    if section.get("dialect") == "sqlite" and isinstance(db, str) and db.startswith("var/"):
        section["db"] = str(var / db[len("var/"):])
    for value in section.values():
        _move_sqlite_paths(value, var)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class Servers:
    """The two server processes of one run."""

    project: Project
    model: Path
    host: str = "127.0.0.1"
    port: int = 5005
    actions_port: int = 5055
    debug: bool = False
    quiet: bool = False  # send the servers' output to var/logs/ instead of the terminal
    processes: List[subprocess.Popen] = field(default_factory=list)

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def actions_url(self) -> str:
        return f"http://{self.host}:{self.actions_port}"

    def start(self) -> None:
        """Start both servers and return once both answer HTTP requests."""
        endpoints = render_endpoints(self.project, f"{self.actions_url}/webhook")
        env = process_env({"FINBOT_VAR_DIR": str(self.project.var)})
        log_level = ["--debug"] if self.debug else []
        actions = [
            sys.executable, "-m", "bot.action_server", "--actions", "actions", "--host", self.host,
            "--port", str(self.actions_port), "--log-file", str(self.project.logs / "actions.log"), *log_level,
        ]
        rasa = [
            sys.executable, "-m", "rasa", "run",
            "--model", str(self.model),
            "--endpoints", str(endpoints),
            "--credentials", str(self.project.credentials),
            "--interface", self.host,
            "--port", str(self.port),
            "--log-file", str(self.project.logs / "rasa.log"),
            *log_level,
        ]
        for name, command in (("actions", actions), ("rasa", rasa)):
            output = open(self.project.logs / f"{name}.out", "ab") if self.quiet else None
            # A session of its own: Ctrl-C reaches us, and we stop the children in order.
            self.processes.append(subprocess.Popen(
                command, cwd=self.project.root, env=env, start_new_session=True,
                stdout=output, stderr=subprocess.STDOUT if output else None,
            ))
            if output:
                output.close()
        self._wait_ready(f"{self.actions_url}/health", "action server")
        self._wait_ready(f"{self.rasa_url}/", "Rasa server")

    def _wait_ready(self, url: str, name: str) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            for process in self.processes:
                if process.poll() is not None:
                    raise ServerError(f"{name} did not start: a server exited with status {process.returncode}")
            if _answers(url):
                return
            time.sleep(0.5)
        raise ServerError(f"{name} did not answer at {url} within {READY_TIMEOUT_SECONDS:.0f} s")

    def stop(self) -> None:
        """Stop both servers: SIGTERM, then SIGKILL after a grace period."""
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in reversed(self.processes):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()

    def wait(self) -> Optional[int]:
        """Block until a server exits; return its status."""
        while True:
            for process in self.processes:
                if process.poll() is not None:
                    return process.returncode
            time.sleep(0.5)


def stop_on_sigterm() -> None:
    """Make SIGTERM and SIGINT end the process like Ctrl-C does, so the servers it started are stopped too.

    SIGINT is set explicitly: a process started in the background by a
    non-interactive shell inherits it ignored, and Ctrl-C would then do nothing.
    """

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, interrupt)


@contextlib.contextmanager
def running(servers: Servers) -> Iterator[Servers]:
    """Start ``servers`` and stop them when the block ends, however it ends."""
    try:
        servers.start()
        yield servers
    finally:
        servers.stop()
