"""Every attribute a patch replaces or relies on is, in the installed libraries, what the patch was written for.

Read in a fresh interpreter, where no patch is installed: each target exists and
has the signature its patch expects, and each library is the version the patch
names, which is the project's pin. An upgrade that changes any of them fails
here, and the patch refuses to install (tests/patches/test_patch_install.py).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

import pytest

from bot import patches
from bot.patches.guard import PYTHON, Target, shape

ROOT = Path(__file__).resolve().parents[2]

FRESH = """
import json, sys
from bot import patches
from bot.patches import guard, tld
found = {}
for target in patches.targets():
    try:
        value = target.current()
    except AttributeError:
        found[target.name] = {"missing": True}
        continue
    found[target.name] = {
        "missing": False,
        "shape": guard.shape(value) if target.signature else "",
        "version": guard.installed_version(target.distribution),
    }
try:
    tld.check()
    found["tld.check"] = ""
except guard.PatchError as error:
    found["tld.check"] = str(error)
found["active"] = guard.active()
json.dump(found, sys.stdout)
"""


@pytest.fixture(scope="module")
def fresh() -> Dict[str, Any]:
    """What a fresh interpreter finds at every target, before any patch."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-c", FRESH], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    found: Dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


TARGETS: List[Target] = patches.targets()


def test_there_is_a_target_for_every_patch_module() -> None:
    modules = {path.stem for path in (ROOT / "bot" / "patches").glob("*.py")} - {"__init__", "guard"}
    assert {target.patch for target in TARGETS} >= {"console redaction", "tldextract offline"}
    named = {module for module in modules if any(target in TARGETS for target in _targets_of(module))}
    assert named == modules


def _targets_of(module: str) -> List[Target]:
    import importlib

    loaded = importlib.import_module(f"bot.patches.{module}")
    return [value for name in dir(loaded) for value in [getattr(loaded, name)] if isinstance(value, Target)]


def test_no_patch_is_in_place_before_an_entry_point_installs_one(fresh: Dict[str, Any]) -> None:
    assert fresh["active"] == []  # importing bot.patches changes nothing


@pytest.mark.parametrize("target", TARGETS, ids=lambda target: target.name)
def test_the_target_exists_with_the_signature_the_patch_expects(fresh: Dict[str, Any], target: Target) -> None:
    found = fresh[target.name]
    assert not found["missing"], f"{target.name} is gone: {target.patch} must be rewritten"
    assert found["shape"] == target.signature, f"{target.name} changed: {target.patch} must be checked"


@pytest.mark.parametrize("target", TARGETS, ids=lambda target: target.name)
def test_the_patch_is_written_for_the_installed_and_pinned_version(fresh: Dict[str, Any], target: Target) -> None:
    assert fresh[target.name]["version"] == target.version
    assert target.version == pinned(target.distribution)


def test_tldextract_calls_the_extractor_the_patch_replaces(fresh: Dict[str, Any]) -> None:
    assert fresh["tld.check"] == ""


def pinned(distribution: str) -> str:
    """The version pyproject.toml pins ``distribution`` to (Python: the one ``requires-python`` allows)."""
    text = (ROOT / "pyproject.toml").read_text()
    if distribution == PYTHON:
        match = re.search(r'requires-python = ">=(\d+\.\d+),<(\d+\.\d+)"', text)
        assert match is not None
        low, high = (tuple(int(n) for n in v.split(".")) for v in match.groups())
        assert high == (low[0], low[1] + 1), "one minor version of Python is allowed"
        return match.group(1)
    match = re.search(rf'"{re.escape(distribution)}==([^"]+)"', text)
    assert match is not None, f"{distribution} is not pinned in pyproject.toml"
    return match.group(1)


def test_the_tracker_store_wrapper_keeps_what_the_patch_reads_and_sets() -> None:
    """``rasa_stores`` sets the callback a FailSafeTrackerStore calls, and reads the store it wraps, in Rasa's
    private attributes: they must still hold them, and the callback must still be called on an error."""
    from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
    from rasa.shared.core.domain import Domain

    from bot.patches.rasa_stores import CALLBACK, WRAPPED

    inner = InMemoryTrackerStore(Domain.empty())
    seen: List[Exception] = []
    store = FailSafeTrackerStore(inner, on_tracker_store_error=seen.append)
    assert getattr(store, CALLBACK) == seen.append and getattr(store, WRAPPED) is inner
    setattr(store, CALLBACK, lambda error: seen.append(RuntimeError(f"ours: {error}")))
    store.on_tracker_store_error(ValueError("x"))
    assert [str(error) for error in seen] == ["ours: x"]


def test_shape_hides_defaults_that_differ_between_machines() -> None:
    def made(folder: str = str(ROOT), *, limit: int = 3) -> None: ...

    assert shape(made) == "(folder: 'str' = …, *, limit: 'int' = …) -> 'None'"
