"""Serving processes get one-thread TensorFlow and BLAS pools unless the operator set them; training keeps all."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

import pytest

from bot import server as server_module
from bot.server import Servers
from bot.settings import SERVING_THREADS_ENV, Project, process_env


@pytest.fixture(autouse=True)
def no_thread_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SERVING_THREADS_ENV:
        monkeypatch.delenv(name, raising=False)


def test_a_serving_environment_has_the_pools_and_others_do_not() -> None:
    assert {k: process_env(serving=True)[k] for k in SERVING_THREADS_ENV} == SERVING_THREADS_ENV
    assert not set(SERVING_THREADS_ENV) & set(process_env())


def test_the_operators_setting_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TF_INTRA_OP_PARALLELISM_THREADS", "2")
    assert process_env(serving=True)["TF_INTRA_OP_PARALLELISM_THREADS"] == "2"
    assert process_env(serving=True)["OMP_NUM_THREADS"] == "1"


def test_both_servers_start_with_the_serving_pools(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    started: List[Dict[str, Any]] = []

    class Recorded:
        def __init__(self, command: List[str], **kwargs: Any) -> None:
            started.append({"command": command, "env": kwargs["env"]})

    monkeypatch.setattr(server_module.subprocess, "Popen", Recorded)
    monkeypatch.setattr(Servers, "_wait_ready", lambda self, url, name: None)
    project = Project(Path(__file__).resolve().parents[1], var=tmp_path / "var")
    Servers(project, tmp_path / "model.tar.gz").start()
    assert [entry["command"][2] for entry in started] == ["bot.action_server", "bot.rasa_launcher"]
    for entry in started:
        assert {k: entry["env"][k] for k in SERVING_THREADS_ENV} == SERVING_THREADS_ENV
