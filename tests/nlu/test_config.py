"""config.yml names the NLU components of bot.nlu, in an order Rasa accepts."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

import rasa.engine.validation
import rasa.shared.utils.io
from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from bot.nlu.classifier import SentenceEncoderIntentClassifier
from bot.nlu.extractors import NumberEntityExtractor, PlaceholderEntityExtractor

CONFIG = Path(__file__).resolve().parents[2] / "config.yml"


def load_config() -> Dict[str, Any]:
    return rasa.shared.utils.io.read_config_file(CONFIG)


def test_pipeline_uses_our_components_and_no_diet() -> None:
    classes: List[Any] = [DefaultV1Recipe._from_registry(item["name"]).clazz for item in load_config()["pipeline"]]
    names = [cls.__name__ for cls in classes]
    assert {SentenceEncoderIntentClassifier, PlaceholderEntityExtractor, NumberEntityExtractor} <= set(classes)
    assert "DIETClassifier" not in names
    # The fallback reads the classifier's confidences, so it must come after it.
    assert names.index("FallbackClassifier") > names.index("SentenceEncoderIntentClassifier")


def test_rasa_accepts_the_whole_configuration() -> None:
    config = load_config()
    model_configuration = DefaultV1Recipe().graph_config_for_recipe(config, {})
    rasa.engine.validation.validate(model_configuration)
