"""Training is keyed by a hash of its inputs; the endpoints file is rendered into var/."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, List

import pytest
import yaml

from bot.server import render_endpoints
from bot.settings import Project, ProjectError
from bot.training import inputs_hash, model_path, training_inputs

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def project(tmp_path: Path) -> Project:
    for name in ("config.yml", "endpoints.yml", "credentials.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "domain", tmp_path / "domain")
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return Project.locate(tmp_path)


def test_inputs_are_config_domain_and_data(project: Project) -> None:
    names = {p.relative_to(project.root).as_posix() for p in training_inputs(project)}
    assert {"config.yml", "domain/core.yml", "data/rules/core.yml", "data/nlu/chitchat.yml"} <= names


def test_hash_is_stable_and_follows_every_input(project: Project) -> None:
    first = inputs_hash(project)
    assert inputs_hash(project) == first
    (project.data / "nlu" / "chitchat.yml").write_text(
        (project.data / "nlu" / "chitchat.yml").read_text() + "      - hi again\n"
    )
    second = inputs_hash(project)
    assert second != first
    (project.root / "config.yml").write_text((project.root / "config.yml").read_text() + "\n# note\n")
    assert inputs_hash(project) != second


def test_hash_ignores_files_that_do_not_train(project: Project) -> None:
    first = inputs_hash(project)
    (project.root / "endpoints.yml").write_text("# changed\n")
    (project.data / "notes.txt").write_text("not training data")
    assert inputs_hash(project) == first


def test_model_is_named_by_the_hash(project: Project) -> None:
    assert model_path(project).name == f"finbot-{inputs_hash(project)}.tar.gz"


def test_rendered_endpoints_point_at_var_and_the_action_port(project: Project, tmp_path: Path) -> None:
    project = Project.locate(project.root, tmp_path / "state")
    rendered = yaml.safe_load(render_endpoints(project, "http://127.0.0.1:6001/webhook").read_text())
    assert rendered["action_endpoint"]["url"] == "http://127.0.0.1:6001/webhook"
    assert rendered["tracker_store"]["store"]["db"] == str(tmp_path / "state" / "tracker.db")
    assert rendered["event_broker"]["broker"]["db"] == str(tmp_path / "state" / "events.db")
    assert (tmp_path / "state").stat().st_mode & 0o777 == 0o700


def test_a_folder_without_config_is_not_a_project(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="not a finbot project"):
        Project.locate(tmp_path)


def test_hash_follows_the_nlu_components_code(project: Project, monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    from bot import training

    first = inputs_hash(project)
    changed = tmp_path / "extractors.py"
    changed.write_text("# another version of a component\n")
    sources = training.component_sources()
    monkeypatch.setattr(training, "component_sources", lambda: [*sources, changed])
    assert inputs_hash(project) != first


def test_a_failed_training_says_so_in_a_line_after_rasas_error_without_a_traceback(project: Project) -> None:
    import subprocess
    import sys

    config = yaml.safe_load(project.config.read_text())
    config["pipeline"] = [{"name": "NoSuchComponentAnywhere"}]
    project.config.write_text(yaml.safe_dump(config))
    finbot = Path(sys.executable).with_name("finbot")
    done = subprocess.run([str(finbot), "--project-dir", str(project.root), "--var-dir", str(project.root / "var"),
                           "train"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 1
    assert "NoSuchComponentAnywhere" in done.stdout + done.stderr  # Rasa's own error
    assert "Error: training failed: rasa train exited with status" in done.stderr
    assert "Traceback" not in done.stderr.split("NoSuchComponentAnywhere")[-1]  # none of ours after Rasa's
    assert "CalledProcessError" not in done.stderr


def test_two_trainings_at_once_take_turns_and_no_server_sees_half_a_model(project: Project,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import fcntl
    import threading

    from bot import training

    runs: List[Path] = []
    seen_while_writing: List[bool] = []
    both_at_the_lock = threading.Event()
    at_the_lock: List[str] = []  # the threads that asked for the lock
    came_while_training: List[bool] = []
    real_flock = fcntl.flock

    def flock(file: Any, operation: int) -> None:
        if operation & fcntl.LOCK_EX:
            at_the_lock.append(threading.current_thread().name)
            if len(at_the_lock) == 2:
                both_at_the_lock.set()
        real_flock(file, operation)

    def fake_rasa_train(project: Project, target: Path, folder: Path) -> None:
        runs.append(folder)
        with open(folder / target.name, "wb") as model:
            model.write(b"half")
            came_while_training.append(both_at_the_lock.wait(timeout=10))  # the other one waits for the lock
            seen_while_writing.append(target.exists())  # a server looking now must not find it
            model.write(b" and the rest")

    monkeypatch.setattr(training.fcntl, "flock", flock)
    monkeypatch.setattr(training, "_run_rasa_train", fake_rasa_train)
    stale = project.models / f"{training.MODEL_PREFIX}0000000000000000.tar.gz"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"an older model")
    results: List[Path] = []
    threads = [threading.Thread(target=lambda: results.append(training.train(project))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(set(at_the_lock)) == 2 and came_while_training == [True]
    assert len(runs) == 1 and seen_while_writing == [False]
    assert results == [model_path(project)] * 2 and model_path(project).read_bytes() == b"half and the rest"
    assert not stale.exists()
    assert sorted(p.name for p in project.models.iterdir()) == [".training.lock", model_path(project).name]
