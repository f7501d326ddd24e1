"""``finbot run`` restarts a server that stops on its own, a bounded number of times."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

from bot.clock import FakeClock
from bot.server import ServerError, Servers, exit_description
from bot.settings import Project, process_env


class AnswersAtOnce(Servers):
    """Servers whose readiness check passes at once: the processes here serve no HTTP."""

    def _wait_ready(self, url: str, name: str) -> None:
        return None


def test_a_server_that_keeps_stopping_is_restarted_up_to_the_limit_then_given_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = Project(root=tmp_path, var=tmp_path / "var")
    project.ensure_var()
    starts = tmp_path / "starts"
    crashing = [sys.executable, "-c", f"open({str(starts)!r}, 'a').write('started\\n'); raise SystemExit(3)"]
    sleeping = [sys.executable, "-c", "import time; time.sleep(120)"]
    servers = AnswersAtOnce(project, tmp_path / "model.tar.gz", restart_limit=2, restart_window_seconds=60)
    env = process_env()
    servers.processes = [subprocess.Popen(crashing, env=env), subprocess.Popen(sleeping, env=env)]
    servers._environments = [env, env]
    try:
        with pytest.raises(ServerError) as raised:
            servers.wait()
        assert "action server stopped 3 times" in str(raised.value) and "exit status 3" in str(raised.value)
        assert starts.read_text().count("started") == 3  # the first start and two restarts
        assert servers.processes[1].poll() is None  # the other server was left alone
        told = capsys.readouterr().err
        assert "the action server stopped (exit status 3); restarting it (restart 1 of at most 2" in told
        assert "the action server is back." in told
    finally:
        servers.stop()
    assert servers.processes == []


class Enough(Exception):
    """Raised by the test to leave ``Servers.wait``, which never returns on its own."""


def test_stops_further_apart_than_the_window_are_restarted_every_time(tmp_path: Path) -> None:
    project = Project(root=tmp_path, var=tmp_path / "var")
    project.ensure_var()
    clock = FakeClock()
    restarts: List[float] = []

    class StopsAMinuteApart(Servers):
        def _wait_ready(self, url: str, name: str) -> None:
            restarts.append(clock.monotonic())
            if len(restarts) == 2:  # past the limit: each stop was alone in its window
                raise Enough()
            clock.advance(61)  # the next stop comes after the window of this one has passed

    crashing = [sys.executable, "-c", "raise SystemExit(3)"]
    sleeping = [sys.executable, "-c", "import time; time.sleep(120)"]
    servers = StopsAMinuteApart(project, tmp_path / "model.tar.gz", restart_limit=1, restart_window_seconds=60,
                                clock=clock)
    env = process_env()
    servers.processes = [subprocess.Popen(crashing, env=env), subprocess.Popen(sleeping, env=env)]
    servers._environments = [env, env]
    try:
        with pytest.raises(Enough):
            servers.wait()
        assert len(restarts) == 2 and servers.processes[1].poll() is None
    finally:
        servers.stop()


@pytest.mark.parametrize("status, described", [
    (-signal.SIGKILL, "killed by SIGKILL"), (-signal.SIGTERM, "killed by SIGTERM"), (1, "exit status 1"),
    (0, "exit status 0"),
])
def test_how_a_server_ended_is_told_plainly(status: int, described: str) -> None:
    assert exit_description(status) == described
