"""Rasa's own form machinery in the test process: slot extraction, FormAction and remote actions.

No model is needed: each turn gives the intent and entities the NLU pipeline
would, then runs what Rasa runs after a user message (``action_extract_slots``,
then the form, then the outcome action once the form is done). The action
server is this process: Rasa's calls reach rasa-sdk's executor directly, as JSON.
"""

from __future__ import annotations

import asyncio
import json
import warnings
from typing import Any, Dict, List, Mapping, Optional

warnings.filterwarnings("ignore")
from rasa.core.actions.action import ActionExecutionRejection, ActionExtractSlots, RemoteAction  # noqa: E402
from rasa.core.actions.forms import FormAction  # noqa: E402
from rasa.core.channels import CollectingOutputChannel  # noqa: E402
from rasa.core.nlg import TemplatedNaturalLanguageGenerator  # noqa: E402
from rasa.shared.core.domain import Domain  # noqa: E402
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, UserUttered  # noqa: E402
from rasa.shared.core.trackers import DialogueStateTracker  # noqa: E402
from rasa.utils.endpoints import EndpointConfig  # noqa: E402
from rasa_sdk.executor import ActionExecutor  # noqa: E402


class InProcessActionServer(EndpointConfig):
    """An action endpoint that hands each call to rasa-sdk's executor in this process."""

    def __init__(self, executor: ActionExecutor) -> None:
        super().__init__(url="http://in-process")
        self.executor = executor

    async def request(self, method: str = "post", subpath: Optional[str] = None,
                      content_type: Optional[str] = "application/json", compress: bool = False,
                      **kwargs: Any) -> Any:
        call = json.loads(json.dumps(kwargs["json"]))  # over the wire: JSON only
        return await self.executor.run(call)


class FormConversation:
    """One user's conversation: each ``say`` runs a user turn as Rasa's processor would around a form.

    ``outcomes`` names the action each form's rules run once it is complete.
    """

    def __init__(self, domain: Domain, executor: ActionExecutor, outcomes: Mapping[str, str], sender: str) -> None:
        self.domain = domain
        self.endpoint = InProcessActionServer(executor)
        self.outcomes = outcomes
        self.tracker = DialogueStateTracker(sender, domain.slots)
        self.nlg = TemplatedNaturalLanguageGenerator(domain.responses)
        self.rejected = False

    def say(self, text: str, intent: str, entities: Optional[List[Dict[str, Any]]] = None,
            form: Optional[str] = None) -> List[str]:
        """The bot's replies to one message; ``form`` is the form its intent starts (as the rules say)."""
        start = len(self.tracker.events)
        channel = CollectingOutputChannel()
        self.apply([ActionExecuted("action_listen"),
                    UserUttered(text, {"name": intent, "confidence": 1.0}, entities or [])])
        self.apply(self.execute(ActionExtractSlots(self.endpoint), channel))
        name = self.tracker.active_loop_name or form
        self.rejected = False
        if name:
            try:
                self.apply([ActionExecuted(name), *self.execute(FormAction(name, self.endpoint), channel)])
            except ActionExecutionRejection:
                self.rejected = True  # the policies take over (the rules in data/rules/)
            if not self.rejected and self.tracker.active_loop_name is None:
                self.act(self.outcomes[name], channel)
        return self.replies(start)

    def act(self, action_name: str, channel: Optional[CollectingOutputChannel] = None) -> List[str]:
        """Run one remote action, as a rule would predict it; its replies."""
        start = len(self.tracker.events)
        channel = channel or CollectingOutputChannel()
        self.apply([ActionExecuted(action_name),
                    *self.execute(RemoteAction(action_name, self.endpoint), channel)])
        return self.replies(start)

    def replies(self, start: int) -> List[str]:
        """The texts the bot sent since event ``start``."""
        return [event.text for event in list(self.tracker.events)[start:] if isinstance(event, BotUttered)]

    def apply(self, events: List[Event]) -> None:
        self.tracker.update_with_events(events, self.domain)

    def execute(self, action: Any, channel: CollectingOutputChannel) -> List[Event]:
        return asyncio.run(action.run(channel, self.nlg, self.tracker, self.domain))

    def slot(self, name: str) -> Any:
        return self.tracker.get_slot(name)

    @property
    def active_form(self) -> Optional[str]:
        return self.tracker.active_loop_name

    def dump(self) -> str:
        """Every event of the conversation, as the tracker store would keep it."""
        return json.dumps([event.as_dict() for event in self.tracker.events])
