"""The README's folder map stays true: every folder it names exists, every top-level folder is named."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Created at run time, never committed: named in the map, but need not exist in a clone.
RUNTIME_FOLDERS = {"var", "models"}


def mapped_folders() -> set:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Folders", 1)[1].split("\n## ", 1)[0]
    return {m.group(1).rstrip("/") for m in re.finditer(r"^\| `([^`]+/)` \|", section, re.MULTILINE)}


def top_level_folders() -> set:
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    untracked = subprocess.run(
        ["git", "ls-files", "--others", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return {line.split("/", 1)[0] for line in (tracked + untracked).splitlines() if "/" in line}


def test_readme_starts_with_the_two_commands() -> None:
    head = (ROOT / "README.md").read_text()[:400]
    assert "make run" in head and "make test" in head


def test_every_mapped_folder_exists() -> None:
    missing = {f for f in mapped_folders() - RUNTIME_FOLDERS if not (ROOT / f).is_dir()}
    assert not missing, f"README names folders that do not exist: {sorted(missing)}"


def test_every_top_level_folder_is_mapped() -> None:
    unnamed = top_level_folders() - mapped_folders()
    assert not unnamed, f"top-level folders missing from the README map: {sorted(unnamed)}"
