"""The first step of the NLU pipeline: redact the message text before any other component reads it.

Every channel of ours redacts at the door, so here the text is already in
placeholder form and passes unchanged. Plain ``rasa shell`` uses Rasa's own
``cmdline`` channel, which we cannot wrap: for it, this step keeps raw values
out of the tokens, the entities the extractors find, the slots filled from
them and the parse data that Rasa logs. (The ``UserUttered`` text itself is
scrubbed by the redacting tracker store and event broker, and by the action
server.) Rasa hands the step the conversation's tracker, so placeholders are
numbered in the conversation (as the store numbers them) and a value split
over two messages is caught from the message before. A failure to redact
empties the text: the message is then not understood, rather than understood
from raw text.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.clock import SYSTEM_CLOCK, Clock
from bot.privacy import PrivacyError, Redactor
from bot.privacy.engine import CONTINUATION_SECONDS

logger = logging.getLogger(__name__)

SCOPE = "nlu"  # when there is no tracker (parsing outside a conversation)


def previous_message(tracker: DialogueStateTracker, now: float) -> Optional[str]:
    """The conversation's last user message, if recent enough for this one to continue a value it began."""
    last = next((e for e in reversed(tracker.events) if isinstance(e, UserUttered)), None)
    if last is None or last.text is None or now - last.timestamp > CONTINUATION_SECONDS:
        return None
    return last.text


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class RedactingPreprocessor(GraphComponent):
    """Replaces identifiers in the message text by placeholders (training data is left as it is)."""

    def __init__(self, redactor: Optional[Redactor] = None, clock: Clock = SYSTEM_CLOCK) -> None:
        self._redactor = redactor
        self._clock = clock  # now(): compared with the events' timestamps

    @classmethod
    def create(
        cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
        execution_context: ExecutionContext,
    ) -> RedactingPreprocessor:
        from bot import patches

        # A process that Rasa's own command line started (plain `rasa shell`, `rasa run`) runs no code of ours
        # before the model loads: this is where it gets its patches (bot.patches; its console redacts before
        # it sends, its agent gets the fault handling). In a process an entry point prepared, nothing happens.
        patches.ensure_rasa_process()
        return cls()

    @property
    def redactor(self) -> Redactor:
        if self._redactor is None:
            from bot.runtime import shared_redactor

            self._redactor = shared_redactor()  # the process's engine, as the stores use it
        return self._redactor

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        # Training examples are checked to be in placeholder form already (tests/test_training_data.py).
        return training_data

    def process(self, messages: List[Message], tracker: Optional[DialogueStateTracker] = None) -> List[Message]:
        conversation = tracker.sender_id if tracker is not None else SCOPE
        before = previous_message(tracker, self._clock.now()) if tracker is not None else None
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text.strip():
                continue
            try:
                redacted = self.redactor.redact(text, conversation, after=before).text
            except PrivacyError as error:
                logger.warning("the NLU step could not redact a message (%s); text dropped", type(error).__name__)
                redacted = ""
            if redacted != text:
                message.set(TEXT, redacted)
        if tracker is None:
            self.redactor.forget(SCOPE)
        return messages
