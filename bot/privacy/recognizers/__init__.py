"""The project's recognizers, one module per family of identifiers.

Each module exposes ``recognizers()``, returning fresh Presidio recognizer
instances (``PatternRecognizer`` subclasses with class-level ``PATTERNS`` and
``CONTEXT`` and a checksum in ``validate_result``, or ``EntityRecognizer``
subclasses where a pattern is not enough).
"""

from __future__ import annotations

from typing import List

from presidio_analyzer import EntityRecognizer

from bot.privacy.recognizers import (
    addresses,
    banking,
    cards,
    contact,
    cued_names,
    government,
    names,
    partial,
    phones,
    secrets,
)

FAMILIES = (cards, banking, government, contact, phones, secrets, names, cued_names, addresses, partial)


def all_recognizers() -> List[EntityRecognizer]:
    """Every recognizer the engine runs, freshly built."""
    found: List[EntityRecognizer] = []
    for family in FAMILIES:
        found.extend(family.recognizers())
    return found


__all__ = ["FAMILIES", "all_recognizers"]
