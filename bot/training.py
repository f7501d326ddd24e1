"""Train the Rasa model only when its inputs changed.

The model file is named after a hash of everything that shapes it (config,
domain, training data, and the Rasa version), so a second run finds it and
starts at once, and a change to any input trains a new one.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterable, List

import click

from bot.settings import Project, process_env

MODEL_PREFIX = "finbot-"


def training_inputs(project: Project) -> List[Path]:
    """The files whose content determines the trained model, in a stable order."""
    files = [project.config]
    for folder in (project.domain, project.data):
        if folder.is_dir():
            files += sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in {".yml", ".yaml"})
    return files


def inputs_hash(project: Project, files: Iterable[Path] = ()) -> str:
    """A short hash of the training inputs' paths and contents and of the Rasa version."""
    import rasa

    digest = hashlib.sha256(f"rasa {rasa.__version__}\n".encode())
    for path in list(files) or training_inputs(project):
        digest.update(str(path.relative_to(project.root)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    # Our own pipeline components and the encoder package shape the model as much as the data does.
    for path in component_sources():
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def component_sources() -> List[Path]:
    """The code of the project's NLU components, and the lock of the encoder package they load."""
    package = Path(__file__).resolve().parent
    sources = [*sorted((package / "nlu").glob("*.py")), package / "nlu_redacting.py"]
    lock = package.parent / "requirements-nodeps.lock"
    return sources + ([lock] if lock.exists() else [])


def model_path(project: Project) -> Path:
    """Where the model for the current inputs is (or will be) stored."""
    return project.models / f"{MODEL_PREFIX}{inputs_hash(project)}.tar.gz"


class TrainingError(click.ClickException):
    """Training failed: the command line prints the message (after Rasa's own error), not a traceback."""


def train(project: Project, *, force: bool = False) -> Path:
    """Return the model for the current inputs, training it first if it does not exist.

    One training at a time per models folder: two servers started together (a benchmark's, or two shells)
    take turns, and the second finds the first one's model. Rasa writes into a folder of its own, and the
    finished model is moved into place in one step, so no server ever loads half a model.
    """
    target = model_path(project)
    if target.exists() and not force:
        return target
    project.models.mkdir(parents=True, exist_ok=True)
    with open(project.models / ".training.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.exists() and not force:  # trained meanwhile by whoever held the lock
            return target
        with tempfile.TemporaryDirectory(prefix=".training-", dir=project.models) as folder:
            _run_rasa_train(project, target, Path(folder))
            os.replace(Path(folder) / target.name, target)
    for stale in project.models.glob(f"{MODEL_PREFIX}*.tar.gz"):
        if stale != target:
            stale.unlink()
    return target


def _run_rasa_train(project: Project, target: Path, folder: Path) -> None:
    """``rasa train`` into ``folder``, as ``target``'s name; TrainingError if it fails."""
    # Through the launcher: it installs the patches training needs (bot.patches) before Rasa starts.
    command = [
        sys.executable, "-m", "bot.rasa_launcher", "train",
        "--config", str(project.config),
        "--domain", str(project.domain),
        "--data", str(project.data),
        "--out", str(folder),
        "--fixed-model-name", target.name[: -len(".tar.gz")],
    ]
    # Rasa's training cache goes beside the models, not into the project folder.
    env = process_env({"RASA_CACHE_DIRECTORY": str(project.models / ".cache")})
    click.echo(f"training {target.name} on {len(training_inputs(project))} input files (config, domain, data); "
               "Rasa prints each component's progress below (a few minutes on 2 cores)", err=True)
    started = time.monotonic()
    done = subprocess.run(command, cwd=project.root, env=env)
    if done.returncode != 0:
        # Rasa printed its error above; a traceback of this process would only bury it.
        raise TrainingError(f"training failed: rasa train exited with status {done.returncode} (its error is above); "
                            f"fix {project.config.name}, {project.domain.name}/ or {project.data.name}/ and try again")
    if not (folder / target.name).exists():
        raise TrainingError(f"rasa train finished but {target} was not written")
    click.echo(f"trained {target.name} in {time.monotonic() - started:.0f} s", err=True)
