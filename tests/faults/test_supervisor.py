"""``finbot run`` restarts a server that stops on its own, a bounded number of times."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

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


@pytest.mark.parametrize("status, described", [
    (-signal.SIGKILL, "killed by SIGKILL"), (-signal.SIGTERM, "killed by SIGTERM"), (1, "exit status 1"),
    (0, "exit status 0"),
])
def test_how_a_server_ended_is_told_plainly(status: int, described: str) -> None:
    assert exit_description(status) == described
