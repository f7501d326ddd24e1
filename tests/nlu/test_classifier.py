"""The intent classifier through Rasa's component API: train, persist, load, process."""

from __future__ import annotations

import json
from typing import Any, Dict, List

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler
from rasa.shared.core.domain import Domain
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.classifier import MODEL_FILE, SentenceEncoderIntentClassifier
from bot.nlu.encoder import SentenceEncoder

EXAMPLES: Dict[str, List[str]] = {
    "greet": ["hi", "hello there", "good morning", "hey"],
    "goodbye": ["bye", "see you later", "goodbye", "talk to you soon"],
    "card_arrival": ["my card has not arrived", "where is my new card", "the card still isn't here",
                     "how long does card delivery take"],
    "exchange_rate": ["what is the exchange rate", "how do you set exchange rates", "euro to dollar rate",
                      "which currency rate do you use"],
    "lost_or_stolen_card": ["I lost my card", "my card was stolen", "someone took my wallet with my card",
                            "I can't find my card anywhere"],
    "check_balance": ["what's my balance", "how much money is in <ACCOUNT_NUMBER_1>", "show my account balance",
                      "how much do I have"],
    "transfer_money": ["send money to <PERSON_1>", "transfer 50 to <IBAN_CODE_1>", "pay my friend",
                       "move money to my savings"],
    "ask_mortgage": ["how do mortgages work", "should I get a fixed rate mortgage", "can I afford a house loan",
                     "what deposit do I need for a home"],
    "ask_investing": ["how should I invest", "are index funds good", "should I buy stocks", "how to start investing"],
    "ask_retirement": ["how much do I need to retire", "should I pay into a pension", "when can I retire",
                       "retirement savings advice"],
    "thanks": ["thanks", "thank you so much", "cheers", "much appreciated"],
    "ask_credit_score": ["what is my credit score", "how to improve my credit rating", "does checking my score hurt it",
                         "why is my credit score low"],
}
QUERIES = {
    "good evening, hello": "greet",
    "my new card never arrived": "card_arrival",
    "my card got stolen yesterday": "lost_or_stolen_card",
    "how much money do I have in <ACCOUNT_NUMBER_2>": "check_balance",
    "I want to send money to <PERSON_3>": "transfer_money",
    "thank you": "thanks",
}


def training_data() -> TrainingData:
    return TrainingData([Message(data={TEXT: text, INTENT: intent}) for intent, texts in EXAMPLES.items()
                         for text in texts])


@pytest.fixture
def trained(model_storage: ModelStorage, execution_context: ExecutionContext,
            encoder: SentenceEncoder) -> SentenceEncoderIntentClassifier:
    """Trained, persisted and loaded again, as Rasa does between `rasa train` and `rasa run`."""
    resource = Resource("intent_classifier")
    classifier = SentenceEncoderIntentClassifier.create({}, model_storage, resource, execution_context)
    assert classifier.train(training_data()) == resource
    return SentenceEncoderIntentClassifier.load({}, model_storage, resource, execution_context)


def fallback(config: Dict[str, Any]) -> FallbackClassifier:
    return FallbackClassifier({**FallbackClassifier.get_default_config(), **config})


def parse(classifier: Any, *texts: str) -> List[Message]:
    return classifier.process([Message(data={TEXT: text}) for text in texts])


def test_predicts_the_intents_of_new_sentences(trained: SentenceEncoderIntentClassifier) -> None:
    messages = parse(trained, *QUERIES)
    assert {m.get(TEXT): m.get(INTENT)["name"] for m in messages} == QUERIES


def test_a_question_wrapped_in_identifier_clauses_reads_as_the_question(
        trained: SentenceEncoderIntentClassifier) -> None:
    clean, *overshared = parse(
        trained, "where is my new card",
        "my card number is <CREDIT_CARD_1> and my name is <PERSON_1> and my email is <EMAIL_ADDRESS_1>, "
        "where is my new card",
        "where is my new card (account <ACCOUNT_NUMBER_1>, sort code <SORT_CODE_1>, IBAN <IBAN_CODE_1>)",
    )
    assert clean.get(INTENT)["name"] == "card_arrival"
    for message in overshared:
        assert message.get(INTENT)["name"] == "card_arrival"
        assert message.get(INTENT)["confidence"] == pytest.approx(clean.get(INTENT)["confidence"], abs=0.1)
    # A question that holds its placeholder is read whole.
    assert parse(trained, "I want to send money to <PERSON_3>")[0].get(INTENT)["name"] == "transfer_money"


