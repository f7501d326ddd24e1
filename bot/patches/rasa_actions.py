"""Rasa's ``RemoteAction`` validates the action server's answers with a validator built once
(``bot.action_validation`` says why)."""

from __future__ import annotations

import logging

from bot.patches.guard import Target, mark

logger = logging.getLogger(__name__)

PATCH = "action answer validation"
RASA = "3.6.21"
VALIDATE = Target(PATCH, "rasa", RASA, "rasa.core.actions.action", "RemoteAction._validate_action_result",
                  "(self, result: Dict[str, Any]) -> bool")


def install_action_validation() -> None:
    """Make every ``RemoteAction`` of this process validate answers with the validator built once; idempotent.

    VersionMismatch or SignatureMismatch if Rasa is not the version this was written for. A method that is
    not Rasa's own (someone else replaced it) is left in place, with a warning.
    """
    from rasa.core.actions.action import RemoteAction

    from bot.action_validation import response_validator, validate_action_result

    current = VALIDATE.present()
    if current is validate_action_result:
        mark(PATCH)
        return
    if getattr(current, "__module__", "") != RemoteAction.__module__:
        logger.warning("Rasa's action answer validation was left as it is: it is not Rasa's own method")
        return
    VALIDATE.check_signature(current)
    response_validator()  # a schema that does not check fails here, at start, not on a message
    RemoteAction._validate_action_result = validate_action_result
    mark(PATCH)
    logger.debug("action server answers are validated with a validator built once")
