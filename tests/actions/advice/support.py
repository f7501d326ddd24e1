"""Helpers for the advice tests: trackers as Rasa sends them, running an action, and Rasa's own form machinery.

``tracker`` and ``form_tracker`` build the ``rasa_sdk.Tracker`` an action receives (after a user
message, or inside a form's validation call). ``Conversation`` drives Rasa's own form machinery
(``tests/support/rasa_forms.py``) with the advice domain and actions.
"""

from __future__ import annotations

import asyncio
import inspect
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from rasa.shared.core.domain import Domain
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

from tests.support.rasa_forms import FormConversation

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


class Conversation(FormConversation):
    """One user's conversation through Rasa's slot extraction, form loop and the advice actions (this process)."""

    def __init__(self) -> None:
        import actions.advice

        executor = ActionExecutor()
        for name in actions.advice.__all__:
            executor.register_action(getattr(actions.advice, name)())
        domain = Domain.load([str(path) for path in DOMAIN_FILES])
        super().__init__(domain, executor, OUTCOMES, USER)
