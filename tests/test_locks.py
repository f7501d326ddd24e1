"""The lock files keep what they promise: the runtime apart from the development tools, each where it belongs.

``make lock`` (scripts/lock.py) writes them from pyproject.toml. The image installs only the runtime
locks, so no development tool may be in them; the runtime lock must hold everything that ``pip install .``
needs, since the image has nothing else; no package is pinned in two locks (so never at two versions);
``make setup`` installs every lock and rebuilds .venv when any changes; ``make lock`` runs without .venv.
"""

from __future__ import annotations

import fnmatch
import re
from importlib import metadata
from pathlib import Path
from typing import Dict, List, Tuple

import pytest
import tomli
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
RUNTIME_LOCKS = ("requirements.lock", "requirements-nodeps.lock")
DEV_LOCKS = ("requirements-dev.lock", "requirements-dev-nodeps.lock")
LOCKS = RUNTIME_LOCKS + DEV_LOCKS
# Tools that serve development only, by distribution name (PEP 503 form, shell patterns).
DEV_TOOLS = (
    "pytest", "pytest-*", "playwright", "mypy", "mypy-*", "ruff", "schemathesis", "hypothesis", "hypothesis-*",
    "locust", "locust-*", "py-spy", "deptry", "types-*", "kubernetes-validate", "coverage", "pre-commit",
)
ENTRY = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+) \\\n    --hash=sha256:([0-9a-f]{64})$", re.M)

Pin = Tuple[str, str]  # version, sha256


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_lock(name: str) -> Dict[str, Pin]:
    """The lock's pins by canonical name."""
    return {canonical(m[1]): (m[2], m[3]) for m in ENTRY.finditer((ROOT / name).read_text())}


def pyproject() -> Dict:
    return tomli.loads((ROOT / "pyproject.toml").read_text())


def makefile_recipe(target: str) -> Tuple[str, List[str]]:
    """A Makefile rule's prerequisites and its recipe lines."""
    text = (ROOT / "Makefile").read_text()
    match = re.search(rf"^{re.escape(target)}:(.*)\n((?:\t.*\n)*)", text, re.M)
    assert match is not None, f"no rule for {target} in the Makefile"
    return match.group(1).strip(), [line[1:] for line in match.group(2).splitlines()]


def installed_locks(text: str) -> List[str]:
    """The files that pip installs with ``-r`` in a Makefile or Dockerfile."""
    return re.findall(r"(?:^|\s)-r\s+(\S+)", text.replace("\\\n", " "), re.M)


@pytest.mark.parametrize("name", LOCKS)
def test_every_entry_is_one_exact_pin_with_its_hash(name: str) -> None:
    text = (ROOT / name).read_text()
    entries = [line for line in text.splitlines() if line and not line.startswith(("#", " "))]
    assert entries and len(entries) == len(ENTRY.findall(text)), f"{name}: an entry without its pin or hash"
    assert len(read_lock(name)) == len(entries), f"{name}: a package pinned twice"


def test_no_package_is_pinned_in_two_locks() -> None:
    """The dev lock is resolved with the runtime and adds to it: it never pins a runtime package again."""
    seen: Dict[str, str] = {}
    for name in LOCKS:
        for package in read_lock(name):
            assert package not in seen, f"{package} is pinned in {seen[package]} and in {name}"
            seen[package] = name


@pytest.mark.parametrize("name", RUNTIME_LOCKS)
def test_no_development_tool_in_a_runtime_lock(name: str) -> None:
    tools = sorted(p for p in read_lock(name) if any(fnmatch.fnmatchcase(p, pattern) for pattern in DEV_TOOLS))
    assert not tools, f"{name} (installed in the image) holds development tools: {tools}"


def test_the_development_tools_are_in_the_dev_locks() -> None:
    """The tool patterns above name what the dev extra really brings (a renamed tool would slip past them)."""
    dev = {**read_lock("requirements-dev.lock"), **read_lock("requirements-dev-nodeps.lock")}
    for pattern in ("pytest", "playwright", "mypy", "ruff", "schemathesis", "hypothesis", "deptry", "types-*",
                    "py-spy", "kubernetes-validate"):
        assert fnmatch.filter(dev, pattern), f"no {pattern} in the dev locks"


