"""Actions for testing the action server: one echoes what it was given, one fails."""

from __future__ import annotations

import json
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher


class ActionEcho(Action):
    def name(self) -> str:
        return "action_echo"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[Dict]:
        seen = {"text": tracker.latest_message.get("text"), "slots": tracker.current_slot_values(),
                "events": tracker.events}
        dispatcher.utter_message(text=json.dumps(seen))
        return []


class ActionFail(Action):
    def name(self) -> str:
        return "action_fail"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[Dict]:
        raise RuntimeError(f"failed on {tracker.latest_message.get('text')}")
