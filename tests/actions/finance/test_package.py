"""The package's public surface: ``__all__`` is honest and nothing here imports Rasa."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import actions.finance as finance

PACKAGE_DIR = Path(finance.__file__).parent


def test_every_name_in_all_is_exported() -> None:
    missing = [name for name in finance.__all__ if not hasattr(finance, name)]
    assert not missing
    assert len(set(finance.__all__)) == len(finance.__all__)


def test_every_public_function_and_class_of_the_calculators_is_in_all() -> None:
    # Helpers of the shared plumbing (money, schedule, categories) are exported only where actions need them.
    plumbing = {"money", "schedule", "categories", "errors"}
    public = set()
    for module_info in pkgutil.iter_modules([str(PACKAGE_DIR)]):
        if module_info.name in plumbing:
            continue
        module = importlib.import_module(f"actions.finance.{module_info.name}")
        for name, value in vars(module).items():
            defined_here = getattr(value, "__module__", None) == module.__name__
            if not name.startswith("_") and defined_here and (inspect.isfunction(value) or inspect.isclass(value)):
                public.add(name)
    helpers = {"balance_after", "months_to_reach", "payoff_order"}  # used across modules, not by actions
    assert public - helpers <= set(finance.__all__), sorted(public - helpers - set(finance.__all__))


def test_no_module_imports_rasa() -> None:
    for path in PACKAGE_DIR.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(name.split(".")[0] in {"rasa", "rasa_sdk"} for name in names), path.name
