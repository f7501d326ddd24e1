"""What a benchmark ran on and how it was started, read at run time, for its JSON and the report."""

from __future__ import annotations

import datetime
import os
import platform
import shlex
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any, Dict, Optional, Sequence

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("rasa", "rasa-sdk", "presidio-analyzer", "spacy", "tensorflow", "aiohttp")


def _first_line_with(path: str, prefix: str) -> Optional[str]:
    try:
        with open(path, encoding="utf-8", errors="replace") as source:
            for line in source:
                if line.startswith(prefix):
                    return line.split(":", 1)[1].strip()
    except OSError:
        return None
    return None


def _version(package: str) -> Optional[str]:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _nproc() -> int:
    """``nproc``: the processors this process may use (what the servers get), else the CPU count.

    Without OMP_NUM_THREADS and OMP_THREAD_LIMIT, which ``nproc`` obeys and a benchmark may set to 1.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "OMP_THREAD_LIMIT")}
    try:
        return int(subprocess.run(["nproc"], capture_output=True, text=True, check=True, env=env).stdout.strip())
    except (OSError, ValueError, subprocess.CalledProcessError):
        return len(os.sched_getaffinity(0))


def _commit() -> Optional[str]:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + (" (with uncommitted changes)" if dirty else "")


def describe() -> Dict[str, Any]:
    """The machine: processors, memory, CPU model, OS, Python and the main packages' versions, load now."""
    mem_kb = _first_line_with("/proc/meminfo", "MemTotal")
    return {
        "nproc": _nproc(),
        "memory_gb": round(int(mem_kb.split()[0]) / 1024 / 1024, 1) if mem_kb else None,
        "cpu_model": _first_line_with("/proc/cpuinfo", "model name") or platform.processor() or None,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "packages": {name: _version(name) for name in PACKAGES},
        "load_average": [round(value, 2) for value in os.getloadavg()],
        "commit": _commit(),
    }


def command_line(argv: Optional[Sequence[str]] = None) -> str:
    """How this benchmark was started, as one could type it again from the repository root.

    A module of ``bench/`` is shown as ``-m bench.<name>``, the way ``make bench`` runs it.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    script = Path(sys.argv[0]).resolve()
    try:
        relative = script.relative_to(REPO)
    except ValueError:
        shown = [str(script)]
    else:
        shown = ["-m", ".".join(relative.with_suffix("").parts)] if relative.parts[0] == "bench" else [str(relative)]
    return " ".join([".venv/bin/python", *shown, *map(shlex.quote, args)])


def now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
