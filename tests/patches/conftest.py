"""A process with no patch in place for the test, and everything the test installs taken out again after it."""

from __future__ import annotations

import importlib
import logging
from typing import Any, Dict, Iterator, Tuple

import pytest

from bot import patches
from bot.patches import guard, log_records, tld


def _owner(target: guard.Target) -> Tuple[Any, str]:
    """The object that holds ``target``'s attribute, and the attribute's name."""
    owner: Any = importlib.import_module(target.module)
    *path, name = target.attribute.split(".")
    for part in path:
        owner = getattr(owner, part)
    return owner, name


# Taken when pytest collects the tests, before any test runs (and so before any fall-back installs a patch).
ORIGINALS: Dict[str, Any] = {target.name: target.current() for target in patches.targets()}
ORIGINAL_FACTORY = logging.getLogRecordFactory()


@pytest.fixture
def pristine(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every patched attribute the library's own again, and the records of what is installed empty, for the
    test; whatever was in place before it, back after it."""
    for target in patches.targets():
        owner, name = _owner(target)
        if name in vars(owner):  # a class's method, a module's global: not one inherited from elsewhere
            monkeypatch.setattr(owner, name, ORIGINALS[target.name])
    monkeypatch.setattr(guard, "_active", [])
    monkeypatch.setattr(patches, "_prepared", [])
    monkeypatch.setattr(log_records, "_installed", {})
    monkeypatch.setenv(tld.URLS_ENV, "")
    factory = logging.getLogRecordFactory()
    logging.setLogRecordFactory(ORIGINAL_FACTORY)
    try:
        yield
    finally:
        logging.setLogRecordFactory(factory)
