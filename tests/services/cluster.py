"""Two Rasa servers and two action servers on shared services, as in deploy/, for the scale-out test.

Each Rasa server has its own action server (as two machines would, each
running a pair); both pairs share the PostgreSQL tracker store, vault and
placeholder numbering (a database of the test's own), the Redis lock store (a
key prefix of the test's own) and the RabbitMQ broker (a queue and exchange of
the test's own), and one master key. The servers are started directly, as
``bot/server.py`` starts them, with outbound connections guarded. They get the
deployment's Redis as ``FINBOT_REDIS_*``, as deploy/ gives it: the action
servers' replay cache and the app channel's idempotency keys live there.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple
from urllib.parse import unquote, urlparse, urlunparse

import sqlalchemy as sa
import yaml

from bot.settings import process_env
from tests.support.servers import NETGUARD_SITE, ROOT, free_port

READY_TIMEOUT = 300.0  # two Rasa servers loading on two cores at once
# Production logs at INFO by default. FINBOT_SCALE_OUT_DEBUG=1 logs at DEBUG (every message, tracker and
# action call is then logged, and redacted): the leak search is harder, the run about twice as long.
DEBUG_LOGS = os.environ.get("FINBOT_SCALE_OUT_DEBUG") == "1"
CREDENTIALS = {
    "bot.channels.rest.RedactingRestInput": {"policy": None},
    # As in deploy/credentials.yml: tokens signed with $FINBOT_JWT_SECRET, no secret derived from the master key.
    "bot.channels.app.AppInput": {"policy": None, "jwt_secret_env": "FINBOT_JWT_SECRET", "jwt_secret_fallback": False},
}


def database_url(server_url: str, database: str) -> str:
    """``server_url`` (a PostgreSQL URL) naming ``database`` instead of its own."""
    parsed = urlparse(server_url)
    return urlunparse(parsed._replace(path=f"/{database}"))


@contextlib.contextmanager
def fresh_database(server_url: str, name: str) -> Iterator[str]:
    """A new, empty PostgreSQL database; dropped at the end, with whatever connections are left."""
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT", future=True)
    try:
        with admin.connect() as db:
            db.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield database_url(server_url, name)
    finally:
        with admin.connect() as db:
            db.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def dump_database(url: str) -> str:
    """Every row of every table as text; bytes as Latin-1, JSON text also decoded (escapes as typed)."""
    engine = sa.create_engine(url, future=True)
    lines: List[str] = []
    try:
        with engine.connect() as db:
            for table in sa.inspect(db).get_table_names():
                for row in db.execute(sa.text(f'SELECT * FROM "{table}"')):
                    for value in row:
                        lines.append(_as_text(value))
    finally:
        engine.dispose()
    return "\n".join(lines)


def _as_text(value: Any) -> str:
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).decode("latin-1")
    text = str(value)
    if text[:1] in "{[":
        with contextlib.suppress(ValueError):
            return text + "\n" + json.dumps(json.loads(text), ensure_ascii=False)
    return text


@dataclass
class Pair:
    """One Rasa server and its action server: their URLs, var folder and output."""

    name: str
    var: Path
    rasa_port: int = field(default_factory=free_port)
    actions_port: int = field(default_factory=free_port)
    processes: List[subprocess.Popen] = field(default_factory=list)

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def actions_url(self) -> str:
        return f"http://127.0.0.1:{self.actions_port}"

    def say(self, sender: str, message: str, timeout: float = 60.0) -> List[Dict[str, Any]]:
        request = urllib.request.Request(
            f"{self.rasa_url}/webhooks/rest/webhook", data=json.dumps({"sender": sender, "message": message}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            reply: List[Dict[str, Any]] = json.loads(response.read())
            return reply

    def app_say(self, token: str, message: str, key: str, timeout: float = 60.0) -> Tuple[int, Dict[str, str], Any]:
        """The app channel's ``POST /webhook`` with a bearer token and an Idempotency-Key: status, headers (names
        in lower case), body."""
        request = urllib.request.Request(
            f"{self.rasa_url}/webhooks/app/webhook", data=json.dumps({"message": message}).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}", "Idempotency-Key": key},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, _lower(response.headers.items()), json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, _lower(error.headers.items()), json.loads(error.read())

    def logs(self) -> Dict[str, str]:
        """Every file the pair wrote under its var folder's logs (log files and console output)."""
        return {f"{self.name} {path.name}": path.read_text(errors="replace")
                for path in sorted((self.var / "logs").glob("*")) if path.is_file()}


