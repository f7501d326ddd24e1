"""The entity span that the extractors find, before it becomes a Rasa entity dict."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Union


@dataclass(frozen=True)
class EntitySpan:
    """An entity found in a text: ``text[start:end]`` is its surface form.

    ``value`` is a float for numbers (an amount, a percent, a duration in months,
    a bare number) and the placeholder itself (``"<ACCOUNT_NUMBER_1>"``) for placeholders.
    """

    entity: str
    start: int
    end: int
    value: Union[float, str]
    text: str

    def as_rasa(self, extractor: str) -> Dict[str, Any]:
        """The entity as Rasa's extractors report it (``entity``, ``start``, ``end``, ``value``, ``extractor``)."""
        return {
            "entity": self.entity,
            "start": self.start,
            "end": self.end,
            "value": self.value,
            "extractor": extractor,
        }