def declared(requirements: List[str]) -> Dict[str, str]:
    pins = {}
    for text in requirements:
        requirement = Requirement(text)
        (spec,) = requirement.specifier
        assert spec.operator == "==", f"pyproject.toml pins exact versions: {text}"
        pins[canonical(requirement.name)] = spec.version
    return pins


def test_declared_pins_are_the_locked_versions() -> None:
    project, finbot = pyproject()["project"], pyproject()["tool"]["finbot"]
    runtime, dev = read_lock("requirements.lock"), read_lock("requirements-dev.lock")
    cases = [
        (project["dependencies"], runtime, "requirements.lock"),
        (project["optional-dependencies"]["dev"], {**runtime, **dev}, "requirements.lock or requirements-dev.lock"),
        (finbot["no-deps"], read_lock("requirements-nodeps.lock"), "requirements-nodeps.lock"),
        (finbot["no-deps-dev"], read_lock("requirements-dev-nodeps.lock"), "requirements-dev-nodeps.lock"),
    ]
    for requirements, lock, where in cases:
        for package, version in declared(requirements).items():
            assert package in lock, f"{package} is declared but not in {where}: run make lock"
            assert lock[package][0] == version, f"{package}: {version} declared, {lock[package][0]} in {where}"


def test_the_runtime_lock_holds_all_that_the_project_needs() -> None:
    """What ``pip check`` verifies in the image: every dependency of finbot and of each runtime package is in
    requirements.lock, at a version it allows (read from the installed packages' metadata)."""
    lock = read_lock("requirements.lock")
    needs = [("finbot", text) for text in pyproject()["project"]["dependencies"]]
    for package in lock:
        try:
            needs += [(package, text) for text in metadata.requires(package) or []]
        except metadata.PackageNotFoundError:
            pytest.fail(f"{package} (requirements.lock) is not installed: run make setup")
    unmet = []
    for package, text in needs:
        requirement = Requirement(text)
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        pinned = lock.get(canonical(requirement.name))
        if pinned is None or not requirement.specifier.contains(pinned[0], prereleases=True):
            unmet.append(f"{package} needs {text}; requirements.lock has {pinned[0] if pinned else 'nothing'}")
    assert not unmet, "\n".join(unmet)


def test_the_image_installs_only_the_runtime_locks() -> None:
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert installed_locks(dockerfile) == list(RUNTIME_LOCKS)
    copied = " ".join(re.findall(r"^COPY (.+)$", dockerfile, re.M))
    assert all(name in copied for name in RUNTIME_LOCKS)
    assert not any(name in dockerfile for name in DEV_LOCKS)
    assert "[dev]" not in dockerfile


def test_setup_installs_every_lock_and_its_stamp_hashes_them() -> None:
    text = (ROOT / "Makefile").read_text()
    assert set(installed_locks(text)) == set(LOCKS) == {p.name for p in ROOT.glob("requirements*.lock")}
    listed = re.search(r"^LOCKS := (.*)$", text, re.M)
    assert listed is not None and set(listed.group(1).split()) == set(LOCKS)
    assert re.search(r"^STAMP := .*\$\(shell cat \$\(LOCKS\) pyproject\.toml", text, re.M)
    prerequisites, _ = makefile_recipe("$(STAMP)")
    assert "$(LOCKS)" in prerequisites.split()
    # The resolved locks go in together, and `pip check` runs before the no-deps ones (it would name
    # their absent dependencies).
    _, recipe = makefile_recipe("$(STAMP)")
    installs = [i for i, line in enumerate(recipe) if " -r " in line]
    check = next(i for i, line in enumerate(recipe) if "pip check" in line)
    assert [installed_locks(recipe[i]) for i in installs] == [
        ["requirements.lock", "requirements-dev.lock"],
        ["requirements-nodeps.lock", "requirements-dev-nodeps.lock"],
    ]
    assert installs[0] < check < installs[1]


def test_make_lock_needs_no_environment() -> None:
    """setup's `pip check` fails once pyproject.toml has changed: the lock cannot wait for it."""
    prerequisites, recipe = makefile_recipe("lock")
    assert prerequisites == ""
    command = " ".join(recipe)
    assert "scripts/find-python310.sh" in command and "scripts/lock.py" in command
    assert not any(variable in command for variable in ("$(PY)", "$(BIN)", "$(VENV)", ".venv"))
