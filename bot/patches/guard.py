"""What every patch checks before it changes another library: the version it was written for, and the shape
of what it replaces.

A patch names its target (``Target``: the library's distribution and version,
the attribute, the signature the patch was written against). ``check`` refuses
with ``VersionMismatch`` or ``SignatureMismatch`` when the installed library is
not that one, before anything is changed; ``mark`` records that a patch is in
place in this process (``active`` lists them, for the start-up log and the tests).
"""

from __future__ import annotations

import importlib
import inspect
import logging
import platform
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any, Callable, List

PYTHON = "python"  # the "distribution" of the standard library's patches: the interpreter's version


class PatchError(RuntimeError):
    """A patch cannot be installed: the library it changes is not the one it was written for."""


class VersionMismatch(PatchError):
    """The installed version of a patched library is not the pinned one the patch was written for."""

    def __init__(self, distribution: str, expected: str, installed: str, patch: str) -> None:
        self.distribution, self.expected, self.installed, self.patch = distribution, expected, installed, patch
        super().__init__(f"{patch} was written for {distribution} {expected}, but {distribution} {installed} is "
                         "installed: check the patch against this version (and update its pin) before running")


class SignatureMismatch(PatchError):
    """What a patch replaces is missing, or its signature changed."""

    def __init__(self, target: str, expected: str, found: str, patch: str) -> None:
        self.target, self.expected, self.found = target, expected, found
        super().__init__(f"{patch}: {target} is {found}, the patch was written for {expected}")


class _Default:
    """Stands for any default value: a default may be machine-specific (a cache folder, an object's address)."""

    def __repr__(self) -> str:
        return "…"


def shape(function: Callable[..., Any]) -> str:
    """``function``'s signature as text: names, kinds and annotations of its parameters, its return annotation;
    defaults only as "has one" (``= …``)."""
    signature = inspect.signature(function)
    parameters = [p.replace(default=_Default()) if p.default is not p.empty else p
                  for p in signature.parameters.values()]
    return str(signature.replace(parameters=parameters))


def installed_version(distribution: str) -> str:
    """The installed version of ``distribution`` (the interpreter's "major.minor" for ``PYTHON``)."""
    if distribution == PYTHON:
        return ".".join(platform.python_version_tuple()[:2])
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "(not installed)"


@dataclass(frozen=True)
class Target:
    """An attribute that a patch replaces or relies on, in the library version it was written for."""

    patch: str  # the patch's name, as ``active`` lists it
    distribution: str  # the pip name of the library (``PYTHON`` for the standard library)
    version: str  # the pinned version the patch was written for
    module: str
    attribute: str  # a dotted path inside ``module``: "RemoteAction._validate_action_result"
    signature: str  # ``shape`` of the attribute as the patch expects it ("" for an attribute that is not callable)

    @property
    def name(self) -> str:
        return f"{self.module}.{self.attribute}"

    def current(self) -> Any:
        """The attribute as it is now in the process (patched or not); AttributeError if it is gone."""
        value: Any = importlib.import_module(self.module)
        for part in self.attribute.split("."):
            value = getattr(value, part)
        return value

    def check_version(self) -> None:
        installed = installed_version(self.distribution)
        if installed != self.version:
            raise VersionMismatch(self.distribution, self.version, installed, self.patch)

    def check_signature(self, original: Any) -> None:
        """SignatureMismatch unless ``original`` (the library's own attribute) has the expected shape."""
        if not self.signature:
            return
        try:
            found = shape(original)
        except (TypeError, ValueError):
            found = f"not a function ({type(original).__name__})"
        if found != self.signature:
            raise SignatureMismatch(self.name, self.signature, found, self.patch)

    def present(self) -> Any:
        """The attribute as it is now, after checking the installed version; VersionMismatch, or
        SignatureMismatch if the attribute is gone."""
        self.check_version()
        try:
            return self.current()
        except AttributeError:
            raise SignatureMismatch(self.name, self.signature or "an attribute", "missing", self.patch) from None

    def check(self, original: Any = None) -> Any:
        """The library's own attribute (``original``, else the current one), after checking the installed
        version and the attribute's signature; VersionMismatch, SignatureMismatch otherwise."""
        if original is None:
            original = self.present()
        else:
            self.check_version()
        self.check_signature(original)
        return original


_active: List[str] = []


def mark(patch: str) -> None:
    """Record that ``patch`` is in place in this process."""
    if patch not in _active:
        _active.append(patch)


def unmark(patch: str) -> None:
    """Record that ``patch`` was taken out again (for tests)."""
    if patch in _active:
        _active.remove(patch)


def active() -> List[str]:
    """The patches in place in this process, in the order they were installed."""
    return list(_active)


def log_active() -> None:
    """Say which patches are in place in this process (a server, once it is ready to serve)."""
    logging.getLogger("bot.patches").info("patches in place in this process: %s", "; ".join(_active) or "none")
