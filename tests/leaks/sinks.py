"""Where a leak could land: the files a running assistant leaves under its var/ folder, and its output."""

from __future__ import annotations

from pathlib import Path
from typing import Dict

from tests.support.servers import RunningAssistant


def server_sinks(assistant: RunningAssistant) -> Dict[str, str]:
    """Every file under var/ except the key file (databases, vault, logs), and both servers' output."""
    found: Dict[str, str] = {}
    for path in sorted(assistant.var_dir.rglob("*")):
        if path.is_file() and path.parent.name != "keys":
            found[str(path.relative_to(assistant.var_dir))] = path.read_bytes().decode("latin-1")
    found["servers' output"] = assistant.read_output()
    return found


def recorded(path: Path) -> str:
    """A file the action server recorded its calls in (empty if it was never called)."""
    return path.read_text(errors="replace") if path.exists() else ""
