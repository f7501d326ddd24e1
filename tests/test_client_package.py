"""The Python client (clients/python/) stays a package of its own, checked once, on the versions the server pins.

``make client-check`` (scripts/client-check.sh, part of ``make test``) runs its tests on a Python newer
than 3.10 with clients/python/constraints.txt; the main run does not collect them (testpaths), so they run
once. ``make setup`` installs it editable in .venv, and rebuilds .venv when its pyproject.toml changes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict

import tomli

from tests.test_locks import LOCKS, canonical, makefile_recipe, read_lock

ROOT = Path(__file__).resolve().parent.parent
CLIENT = ROOT / "clients" / "python"


def constraints() -> Dict[str, str]:
    """clients/python/constraints.txt's pins by canonical name."""
    pins = {}
    for line in (CLIENT / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not an exact pin"
            pins[canonical(name)] = version
    return pins


def test_the_constraints_pin_what_the_locks_pin_at_the_same_version() -> None:
    locked = {name: pin[0] for lock in LOCKS for name, pin in read_lock(lock).items()}
    pins = constraints()
    assert {"requests", "pytest", "setuptools"} <= set(pins)
    assert {name: version for name, version in pins.items() if locked.get(name, version) != version} == {}


def test_the_client_declares_only_requests_and_never_imports_the_server() -> None:
    project = tomli.loads((CLIENT / "pyproject.toml").read_text())["project"]
    assert [re.split(r"[<>=!~ ;]", d)[0] for d in project["dependencies"]] == ["requests"]
    for path in sorted(CLIENT.glob("src/**/*.py")) + sorted(CLIENT.glob("tests/*.py")):
        assert not re.search(r"^\s*(from|import) (bot|tests)\b", path.read_text(), re.M), path


def test_make_test_runs_the_client_check_and_the_main_run_does_not_collect_its_tests() -> None:
    prerequisites, _ = makefile_recipe("test")
    assert "client-check" in prerequisites.split()
    _, recipe = makefile_recipe("client-check")
    assert recipe == ["scripts/client-check.sh"]
    assert 'pytest "$CLIENT/tests"' in (ROOT / "scripts" / "client-check.sh").read_text()
    testpaths = tomli.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["testpaths"]
    assert testpaths == ["tests"]


def test_setup_installs_the_client_editable_and_its_stamp_hashes_its_pyproject() -> None:
    text = (ROOT / "Makefile").read_text()
    assert re.search(r"^CLIENT_PYPROJECT := clients/python/pyproject\.toml$", text, re.M)
    assert re.search(r"^STAMP := .*\$\(CLIENT_PYPROJECT\)", text, re.M)
    prerequisites, recipe = makefile_recipe("$(STAMP)")
    assert "$(CLIENT_PYPROJECT)" in prerequisites.split()
    assert any(line.endswith("--no-deps --no-build-isolation -e clients/python") for line in recipe)
