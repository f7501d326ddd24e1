"""The NLU pipeline's first step redacts what an unwrapped channel (plain rasa shell) let through."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu_redacting import RedactingPreprocessor
from bot.privacy import Redactor
from bot.privacy.analyzer import build_analyzer
from bot.privacy.errors import RedactionError


@pytest.fixture(scope="module")
def step(nlp_engine: Any) -> RedactingPreprocessor:
    return RedactingPreprocessor(Redactor(analyzer=build_analyzer(nlp_engine=nlp_engine)))


@pytest.mark.parametrize("text, expected", [
    ("my card is 4111 1111 1111 1111", "my card is <CREDIT_CARD_1>"),
    ("my ssn is 219-09-9999 and card 5555 5555 5555 4444", "my ssn is <US_SSN_1> and card <CREDIT_CARD_1>"),
    ("my card is <CREDIT_CARD_1>", "my card is <CREDIT_CARD_1>"),  # a channel already redacted it
    ("how do I save for a house?", "how do I save for a house?"),
])
def test_the_text_the_pipeline_sees_is_redacted(step: RedactingPreprocessor, text: str, expected: str) -> None:
    message = Message(data={TEXT: text})
    step.process([message])
    assert message.get(TEXT) == expected


def test_numbering_follows_the_conversation_and_split_values_are_caught(step: RedactingPreprocessor) -> None:
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    tracker = DialogueStateTracker.from_events("c7", [UserUttered("my card number is 4111 1111")])
    second = Message(data={TEXT: "1111 1111"})
    step.process([second], tracker)
    assert second.get(TEXT) == "<CREDIT_CARD_1>"
    third = Message(data={TEXT: "and 5555 5555 5555 4444 too"})
    step.process([third], DialogueStateTracker.from_events("c7", [UserUttered("hello")]))
    assert third.get(TEXT) == "and <CREDIT_CARD_2> too"  # numbered after the conversation's first card


def test_without_a_conversation_numbering_starts_again_for_each_batch(step: RedactingPreprocessor) -> None:
    first, second = Message(data={TEXT: "card 4111 1111 1111 1111"}), Message(data={TEXT: "card 5555 5555 5555 4444"})
    step.process([first])
    step.process([second])
    assert first.get(TEXT) == second.get(TEXT) == "card <CREDIT_CARD_1>"


def test_training_data_passes_unchanged(step: RedactingPreprocessor) -> None:
    data = TrainingData([Message(data={TEXT: "my card <CREDIT_CARD_1> is lost", "intent": "lost_or_stolen_card"})])
    assert step.process_training_data(data) is data
    assert data.training_examples[0].get(TEXT) == "my card <CREDIT_CARD_1> is lost"


def test_a_text_that_cannot_be_redacted_is_dropped_not_passed(monkeypatch: pytest.MonkeyPatch,
                                                               step: RedactingPreprocessor) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RedactionError("detection failed (ValueError)")

    monkeypatch.setattr(step.redactor, "redact", broken)
    message = Message(data={TEXT: "my card is 4111 1111 1111 1111"})
    step.process([message])
    assert message.get(TEXT) == ""
