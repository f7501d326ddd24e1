"""The NLU pipeline's own components: intents from a sentence encoder, entities from rules.

Plain functions, usable without Rasa::

    find_numbers("I earn £2,500 a month")
    # [EntitySpan(entity='amount', start=7, end=13, value=2500.0, text='£2,500')]
    find_placeholders("to <PERSON_1>")
    # [EntitySpan(entity='person', start=3, end=13, value='<PERSON_1>', text='<PERSON_1>')]

The Rasa components (named in ``config.yml``) import Rasa, so they load on first use:

- ``SentenceEncoderIntentClassifier``: all-MiniLM-L6-v2 embeddings plus n-grams, a linear SVM.
- ``PlaceholderEntityExtractor``: ``<ACCOUNT_NUMBER_1>`` -> entity ``account_number``.
- ``NumberEntityExtractor``: ``amount``, ``percent``, ``duration`` (months), ``number``.
"""

from __future__ import annotations

import importlib
from typing import Any

from bot.nlu.numbers import find_numbers
from bot.nlu.placeholders import find_placeholders
from bot.nlu.spans import EntitySpan

__all__ = [
    "EntitySpan",
    "NumberEntityExtractor",
    "PlaceholderEntityExtractor",
    "SentenceEncoderIntentClassifier",
    "find_numbers",
    "find_placeholders",
]

# Importing Rasa takes seconds; code that only needs the functions (the action server) should not pay it.
_RASA_COMPONENTS = {
    "NumberEntityExtractor": "bot.nlu.extractors",
    "PlaceholderEntityExtractor": "bot.nlu.extractors",
    "SentenceEncoderIntentClassifier": "bot.nlu.classifier",
}


def __getattr__(name: str) -> Any:
    if name in _RASA_COMPONENTS:
        return getattr(importlib.import_module(_RASA_COMPONENTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
