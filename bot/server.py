"""Start the action server and the Rasa server, wait until both answer, stop both together."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import yaml

from bot.clock import SYSTEM_CLOCK, Clock
from bot.settings import Project, move_sqlite_paths, process_env

READY_TIMEOUT_SECONDS = 240.0
# A server that stops on its own is restarted, at most RESTART_LIMIT times within RESTART_WINDOW_SECONDS;
# past that something is wrong that a restart does not mend (a port taken, a broken model): give up.
RESTART_LIMIT = 3
RESTART_WINDOW_SECONDS = 600.0


class ServerError(Exception):
    """A server did not start or stopped unexpectedly."""


def render_endpoints(project: Project, actions_url: str) -> Path:
    """Write the endpoints file for this run: the action server URL, and var/ paths under ``project.var``."""
    config: Dict[str, Any] = yaml.safe_load(project.endpoints.read_text()) or {}
    config.setdefault("action_endpoint", {})["url"] = actions_url
    move_sqlite_paths(config, project.var)
    project.ensure_var()
    target = project.run_dir / "endpoints.yml"
    target.write_text(yaml.safe_dump(config, sort_keys=False))
    return target


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _model_loaded(rasa_url: str) -> bool:
    """False when a channel's health (REST's, else the app channel's) says Rasa holds no model; True otherwise."""
    for channel in ("rest", "app"):
        try:
            with urllib.request.urlopen(f"{rasa_url}/webhooks/{channel}/", timeout=5):
                return True
        except urllib.error.HTTPError as error:
            if error.code == 503:
                return False
        except (urllib.error.URLError, OSError):
            continue
    return True


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
    # Rasa's HTTP API (--enable-api), protected by this token; None: the API is off.
    api_token: Optional[str] = None
    # The demo customer's token (bot.demo): the widget's demo page embeds it; None: no demo customer.
    demo_token_file: Optional[Path] = None
    # Origins whose pages may call the Rasa server (Rasa's --cors; socket.io included); none by default.
    cors: Sequence[str] = ()
    processes: List[subprocess.Popen] = field(default_factory=list)
    restart_limit: int = RESTART_LIMIT
    restart_window_seconds: float = RESTART_WINDOW_SECONDS
    clock: Clock = SYSTEM_CLOCK  # times the restart window (the waits for the processes are real: they run)
    # Each server's environment, to restart it as it was started ("actions", "rasa": the order of processes).
    _environments: List[Dict[str, str]] = field(default_factory=list, init=False, repr=False)

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def actions_url(self) -> str:
        return f"http://{self.host}:{self.actions_port}"

    def start(self) -> None:
        """Start both servers and return once both answer HTTP requests."""
        endpoints = render_endpoints(self.project, f"{self.actions_url}/webhook")
        env = process_env({"FINBOT_VAR_DIR": str(self.project.var)}, serving=True)
        log_level = ["--debug"] if self.debug else []
        actions = [
            sys.executable, "-m", "bot.action_server", "--actions", "actions", "--host", self.host,
            "--port", str(self.actions_port), "--log-file", str(self.project.logs / "actions.log"), *log_level,
        ]
        # Through the launcher: it installs the patches the Rasa process needs (bot.patches) before Rasa starts.
        rasa = [
            sys.executable, "-m", "bot.rasa_launcher", "run",
            "--model", str(self.model),
            "--endpoints", str(endpoints),
            "--credentials", str(self.project.credentials),
            "--interface", self.host,
            "--port", str(self.port),
            "--log-file", str(self.project.logs / "rasa.log"),
            *log_level,
            *(["--cors", *self.cors] if self.cors else []),
        ]
        from bot.demo import DEMO_TOKEN_FILE_ENV
        from bot.rasa_launcher import API_TOKEN_ENV

        env.pop(API_TOKEN_ENV, None)  # only Rasa, and only with the API on, gets the token
        env.pop(DEMO_TOKEN_FILE_ENV, None)
        rasa_env = env if self.demo_token_file is None else {**env, DEMO_TOKEN_FILE_ENV: str(self.demo_token_file)}
        if self.api_token:
            # The token goes through the environment, not the command line that `ps` shows
            # (bot.rasa_launcher hands it to Rasa inside the process).
            rasa = [*rasa, "--enable-api"]
            rasa_env = {**rasa_env, API_TOKEN_ENV: self.api_token}
        for name, command in (("actions", actions), ("rasa", rasa)):
            output = open(self.project.logs / f"{name}.out", "ab") if self.quiet else None
            # A session of its own: Ctrl-C reaches us, and we stop the children in order.
            self.processes.append(subprocess.Popen(
                command, cwd=self.project.root, env=rasa_env if name == "rasa" else env, start_new_session=True,
                stdout=output, stderr=subprocess.STDOUT if output else None,
            ))
            if output:
                output.close()
        self._environments = [env, rasa_env]
        self._wait_ready(f"{self.actions_url}/health", "action server")
        self._wait_ready(f"{self.rasa_url}/", "Rasa server")
        # Rasa loads the model before it listens, and listens even when the model did not load.
        if not _model_loaded(self.rasa_url):
            raise ServerError(f"the Rasa server started without a model: {self.model} could not be loaded (see "
                              f"{self.project.logs / 'rasa.log'}); delete it and start again to train it anew")

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
                # Each server leads a session of its own: kill it with anything it started.
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes.clear()

    def wait(self) -> Optional[int]:
        """Block while the servers run, restarting one that stops on its own; never returns normally.

        A server that stopped is started again with the same command and
        environment, and this waits until it answers (Rasa reads each
        conversation back from the tracker store). Raises ServerError when one
        server stopped more than ``restart_limit`` times within
        ``restart_window_seconds``, or did not come back.
        """
        stops: Dict[int, List[float]] = {}
        while True:
            for index, process in enumerate(self.processes):
                if process.poll() is None:
                    continue
                name, url = self._server(index)
                now = self.clock.monotonic()
                recent = [at for at in stops.get(index, []) if now - at < self.restart_window_seconds] + [now]
                stops[index] = recent
                if len(recent) > self.restart_limit:
                    raise ServerError(
                        f"the {name} stopped {len(recent)} times within {self.restart_window_seconds / 60:g} "
                        f"minutes ({exit_description(process.returncode)}); not restarting it again"
                    )
                notify(f"the {name} stopped ({exit_description(process.returncode)}); restarting it "
                       f"(restart {len(recent)} of at most {self.restart_limit} in "
                       f"{self.restart_window_seconds / 60:g} minutes) ...")
                self._restart(index)
                self._wait_ready(url, name)
                notify(f"the {name} is back.")
            time.sleep(0.5)

    def _server(self, index: int) -> Tuple[str, str]:
        """The name and readiness URL of the server at ``index`` of ``processes``."""
        return ("action server", f"{self.actions_url}/health") if index == 0 else ("Rasa server", f"{self.rasa_url}/")

    def _restart(self, index: int) -> None:
        """Start the server at ``index`` again, as ``start`` did."""
        stopped = self.processes[index]
        output = open(self.project.logs / f"{('actions', 'rasa')[index]}.out", "ab") if self.quiet else None
        self.processes[index] = subprocess.Popen(
            stopped.args, cwd=self.project.root, env=self._environments[index], start_new_session=True,
            stdout=output, stderr=subprocess.STDOUT if output else None,
        )
        if output:
            output.close()


def exit_description(status: Optional[int]) -> str:
    """How a process ended, for an operator: "killed by SIGKILL", "exit status 1"."""
    if status is not None and status < 0:
        try:
            return f"killed by {signal.Signals(-status).name}"
        except ValueError:
            return f"killed by signal {-status}"
    return f"exit status {status}"


def notify(message: str) -> None:
    """Tell the operator (standard error: the terminal, or the service manager's log)."""
    print(message, file=sys.stderr, flush=True)


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
