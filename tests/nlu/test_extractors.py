"""The Rasa entity extractors: thin wrappers that add found spans to a message's entities."""

from __future__ import annotations

from typing import Any, Dict, List, Type

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.extractors import NumberEntityExtractor, PlaceholderEntityExtractor

Extractor = Type[Any]


def run(extractor: Extractor, model_storage: ModelStorage, context: ExecutionContext, *texts: str) -> List[Message]:
    component = extractor.create({}, model_storage, Resource("extractor"), context)
    return component.process([Message(data={TEXT: text}) for text in texts])


@pytest.mark.parametrize(
    ("extractor", "text", "expected"),
    [
        (PlaceholderEntityExtractor, "from <ACCOUNT_NUMBER_1> to <PERSON_2>", [
            {"entity": "account_number", "start": 5, "end": 23, "value": "<ACCOUNT_NUMBER_1>",
             "extractor": "PlaceholderEntityExtractor"},
            {"entity": "person", "start": 27, "end": 37, "value": "<PERSON_2>",
             "extractor": "PlaceholderEntityExtractor"},
        ]),
        (NumberEntityExtractor, "send £40 from <ACCOUNT_NUMBER_1> in 2 weeks", [
            {"entity": "amount", "start": 5, "end": 8, "value": 40.0, "extractor": "NumberEntityExtractor"},
            {"entity": "duration", "start": 36, "end": 43, "value": pytest.approx(24 / 52),
             "extractor": "NumberEntityExtractor"},
        ]),
        (NumberEntityExtractor, "what is my balance", []),
        (PlaceholderEntityExtractor, "", []),
        (NumberEntityExtractor, "", []),
    ],
)
def test_entities_as_rasa_reports_them(
    extractor: Extractor, text: str, expected: List[Dict[str, Any]],
    model_storage: ModelStorage, execution_context: ExecutionContext,
) -> None:
    (message,) = run(extractor, model_storage, execution_context, text)
    assert message.get(ENTITIES) == expected
    assert ENTITIES in message.output_properties


def test_extractors_add_to_entities_already_there(
    model_storage: ModelStorage, execution_context: ExecutionContext,
) -> None:
    message = Message(data={TEXT: "pay <PERSON_1> 30 dollars", ENTITIES: [{"entity": "x", "value": "y"}]})
    for extractor in (PlaceholderEntityExtractor, NumberEntityExtractor):
        extractor.create({}, model_storage, Resource("r"), execution_context).process([message])
    assert [e["entity"] for e in message.get(ENTITIES)] == ["x", "person", "amount"]


def test_a_message_without_text_gets_no_entities(
    model_storage: ModelStorage, execution_context: ExecutionContext,
) -> None:
    message = Message(data={})
    NumberEntityExtractor.create({}, model_storage, Resource("r"), execution_context).process([message])
    assert message.get(ENTITIES) == []


@pytest.mark.parametrize("extractor", [PlaceholderEntityExtractor, NumberEntityExtractor])
def test_registered_as_untrained_entity_extractors(extractor: Extractor) -> None:
    registered = DefaultV1Recipe._from_registry(f"bot.nlu.extractors.{extractor.__name__}")
    assert registered.clazz is extractor
    assert registered.types == {DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR}
    assert registered.is_trainable is False
