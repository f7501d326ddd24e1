"""Fixtures for the NLU components: Rasa's model storage and the sentence encoder, loaded once."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator, List, Tuple

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.storage import ModelStorage

from bot.nlu.encoder import SentenceEncoder, shared_encoder
from tests.support import netguard

_OFFLINE_VARIABLES = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")


@pytest.fixture
def model_storage(tmp_path: Path) -> ModelStorage:
    return LocalModelStorage.create(tmp_path)


@pytest.fixture
def execution_context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), model_id="test", node_name="nlu")


@pytest.fixture(scope="session")
def loaded_encoder() -> Iterator[Tuple[SentenceEncoder, List[str]]]:
    """The shared encoder, loaded once, with the network blocked and without the offline variables set.

    Yields the encoder and the outbound connections it attempted while loading
    and encoding (the guard records them; the list should stay empty).
    """
    saved = {name: os.environ.pop(name) for name in _OFFLINE_VARIABLES if name in os.environ}
    netguard.attempts.clear()
    netguard.install()
    try:
        encoder = shared_encoder()
        encoder.encode(["load the model now"])
        attempts = list(netguard.attempts)
    finally:
        netguard.uninstall()
        os.environ.update(saved)
    yield encoder, attempts


@pytest.fixture
def encoder(loaded_encoder: Tuple[SentenceEncoder, List[str]]) -> SentenceEncoder:
    return loaded_encoder[0]
