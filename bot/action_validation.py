"""Validate the action server's answers against Rasa's schema, with the schema itself checked once.

Rasa 3.6 checks every answer of the action server with ``jsonschema.validate``,
which first checks the schema against its JSON Schema metaschema, on every
call: about 38 ms of CPU per action call on our machines (one message's round
trip went from about 235 to about 175 ms without it). ``validate_action_result``
validates with one validator built (and its schema checked) once per process:
the same schema, the same errors and the same message, for a fraction of a
millisecond. ``bot.patches.rasa_actions`` makes it ``RemoteAction``'s.
"""

from __future__ import annotations

import functools
from typing import Any, Dict

from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction

# What Rasa 3.6 appends to the error's message (rasa/core/actions/action.py, _validate_action_result).
RASA_HINT = (
    ". Failed to validate Action server response from API, make sure your response from the Action "
    "endpoint is valid. For more information about the format visit {docs}/custom-actions"
)


@functools.lru_cache(maxsize=1)
def response_validator() -> Validator:
    """A validator for Rasa's action response schema; the schema is checked here, once."""
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(action: RemoteAction, result: Dict[str, Any]) -> bool:
    """What ``RemoteAction._validate_action_result`` does, with the validator built once."""
    from rasa.shared.constants import DOCS_BASE_URL

    error = best_match(response_validator().iter_errors(result))
    if error is not None:
        error.message += RASA_HINT.format(docs=DOCS_BASE_URL)
        raise error
    return True


__all__ = ["ValidationError", "response_validator", "validate_action_result"]
