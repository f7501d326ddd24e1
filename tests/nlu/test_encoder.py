"""The sentence encoder: found from its package, loaded offline, unit vectors that mean something."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import List, Tuple

import numpy as np
import pytest

from bot.nlu import encoder as encoder_module
from bot.nlu.encoder import DIMENSION, MODEL_PACKAGE, EncoderError, SentenceEncoder, model_dir, readable


def test_model_folder_comes_from_the_installed_package() -> None:
    package = importlib.import_module(MODEL_PACKAGE)
    folder = model_dir()
    assert folder == Path(package.__file__).resolve().parent / "model"
    assert (folder / "model.safetensors").is_file() and (folder / "tokenizer.json").is_file()


def test_a_missing_package_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(encoder_module, "MODEL_PACKAGE", "no_such_model_package")
    with pytest.raises(EncoderError, match=r"no_such_model_package.*not installed"):
        model_dir()


def test_loading_and_encoding_open_no_connection(loaded_encoder: Tuple[SentenceEncoder, List[str]]) -> None:
    encoder, attempts = loaded_encoder
    assert encoder.loaded
    assert attempts == []


def test_vectors_are_unit_length_and_one_per_text(encoder: SentenceEncoder) -> None:
    vectors = encoder.encode(["hello", "", "where is my card? " * 100])
    assert vectors.shape == (3, DIMENSION) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert encoder.encode([]).shape == (0, DIMENSION)


def test_rows_do_not_depend_on_batching(encoder: SentenceEncoder) -> None:
    texts = ["a short one", "a somewhat longer message about a card that never arrived", "top up failed"]
    encoder.clear_cache()
    together = encoder.encode(texts)
    alone = []
    for text in reversed(texts):
        encoder.clear_cache()  # encoded on its own, not taken from the cache
        alone.append(encoder.encode([text]))
    assert encoder.hits == 0
    assert np.allclose(together, np.vstack(alone)[::-1], atol=1e-4)


def test_a_text_seen_lately_is_not_encoded_again(encoder: SentenceEncoder, monkeypatch: pytest.MonkeyPatch) -> None:
    encoder.clear_cache()
    first = encoder.encode(["hi", "what's my balance"])
    again = encoder.encode(["what's my balance", "hi", "how do I budget"])
    assert (encoder.hits, encoder.misses) == (2, 3)
    assert np.array_equal(again[:2], first[::-1])
    monkeypatch.setattr(encoder, "cache_size", 2)  # the oldest goes first
    encoder.encode(["a third text"])
    assert encoder.cached == 2
    encoder.encode(["hi"])
    assert encoder.misses == 5
    assert np.allclose(encoder.encode(["hi"]), first[:1], atol=1e-4)


def test_similar_meanings_are_close(encoder: SentenceEncoder) -> None:
    card, late, rate = encoder.encode(["my card hasn't arrived yet", "when will my new card be delivered",
                                       "what exchange rate do you use"])
    assert float(card @ late) > float(card @ rate) + 0.2


def test_placeholders_read_as_what_they_stand_for(encoder: SentenceEncoder) -> None:
    placeholder, words = encoder.encode(["send it to <ACCOUNT_NUMBER_1>", "send it to account number"])
    assert np.allclose(placeholder, words, atol=1e-5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my card <CREDIT_CARD_1> is blocked", "my card card number is blocked"),
        ("pay <PERSON_2> from <IBAN_CODE_1>", "pay someone from IBAN"),
        ("I live at <ADDRESS_1>", "I live at my address"),
        ("<US_SSN_1>", "Social Security number"),
        ("an unknown <SOME_TYPE_1>", "an unknown some type"),
        ("no placeholder here", "no placeholder here"),
    ],
)
def test_readable(text: str, expected: str) -> None:
    assert readable(text) == expected
