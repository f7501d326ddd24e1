"""Actions that act on a customer's accounts or data run only in a conversation whose identity was proven.

A conversation is signed in when its id is ``app:<subject>``: only the app channel
(a verified JWT) and a socket.io connection with a verified token create such
ids; the open channels refuse them (bot.channels.auth). The action server checks
this before it runs an action marked with ``SignedInOnly`` and, for any other
conversation, answers ``answer_without_sign_in`` instead: it says that the
person must sign in, and ends the banking form that asked, so advice and
questions about the bank's services go on working.
"""

from __future__ import annotations

from typing import Any, Dict, List

SIGN_IN = (
    "I can only look at or change accounts for a customer who has signed in, so I can't do that here. "
    "Please sign in to online banking or the app and ask me there. I can still help with budgeting, "
    "saving and questions about our services."
)
BANKING_SLOTS = (
    "transfer_payee", "transfer_amount", "transfer_source", "transfer_confirmed",
    "card_operation", "selected_card", "card_change_confirmed",
    "suspicious_transaction", "suspicious_freeze", "suspicious_options",
)


def _said_this_turn(events: List[Dict[str, Any]], text: str) -> bool:
    for event in reversed(events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "bot" and event.get("text") == text:
            return True
    return False


class SignedInOnly:
    """Mixin for an action that needs a signed-in customer (see the module docstring)."""

    requires_signed_in_customer = True

    @staticmethod
    def answer_without_sign_in(tracker: Dict[str, Any]) -> Dict[str, Any]:
        """The action server's answer in place of the action: the banking form (if any) ended, its slots
        emptied, and the sign-in message (once a turn: a form's validation and its closing action may
        both be refused in one turn)."""
        events: List[Dict[str, Any]] = []
        if (tracker.get("active_loop") or {}).get("name"):
            events += [{"event": "active_loop", "name": None},
                       {"event": "slot", "name": "requested_slot", "value": None}]
        events += [{"event": "slot", "name": slot, "value": None} for slot in BANKING_SLOTS]
        said = _said_this_turn(list(tracker.get("events") or []), SIGN_IN)
        return {"events": events, "responses": [] if said else [{"text": SIGN_IN}]}
