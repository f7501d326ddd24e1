"""Rasa entity extractors for placeholders and numbers: thin wrappers around plain functions.

- ``PlaceholderEntityExtractor``: each placeholder ``<TYPE_N>`` the privacy engine
  wrote is an entity named ``type`` in lower case, its value the placeholder itself
  (``<ACCOUNT_NUMBER_1>`` -> ``account_number`` = ``"<ACCOUNT_NUMBER_1>"``).
- ``NumberEntityExtractor``: ``amount``, ``percent``, ``duration`` (months) and
  ``number``, see ``bot.nlu.numbers``.

Both set ``extractor`` to their class name, as Rasa's extractors do.

Neither learns anything, so both are registered as not trainable.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.numbers import find_numbers
from bot.nlu.placeholders import find_placeholders
from bot.nlu.spans import EntitySpan

__all__ = ["NumberEntityExtractor", "PlaceholderEntityExtractor"]


class _SpanExtractor(GraphComponent, EntityExtractorMixin):
    """Adds the spans a plain function finds in each message's text to its entities."""

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> _SpanExtractor:
        return cls()

    def find(self, text: str) -> List[EntitySpan]:
        raise NotImplementedError("an extractor must say how it finds spans")

    def process(self, messages: List[Message]) -> List[Message]:
        """Append this extractor's entities (with ``extractor`` set to its name) to each message's."""
        for message in messages:
            text = message.get(TEXT) or ""
            entities = [span.as_rasa(self.name) for span in self.find(text)]
            message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class PlaceholderEntityExtractor(_SpanExtractor):
    """Entities for the placeholders the privacy engine put in the text."""

    def find(self, text: str) -> List[EntitySpan]:
        return find_placeholders(text)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class NumberEntityExtractor(_SpanExtractor):
    """Amounts, percents, durations (in months) and other numbers."""

    def find(self, text: str) -> List[EntitySpan]:
        return find_numbers(text)
