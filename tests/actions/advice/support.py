"""Helpers for the advice tests: trackers as Rasa sends them, running an action, and Rasa's own form machinery.

``tracker`` and ``form_tracker`` build the ``rasa_sdk.Tracker`` an action receives (after a user
message, or inside a form's validation call). ``Conversation`` drives the real
``ActionExtractSlots`` and ``FormAction`` of Rasa with the project's domain files, the action
server being rasa-sdk's executor in this process; no model is needed: each turn gives the intent
and entities the NLU pipeline would.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import warnings
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

ROOT = Path(__file__).resolve().parents[3]
DOMAIN_FILES = [ROOT / "domain" / name for name in ("core.yml", "advice.yml", "banking.yml")]
USER = "user-3b9e"

OUTCOMES = {
    "budget_form": "action_budget_split",
    "emergency_fund_form": "action_emergency_fund_plan",
    "savings_goal_form": "action_savings_goal_plan",
    "debt_form": "action_debt_payoff_plan",
    "card_payoff_form": "action_card_payoff",
    "loan_form": "action_loan_payment",
    "loan_extra_form": "action_loan_extra_payment",
    "retirement_form": "action_retirement_projection",
}


def entity(kind: str, value: Any, text: str, typed: str) -> Dict[str, Any]:
    """An entity as the NLU pipeline gives it: ``typed`` is where it stands in ``text``."""
    start = text.index(typed)
    return {"entity": kind, "value": value, "start": start, "end": start + len(typed)}


def latest_message(text: str, intent: str, entities: Optional[List[Dict[str, Any]]] = None) -> Dict[str, Any]:
    return {"text": text, "intent": {"name": intent, "confidence": 0.96}, "entities": entities or []}


def tracker(text: str, intent: str, entities: Optional[List[Dict[str, Any]]] = None,
            slots: Optional[Dict[str, Any]] = None, active_loop: Optional[str] = None) -> Tracker:
    """A tracker after one user message (inside ``active_loop`` if given, as for a question mid-form)."""
    message = latest_message(text, intent, entities)
    return Tracker(USER, dict(slots or {}), message, [{"event": "user", "text": text, "parse_data": message}],
                   False, None, {"name": active_loop} if active_loop else {}, "action_listen")


def form_tracker(form: str, text: str, intent: str, entities: Optional[List[Dict[str, Any]]] = None,
                 slots: Optional[Dict[str, Any]] = None, candidates: Optional[Dict[str, Any]] = None,
                 requested_slot: Optional[str] = None) -> Tracker:
    """The tracker Rasa sends a form's validation action: earlier slots, then the candidates after the form's event."""
    message = latest_message(text, intent, entities)
    candidates = candidates or {}
    earlier = [{"event": "slot", "name": name, "value": value} for name, value in (slots or {}).items()]
    events = [
        *earlier,
        {"event": "user", "text": text, "parse_data": message},
        {"event": "slot", "name": "requested_slot", "value": requested_slot},
        {"event": "action", "name": form},
        *({"event": "slot", "name": name, "value": value} for name, value in candidates.items()),
    ]
    all_slots = {**(slots or {}), **candidates, "requested_slot": requested_slot}
    return Tracker(USER, all_slots, message, events, False, None, {"name": form}, form)


def run(action: Action, action_tracker: Tracker, domain: Optional[Dict[str, Any]] = None
        ) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """Run an action (sync or async) as the executor does: its events and the messages it sent."""
    dispatcher = CollectingDispatcher()
    result = action.run(dispatcher, action_tracker, domain or {})
    events = asyncio.run(result) if inspect.iscoroutine(result) else result
    return list(events), dispatcher.messages


def texts(messages: List[Dict[str, Any]]) -> List[str]:
    """What an action sent: each message's text, or ``<response name>`` for a domain response."""
    return [message.get("text") or f"<{message.get('response')}>" for message in messages]


class Conversation:
    """One user's conversation through Rasa's slot extraction, form loop and remote actions (this process)."""

    def __init__(self) -> None:
        warnings.filterwarnings("ignore")
        from rasa.core.nlg import TemplatedNaturalLanguageGenerator
        from rasa.shared.core.domain import Domain
        from rasa.shared.core.trackers import DialogueStateTracker
        from rasa_sdk.executor import ActionExecutor

        import actions.advice

        self.domain = Domain.load([str(path) for path in DOMAIN_FILES])
        executor = ActionExecutor()
        for name in actions.advice.__all__:
            executor.register_action(getattr(actions.advice, name)())
        self.endpoint = _in_process_endpoint(executor)
        self.tracker = DialogueStateTracker(USER, self.domain.slots)
        self.nlg = TemplatedNaturalLanguageGenerator(self.domain.responses)
        self.rejected = False

    def say(self, text: str, intent: str, entities: Optional[List[Dict[str, Any]]] = None,
            form: Optional[str] = None) -> List[str]:
        """The bot's replies to one message; ``form`` is the form its intent starts (as the rules say)."""
        from rasa.core.actions.action import ActionExecutionRejection, ActionExtractSlots
        from rasa.core.actions.forms import FormAction
        from rasa.core.channels import CollectingOutputChannel
        from rasa.shared.core.events import ActionExecuted, UserUttered

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
                self.rejected = True  # the policies take over (data/rules/advice.yml)
            if not self.rejected and self.tracker.active_loop_name is None:
                self.act(OUTCOMES[name], channel)
        return self.replies(start)

    def act(self, action_name: str, channel: Any = None) -> List[str]:
        """Run one remote action, as a rule would predict it; its replies."""
        from rasa.core.actions.action import RemoteAction
        from rasa.core.channels import CollectingOutputChannel
        from rasa.shared.core.events import ActionExecuted

        start = len(self.tracker.events)
        channel = channel or CollectingOutputChannel()
        self.apply([ActionExecuted(action_name), *self.execute(RemoteAction(action_name, self.endpoint), channel)])
        return self.replies(start)

    def replies(self, start: int) -> List[str]:
        """The texts the bot sent since event ``start``."""
        from rasa.shared.core.events import BotUttered

        return [event.text for event in list(self.tracker.events)[start:] if isinstance(event, BotUttered)]

    def apply(self, events: List[Any]) -> None:
        self.tracker.update_with_events(events, self.domain)

    def execute(self, action: Any, channel: Any) -> List[Any]:
        return asyncio.run(action.run(channel, self.nlg, self.tracker, self.domain))

    def slot(self, name: str) -> Any:
        return self.tracker.get_slot(name)

    @property
    def active_form(self) -> Optional[str]:
        return self.tracker.active_loop_name


def _in_process_endpoint(executor: Any) -> Any:
    """An action endpoint that hands each call to rasa-sdk's executor in this process, as JSON."""
    from rasa.utils.endpoints import EndpointConfig

    class InProcessActionServer(EndpointConfig):
        async def request(self, method: str = "post", subpath: Optional[str] = None,
                          content_type: Optional[str] = "application/json", compress: bool = False,
                          **kwargs: Any) -> Any:
            call = json.loads(json.dumps(kwargs["json"]))  # over the wire: JSON only
            return await executor.run(call)

    return InProcessActionServer(url="http://in-process")