def _lower(headers: Any) -> Dict[str, str]:
    return {name.lower(): value for name, value in headers}


def start_pair(pair: Pair, model: Path, endpoints: Dict[str, Any], env: Dict[str, str]) -> None:
    """Start the pair's action server and Rasa server (not waiting for them)."""
    logs = pair.var / "logs"
    logs.mkdir(parents=True)
    endpoints = {**endpoints, "action_endpoint": {"url": f"{pair.actions_url}/webhook"}}
    log_level = ["--debug"] if DEBUG_LOGS else []
    (pair.var / "endpoints.yml").write_text(yaml.safe_dump(endpoints, sort_keys=False))
    (pair.var / "credentials.yml").write_text(yaml.safe_dump(CREDENTIALS))
    commands = {
        "actions": [sys.executable, "-m", "bot.action_server", "--actions", "actions", "--host", "127.0.0.1",
                    "--port", str(pair.actions_port), "--log-file", str(logs / "actions.log"), *log_level],
        "rasa": [sys.executable, "-m", "bot.rasa_launcher", "run", "--model", str(model),
                 "--endpoints", str(pair.var / "endpoints.yml"), "--credentials", str(pair.var / "credentials.yml"),
                 "--interface", "127.0.0.1", "--port", str(pair.rasa_port), "--log-file", str(logs / "rasa.log"),
                 *log_level],
    }
    for name, command in commands.items():
        with open(logs / f"{name}.out", "wb") as output:
            pair.processes.append(subprocess.Popen(
                command, cwd=ROOT, env={**env, "FINBOT_VAR_DIR": str(pair.var)}, stdout=output,
                stderr=subprocess.STDOUT, start_new_session=True,
            ))


def server_env(vault_url: str, vault_key: str, netguard_log: Path, redis_url: str, jwt_secret: str) -> Dict[str, str]:
    """The environment of every server: offline settings, the shared vault, key, Redis and JWT secret, the
    network guard."""
    redis = urlparse(redis_url)
    return process_env({
        "FINBOT_PROJECT_DIR": str(ROOT),
        "FINBOT_VAULT_URL": vault_url,
        "FINBOT_VAULT_KEY": vault_key,
        "FINBOT_REDIS_HOST": redis.hostname or "127.0.0.1",
        "FINBOT_REDIS_PORT": str(redis.port or 6379),
        "FINBOT_REDIS_DB": redis.path.lstrip("/") or "0",
        "FINBOT_REDIS_PASSWORD": unquote(redis.password or ""),
        "FINBOT_JWT_SECRET": jwt_secret,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(NETGUARD_SITE), str(ROOT), os.environ.get("PYTHONPATH")])),
        "FINBOT_NETGUARD_LOG": str(netguard_log),
        "PYTHONUNBUFFERED": "1",
        "SANIC_NO_UVLOOP": "true",  # asyncio's loop, so the guard sees every connection attempt
    })


def wait_ready(pairs: List[Pair]) -> None:
    """Return once every server answers; fail naming the one that exited or stayed silent."""
    deadline = time.monotonic() + READY_TIMEOUT
    waiting = {f"{p.actions_url}/health": p for p in pairs} | {f"{p.rasa_url}/": p for p in pairs}
    while waiting:
        for url, pair in list(waiting.items()):
            for process in pair.processes:
                if process.poll() is not None:
                    tail = "\n".join(text[-2000:] for text in pair.logs().values())
                    raise RuntimeError(f"a server of {pair.name} exited with {process.returncode}:\n{tail}")
            if _answers(url):
                del waiting[url]
        if time.monotonic() > deadline:
            raise RuntimeError(f"not ready in {READY_TIMEOUT:.0f} s: {sorted(waiting)}")
        time.sleep(0.5)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def stop_pairs(pairs: List[Pair]) -> None:
    """SIGTERM every server this test started (Rasa first), SIGKILL after a grace period."""
    processes = [p for pair in pairs for p in reversed(pair.processes)]
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
