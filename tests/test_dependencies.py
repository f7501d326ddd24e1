"""Every package the code imports is declared in pyproject.toml: `make lint`'s deptry runs pass, and catch it
when one is not.

The runs are read from the Makefile's lint rule, so these tests check what `make lint` does. The failing
cases run them on a copy of the project's code and pyproject.toml with one change each.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEPTRY = Path(sys.executable).with_name("deptry")
SCANNED = ("bot", "actions", "tests", "bench", "scripts")


def lint_runs() -> List[List[str]]:
    """The deptry commands of the Makefile's lint rule."""
    recipe = re.search(r"^lint:.*\n((?:\t.*\n)*)", (ROOT / "Makefile").read_text(), re.M)
    assert recipe is not None
    runs = [shlex.split(line.strip()) for line in recipe.group(1).splitlines() if "/deptry " in line]
    assert [run[0] for run in runs] == ["$(BIN)/deptry", "$(BIN)/deptry"]
    return [[str(DEPTRY), *run[1:], "--no-ansi"] for run in runs]


def deptry(where: Path) -> str:
    """Run the lint rule's deptry commands in ``where``; their output, or '' when all pass."""
    assert DEPTRY.exists(), "deptry is not installed: run make setup (requirements-dev.lock)"
    failed = []
    for run in lint_runs():
        result = subprocess.run(run, cwd=where, capture_output=True, text=True)
        if result.returncode != 0:
            failed.append(result.stdout + result.stderr)
    return "\n".join(failed)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's Python files and pyproject.toml, copied."""
    copy = tmp_path_factory.mktemp("project")
    for folder in SCANNED:
        shutil.copytree(ROOT / folder, copy / folder, ignore=only_python)
    shutil.copy(ROOT / "pyproject.toml", copy)
    return copy


def only_python(folder: str, names: List[str]) -> List[str]:
    return [n for n in names if not (n.endswith(".py") or (Path(folder) / n).is_dir()) or n == "node_modules"]


def test_the_tree_passes() -> None:
    assert deptry(ROOT) == ""


def test_the_copy_passes(project: Path) -> None:
    assert deptry(project) == ""


PYJWT = '    "PyJWT==2.15.1",\n'

# (what changes, file, its new text or the pyproject.toml edit, the issue deptry must report: a pattern;
# an import of a package that is installed but not declared is DEP003, or DEP001 when pyproject.toml's
# package_module_name_map names the package: either way, missing from the declarations)
CASES = [
    ("a runtime import declared nowhere (it arrives through Rasa)", "pyproject.toml", (PYJWT, ""),
     r"DEP00[13] 'jwt' imported but"),
    ("a runtime import of a dev-only package", "bot/uses_pytest.py", "import pytest\n",
     r"DEP004 'pytest' imported but declared as a dev dependency"),
    ("a runtime import of a package that is not installed", "actions/uses_nothing.py", "import not_a_package\n",
     r"DEP001 'not_a_package' imported but missing"),
    ("a declared runtime package that no code imports", "pyproject.toml", (PYJWT, PYJWT + '    "six==1.16.0",\n'),
     r"DEP002 'six' defined as a dependency but not used"),
    ("a test import declared nowhere (it arrives through aio-pika)", "tests/test_uses_aiormq.py", "import aiormq\n",
     r"DEP003 'aiormq' imported but it is a transitive dependency"),
    ("a script import of a package that is not installed", "scripts/uses_nothing.py", "import not_a_package\n",
     r"DEP001 'not_a_package' imported but missing"),
]


@pytest.mark.parametrize(("change", "path", "edit", "issue"), CASES, ids=[case[0] for case in CASES])
def test_an_undeclared_import_fails(project: Path, change: str, path: str, edit: object, issue: str) -> None:
    target = project / path
    before = target.read_text() if target.exists() else None
    try:
        if isinstance(edit, tuple):
            old, new = edit
            assert before is not None and old in before
            target.write_text(before.replace(old, new))
        else:
            target.write_text(str(edit))
        assert re.search(issue, deptry(project)), change
    finally:
        if before is None:
            target.unlink()
        else:
            target.write_text(before)


def test_dev_code_may_import_the_dev_extra(project: Path) -> None:
    target = project / "tests" / "test_uses_dev_tools.py"
    target.write_text("import hypothesis\nimport pytest\nimport schemathesis\n")
    try:
        assert deptry(project) == ""
    finally:
        target.unlink()
