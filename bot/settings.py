"""Where the project's files and runtime state live.

The Rasa project (config, domain, training data, channel and endpoint files)
is a folder, by default the current one; all runtime state (tracker and event
databases, vault, keys, logs) lives under one folder, ``var/`` by default, so
an operator knows where data is and can search it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

# Environment for every Rasa process we start: no telemetry, no hub downloads,
# no public-suffix-list fetch. Nothing reaches the network at run time.
OFFLINE_ENV: Dict[str, str] = {
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": "",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
}

# Thread pools of a serving Rasa process (TensorFlow for the sentence encoder, OpenBLAS and OpenMP
# for the intent model), unless the operator sets them. A message's matrices are small: a second thread
# per operation saves it nothing, and idle pool threads spin, taking the other core from every other
# conversation. Several Rasa processes, not threads, are how a machine's cores serve more customers.
# Training is not a serving process: it keeps every core.
SERVING_THREADS_ENV: Dict[str, str] = {
    "TF_INTRA_OP_PARALLELISM_THREADS": "1",
    "TF_INTER_OP_PARALLELISM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
}


class ProjectError(Exception):
    """The project folder is incomplete or a setting is invalid."""


@dataclass(frozen=True)
class Project:
    """The Rasa project folder and the runtime-state folder."""

    root: Path
    var: Path

    @classmethod
    def locate(cls, root: Optional[Path] = None, var: Optional[Path] = None) -> Project:
        """The project at ``root`` (default: $FINBOT_PROJECT_DIR or the current folder)."""
        root = (root or Path(os.environ.get("FINBOT_PROJECT_DIR") or Path.cwd())).resolve()
        if not (root / "config.yml").is_file() or not (root / "domain").is_dir():
            raise ProjectError(f"{root} is not a finbot project: config.yml and domain/ are missing")
        var = (var or Path(os.environ.get("FINBOT_VAR_DIR") or root / "var")).resolve()
        return cls(root=root, var=var)

    @property
    def config(self) -> Path:
        return self.root / "config.yml"

    @property
    def domain(self) -> Path:
        return self.root / "domain"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def endpoints(self) -> Path:
        return self.root / "endpoints.yml"

    @property
    def credentials(self) -> Path:
        return self.root / "credentials.yml"

    @property
    def models(self) -> Path:
        return Path(os.environ.get("FINBOT_MODELS_DIR") or self.root / "models").resolve()

    @property
    def logs(self) -> Path:
        return self.var / "logs"

    @property
    def run_dir(self) -> Path:
        return self.var / "run"

    def ensure_var(self) -> None:
        """Create the runtime folders, readable by the owner only."""
        for folder in (self.var, self.logs, self.run_dir):
            folder.mkdir(parents=True, exist_ok=True)
            os.chmod(folder, 0o700)


def process_env(extra: Optional[Mapping[str, str]] = None, *, serving: bool = False) -> Dict[str, str]:
    """The environment for a child process: ours, plus the offline settings, plus ``extra``; for a ``serving``
    process, the thread pools of ``SERVING_THREADS_ENV`` where ours does not set them."""
    env = dict(os.environ)
    env.update(OFFLINE_ENV)
    if serving:
        for name, value in SERVING_THREADS_ENV.items():
            env.setdefault(name, value)
    if extra:
        env.update(extra)
    return env


def move_sqlite_paths(section: Any, var: Path) -> None:
    """Point every SQLite ``db: var/...`` (at any depth, e.g. inside a wrapped store) into ``var``."""
    if not isinstance(section, dict):
        return
    db = section.get("db")
    if section.get("dialect") == "sqlite" and isinstance(db, str) and db.startswith("var/"):
        section["db"] = str(var / db[len("var/"):])
    for value in section.values():
        move_sqlite_paths(value, var)
