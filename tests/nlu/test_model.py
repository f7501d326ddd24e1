"""The intent model on its own: no encoder, hand-made embeddings."""

from __future__ import annotations

import pickle
from typing import Any, Dict

import numpy as np
import pytest

from bot.nlu.model import IntentModel, IntentModelConfig

TEXTS = ["my card has not arrived", "where is my new card", "card still not here",
         "what is the exchange rate", "exchange rates please", "how much is a euro in dollars",
         "I lost my card", "my card was stolen", "someone took my card"]
INTENTS = ["card_arrival"] * 3 + ["exchange_rate"] * 3 + ["lost_or_stolen_card"] * 3


def embeddings(n: int, seed: int = 0) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(n, 8))
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_learns_from_ngrams_and_gives_a_distribution() -> None:
    model = IntentModel().fit(TEXTS, INTENTS, embeddings(len(TEXTS)))
    assert model.classes == ["card_arrival", "exchange_rate", "lost_or_stolen_card"]
    queries = ["my new card has not arrived", "the exchange rate for euros", "my card was stolen"]
    # Zero embeddings: the n-grams alone must decide.
    probabilities = model.predict_proba(queries, np.zeros((3, 8)))
    assert probabilities.shape == (3, 3)
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    assert [model.classes[i] for i in probabilities.argmax(axis=1)] == ["card_arrival", "exchange_rate",
                                                                      "lost_or_stolen_card"]


def test_learns_from_embeddings_alone() -> None:
    # No n-gram is shared between the classes' texts and the queries: only the embeddings tell them apart.
    centres = np.eye(8)[:2]
    train = np.vstack([centres[0]] * 4 + [centres[1]] * 4) + np.random.default_rng(0).normal(0, 0.05, (8, 8))
    model = IntentModel(IntentModelConfig(embedding_weight=3.0)).fit(["aa"] * 8, ["a"] * 4 + ["b"] * 4, train)
    probabilities = model.predict_proba(["zz", "zz"], centres)
    assert [model.classes[i] for i in probabilities.argmax(axis=1)] == ["a", "b"]


def test_two_intents_give_two_columns() -> None:
    model = IntentModel().fit(TEXTS[:6], INTENTS[:6], embeddings(6))
    probabilities = model.predict_proba(["my card is not here", "exchange rate"], np.zeros((2, 8)))
    assert probabilities.shape == (2, 2)
    assert list(probabilities.argmax(axis=1)) == [0, 1]


def test_one_intent_is_certain() -> None:
    model = IntentModel().fit(TEXTS[:3], INTENTS[:3], embeddings(3))
    assert model.predict_proba(["anything"], embeddings(1)).tolist() == [[1.0]]


def test_tiny_data_with_no_ngram_to_keep_still_trains() -> None:
    # Single characters give the word vectorizer nothing, and min_df=2 leaves the char one nothing either.
    model = IntentModel().fit(["a", "b"], ["x", "y"], np.eye(8)[:2])
    assert model.predict_proba(["a"], np.eye(8)[:1]).argmax() == 0


def test_a_larger_scale_gives_sharper_confidences() -> None:
    flat = IntentModel(IntentModelConfig(confidence_scale=1.0)).fit(TEXTS, INTENTS, embeddings(9))
    sharp = IntentModel(IntentModelConfig(confidence_scale=20.0)).fit(TEXTS, INTENTS, embeddings(9))
    query = (["where is my card"], embeddings(1, seed=5))
    assert sharp.predict_proba(*query).max() > flat.predict_proba(*query).max()
    assert sharp.predict_proba(*query).argmax() == flat.predict_proba(*query).argmax()


def test_untrained_or_mismatched_input_is_refused() -> None:
    with pytest.raises(ValueError, match="not trained"):
        IntentModel().predict_proba(["x"], embeddings(1))
    with pytest.raises(ValueError, match="as many"):
        IntentModel().fit(TEXTS, INTENTS[:-1], embeddings(len(TEXTS)))


@pytest.mark.parametrize(
    "config",
    [{"C": 0}, {"embedding_weight": -1}, {"confidence_scale": 0}, {"char_min_df": 0},
     {"word_ngrams": [2, 1]}, {"char_ngrams": [0, 3]}],
)
def test_bad_config_is_rejected(config: Dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="invalid intent model config"):
        IntentModelConfig.from_dict(config)


def test_config_from_a_component_config() -> None:
    config = IntentModelConfig.from_dict({"C": 2.0, "word_ngrams": [1, 3], "ranking_length": 10})
    assert (config.C, config.word_ngrams) == (2.0, (1, 3))


def test_the_nearest_example_votes() -> None:
    # Same text and no embedding feature: the SVM cannot tell the intents apart, the nearest example can.
    train = np.eye(8)[:4]
    config = IntentModelConfig(embedding_weight=0.0, neighbour_weight=5.0)
    model = IntentModel(config).fit(["same words"] * 4, ["a", "a", "b", "b"], train)
    probabilities = model.predict_proba(["same words"] * 2, np.eye(8)[[0, 3]])
    assert [model.classes[i] for i in probabilities.argmax(axis=1)] == ["a", "b"]
    silent = IntentModel(IntentModelConfig(embedding_weight=0.0, neighbour_weight=0.0))
    silent.fit(["same words"] * 4, ["a", "a", "b", "b"], train)
    assert np.allclose(silent.predict_proba(["same words"], np.eye(8)[[3]]), 0.5, atol=1e-3)


def test_pickles_without_its_working_copy() -> None:
    model = IntentModel().fit(TEXTS, INTENTS, embeddings(9))
    before = model.predict_proba(["where is my card"], embeddings(1, seed=2))
    restored = pickle.loads(pickle.dumps(model))
    assert restored.__dict__["_neighbours32"] is None
    assert np.allclose(restored.predict_proba(["where is my card"], embeddings(1, seed=2)), before)