def test_intent_and_ranking_as_rasa_sets_them(trained: SentenceEncoderIntentClassifier) -> None:
    (message,) = parse(trained, "where is my card")
    intent, ranking = message.get(INTENT), message.get(INTENT_RANKING_KEY)
    assert set(intent) == {"name", "confidence"} and intent == ranking[0]
    assert len(ranking) == 10  # 12 intents, the default ranking length
    assert all(set(entry) == {"name", "confidence"} for entry in ranking)
    confidences = [entry["confidence"] for entry in ranking]
    assert confidences == sorted(confidences, reverse=True)
    assert all(type(c) is float and 0.0 < c <= 1.0 for c in confidences)
    assert sum(confidences) <= 1.0 + 1e-9
    assert len({entry["name"] for entry in ranking}) == 10
    assert {INTENT, INTENT_RANKING_KEY} <= message.output_properties
    json.dumps(message.as_dict(only_output_properties=True))  # goes into the tracker as JSON


def test_ranking_length_is_configurable(model_storage: ModelStorage, execution_context: ExecutionContext,
                                        trained: SentenceEncoderIntentClassifier) -> None:
    short = SentenceEncoderIntentClassifier.load({"ranking_length": 3}, model_storage,
                                                 Resource("intent_classifier"), execution_context)
    (message,) = parse(short, "hello")
    assert len(message.get(INTENT_RANKING_KEY)) == 3


@pytest.mark.parametrize("text", ["", "   "])
def test_no_text_gives_no_intent_and_falls_back(trained: SentenceEncoderIntentClassifier, text: str) -> None:
    (message,) = parse(trained, text)
    assert message.get(INTENT) == {"name": None, "confidence": 0.0}
    assert message.get(INTENT_RANKING_KEY) == []
    fallback({}).process([message])
    assert message.get(INTENT)["name"] == "nlu_fallback"


def test_fallback_classifier_reads_our_confidences(trained: SentenceEncoderIntentClassifier) -> None:
    sure, unsure = parse(trained, "my card was stolen", "my card was stolen")
    fallback({"threshold": 0.05, "ambiguity_threshold": 0.0}).process([sure])
    fallback({"threshold": 1.0, "ambiguity_threshold": 0.0}).process([unsure])
    assert sure.get(INTENT)["name"] == "lost_or_stolen_card"
    assert unsure.get(INTENT)["name"] == "nlu_fallback"
    assert unsure.get(INTENT_RANKING_KEY)[1]["name"] == "lost_or_stolen_card"


def test_intent_payloads_are_left_to_rasas_handler(trained: SentenceEncoderIntentClassifier) -> None:
    # Rasa runs the whole pipeline on "/intent" messages, then RegexMessageHandler overrides the prediction.
    (message,) = parse(trained, "/goodbye")
    assert message.get(INTENT)["name"] in EXAMPLES
    domain = Domain.from_dict({"intents": list(EXAMPLES)})
    (handled,) = RegexMessageHandler().process([message], domain)
    assert handled.get(INTENT) == {"name": "goodbye", "confidence": 1.0}


def test_untrained_or_never_persisted_predicts_nothing(model_storage: ModelStorage,
                                                       execution_context: ExecutionContext) -> None:
    resource = Resource("empty")
    classifier = SentenceEncoderIntentClassifier.create({}, model_storage, resource, execution_context)
    assert classifier.train(TrainingData([Message(data={TEXT: "no intent here"})])) == resource
    loaded = SentenceEncoderIntentClassifier.load({}, model_storage, resource, execution_context)
    (message,) = parse(loaded, "hello")
    assert message.get(INTENT) == {"name": None, "confidence": 0.0}


def test_the_model_holds_no_encoder_weights(model_storage: ModelStorage, execution_context: ExecutionContext,
                                            trained: SentenceEncoderIntentClassifier) -> None:
    with model_storage.read_from(Resource("intent_classifier")) as directory:
        files = {path.name: path.stat().st_size for path in directory.iterdir()}
    assert list(files) == [MODEL_FILE]
    assert files[MODEL_FILE] < 5_000_000  # the encoder's weights alone are 90 MB


def test_registered_as_a_trainable_intent_classifier() -> None:
    registered = DefaultV1Recipe._from_registry("bot.nlu.classifier.SentenceEncoderIntentClassifier")
    assert registered.clazz is SentenceEncoderIntentClassifier
    assert registered.types == {DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER}
    assert registered.is_trainable is True


def test_bad_config_is_rejected_when_rasa_validates_it() -> None:
    with pytest.raises(ValueError, match="invalid intent model config"):
        SentenceEncoderIntentClassifier.validate_config({"C": -1})


def test_rasas_training_cache_sees_changes_to_the_model_code(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.nlu import classifier as classifier_module

    before = SentenceEncoderIntentClassifier.fingerprint_addon({})
    assert before == SentenceEncoderIntentClassifier.fingerprint_addon({})
    monkeypatch.setattr(classifier_module.inspect, "getsource", lambda module: f"changed {module.__name__}")
    assert SentenceEncoderIntentClassifier.fingerprint_addon({}) != before
