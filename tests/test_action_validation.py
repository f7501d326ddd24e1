"""The action server's answers are validated as Rasa validates them, with the schema checked once."""

from __future__ import annotations

from typing import Any, Dict, Iterator

import jsonschema
import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from bot import action_validation
from bot.action_validation import response_validator, validate_action_result
from bot.patches.rasa_actions import install_action_validation as install

RASAS_OWN = RemoteAction._validate_action_result  # as imported, before any install

GOOD: Dict[str, Any] = {
    "events": [{"event": "slot", "name": "amount", "value": 25, "timestamp": None},
               {"event": "followup", "name": "action_listen"}],
    "responses": [{"text": "Done."}],
}
BAD_ANSWERS = [
    {"events": "not a list", "responses": []},
    {"events": [{"name": "no event type"}], "responses": []},
    {"events": [{"event": "slot", "name": 5}], "responses": []},
    {"events": [], "responses": ["not an object"]},
]


@pytest.fixture
def rasas_validation() -> Iterator[None]:
    """Rasa's own method back in place around the test."""
    RemoteAction._validate_action_result = RASAS_OWN  # type: ignore[method-assign]
    yield
    RemoteAction._validate_action_result = RASAS_OWN  # type: ignore[method-assign]


def action() -> RemoteAction:
    return RemoteAction("action_transfer", EndpointConfig("http://127.0.0.1:9/webhook"))


def test_the_method_compared_with_is_rasas_own() -> None:
    assert RASAS_OWN.__module__ == "rasa.core.actions.action"


def test_a_good_answer_passes() -> None:
    assert validate_action_result(action(), GOOD) is True


@pytest.mark.parametrize("answer", BAD_ANSWERS)
def test_a_bad_answer_fails_with_rasas_error_and_message(rasas_validation: None, answer: Dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as ours:
        validate_action_result(action(), answer)
    with pytest.raises(ValidationError) as rasas:
        RASAS_OWN(action(), answer)
    assert ours.value.message == rasas.value.message
    assert list(ours.value.path) == list(rasas.value.path)
    assert "Failed to validate Action server response" in ours.value.message


def test_install_replaces_rasas_method_once_and_the_schema_is_not_checked_again(
        rasas_validation: None, monkeypatch: pytest.MonkeyPatch) -> None:
    install()
    install()
    assert RemoteAction._validate_action_result is validate_action_result
    checker = type(response_validator())

    def no_more_checks(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the schema was checked again")

    monkeypatch.setattr(checker, "check_schema", classmethod(no_more_checks))
    assert action()._validate_action_result(GOOD) is True
    with pytest.raises(ValidationError):
        action()._validate_action_result(BAD_ANSWERS[0])
    # What Rasa itself would do checks the schema on every answer: the reason for this module.
    with pytest.raises(AssertionError, match="checked again"):
        jsonschema.validate(GOOD, RemoteAction.action_response_format_spec())


def test_another_rasas_method_is_left_alone(rasas_validation: None) -> None:
    def someone_elses(self: RemoteAction, result: Dict[str, Any]) -> bool:
        return True

    RemoteAction._validate_action_result = someone_elses  # type: ignore[method-assign]
    install()
    assert RemoteAction._validate_action_result is someone_elses


def test_the_module_says_what_it_offers() -> None:
    # Installing it into Rasa is bot.patches.rasa_actions's job.
    assert set(action_validation.__all__) == {"ValidationError", "response_validator", "validate_action_result"}
