"""Placeholders as entities: ``<ACCOUNT_NUMBER_1>`` is an ``account_number`` whose value is itself."""

from __future__ import annotations

from typing import List

from bot.nlu.spans import EntitySpan
from bot.privacy.entities import ALL_ENTITIES
from bot.privacy.placeholders import PLACEHOLDER_PATTERN

__all__ = ["find_placeholders"]


def find_placeholders(text: str) -> List[EntitySpan]:
    """One entity per placeholder of a type the privacy engine knows, in reading order.

    The entity is the type in lower case, the value the placeholder text. A look-alike
    of an unknown type (``<FOO_1>`` typed by a person) is not an entity: the engine
    never writes it and no domain declares it.
    """
    return [
        EntitySpan(match.group(1).lower(), match.start(), match.end(), match.group(), match.group())
        for match in PLACEHOLDER_PATTERN.finditer(text)
        if match.group(1) in ALL_ENTITIES
    ]
