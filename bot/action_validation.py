"""Validate the action server's answers against Rasa's schema, with the schema itself checked once.

Rasa 3.6 checks every answer of the action server with ``jsonschema.validate``,
which first checks the schema against its JSON Schema metaschema, on every
call: about 38 ms of CPU per action call on our machines (one message's round
trip went from about 235 to about 175 ms without it). ``install`` makes ``RemoteAction``
validate with one validator built (and its schema checked) once per process:
the same schema, the same errors and the same message, for a fraction of a
millisecond.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Dict

from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction

logger = logging.getLogger(__name__)

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


def install() -> None:
    """Make every ``RemoteAction`` of this process validate answers with the validator built once."""
    current = getattr(RemoteAction, "_validate_action_result", None)
    if getattr(current, "__module__", "") == __name__:
        return
    if getattr(current, "__module__", "") != RemoteAction.__module__:
        # Not the method this replaces (another Rasa version): leave Rasa's own validation in place.
        logger.warning("Rasa's action answer validation was left as it is: it is not the one this was made for")
        return
    response_validator()  # a schema that does not check fails here, at start, not on a message
    RemoteAction._validate_action_result = validate_action_result
    logger.debug("action server answers are validated with a validator built once")


__all__ = ["ValidationError", "install", "response_validator", "validate_action_result"]
