"""Privacy: what happens to what the user types, read from the privacy policy in force; and "forget me".

``action_explain_privacy`` loads the policy at run time (``bot.privacy.Policy.load``: the
``FINBOT_PRIVACY_POLICY`` file or the shipped default, the same one the entry points use) and
says, per kind of identifier, what becomes of it. ``action_forget_me`` runs after the user has
confirmed; it sets ``erase_conversation``, which the tracker store acts on by erasing the
conversation's stored events and its Vault entries.
"""

from __future__ import annotations

import logging
from typing import Callable, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.advice.common import loop_is_active
from actions.advice.text import join_words
from actions.signed_in import SignedInOnly
from bot.channels.auth import SCOPE_PRIVACY_ERASE, VOUCHED_KEY
from bot.privacy.entities import ENTITY_KINDS
from bot.privacy.errors import PrivacyError
from bot.privacy.policy import Action as PolicyAction
from bot.privacy.policy import Policy
from bot.slots import ERASE_SLOT

logger = logging.getLogger(__name__)

FORGET_ME_BUTTON = [{"title": "Forget me", "payload": "/forget_me"}]

PolicyLoader = Callable[[], Policy]


def duration_in_words(seconds: int) -> str:
    """``86400`` -> ``"24 hours"``, ``604800`` -> ``"7 days"``, ``1800`` -> ``"30 minutes"``."""
    # Days from two days up ("24 hours" reads better than "1 day" for a retention period).
    for size, unit, smallest in ((86400, "day", 2), (3600, "hour", 1), (60, "minute", 1)):
        if seconds >= size * smallest and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


def kinds_by_action(policy: Policy) -> Dict[PolicyAction, List[str]]:
    """The human names of the detected kinds, grouped by what the policy does with them, in a stable order."""
    grouped: Dict[PolicyAction, List[str]] = {action: [] for action in PolicyAction}
    for entity_type in ENTITY_KINDS:  # ENTITY_KINDS' order: financial, government, contact, secrets
        if entity_type in policy.rules:
            grouped[policy.rule(entity_type).action].append(ENTITY_KINDS[entity_type])
    return grouped


def privacy_text(policy: Policy) -> List[str]:
    """What happens to typed identifiers under ``policy``, one message per point."""
    grouped = kinds_by_action(policy)
    detected = [kind for entity_type, kind in ENTITY_KINDS.items() if entity_type in policy.rules]
    messages = [
        "Before anything you type is stored, logged or passed to the part of me that does calculations, I look "
        f"for identifiers and replace them with placeholders such as <CREDIT_CARD_1>. I look for: "
        f"{join_words(detected)}."
    ]
    points = []
    if grouped[PolicyAction.PLACEHOLDER]:
        points.append(f"- Replaced and not kept anywhere: {join_words(grouped[PolicyAction.PLACEHOLDER])}.")
    if grouped[PolicyAction.VAULT]:
        points.append(
            f"- Replaced, and the original kept encrypted for {duration_in_words(policy.vault_ttl_seconds)} only so "
            f"that something you ask for can use it (for example a transfer to a new payee), then erased: "
            f"{join_words(grouped[PolicyAction.VAULT])}."
        )
    if grouped[PolicyAction.MASK]:
        points.append(f"- Shortened to the last 4 characters: {join_words(grouped[PolicyAction.MASK])}.")
    if grouped[PolicyAction.KEEP]:
        points.append(f"- Left as you typed them: {join_words(grouped[PolicyAction.KEEP])}.")
    messages.append("\n".join(points))
    messages.append(
        "Amounts, interest rates and lengths of time are not identifiers, so they stay as you typed them "
        "and I can do the maths. If you'd like this conversation and anything kept for it erased, say "
        "\"forget me\"."
    )
    return messages


class ActionExplainPrivacy(Action):
    """Answer "what do you do with my data?" from the privacy policy in force."""

    def __init__(self, load_policy: Optional[PolicyLoader] = None) -> None:
        super().__init__()
        self.load_policy: PolicyLoader = load_policy or Policy.load

    def name(self) -> str:
        return "action_explain_privacy"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        try:
            policy = self.load_policy()
        except PrivacyError as error:
            # The entry points refuse every message while the policy is unreadable; say so, without guessing.
            logger.error("action_explain_privacy: the privacy policy cannot be read (%s)", type(error).__name__)
            dispatcher.utter_message(response="utter_privacy_unavailable")
            return []
        messages = privacy_text(policy)
        for message in messages[:-1]:
            dispatcher.utter_message(text=message)
        if loop_is_active(tracker):
            dispatcher.utter_message(text=messages[-1])
        else:
            dispatcher.utter_message(text=messages[-1], buttons=FORGET_ME_BUTTON)
        return []


class ActionForgetMe(SignedInOnly, Action):
    """After the user confirmed "forget me": say it is done and ask the tracker store to erase the conversation.

    Only for a signed-in customer (in an open channel anyone can name any conversation id) whose token grants
    ``privacy:erase``, as the app channel's erase demands: the channel vouches for the scopes in the message's
    metadata (bot.channels.auth.vouched_metadata)."""

    def name(self) -> str:
        return "action_forget_me"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if SCOPE_PRIVACY_ERASE not in vouched_scopes(tracker):
            logger.info("action_forget_me: not erased, the sign-in does not grant %s", SCOPE_PRIVACY_ERASE)
            dispatcher.utter_message(text=CANNOT_ERASE)
            return []
        logger.info("action_forget_me: the conversation is to be erased at the customer's request")
        dispatcher.utter_message(response="utter_forgotten")
        return [SlotSet(ERASE_SLOT, True)]


CANNOT_ERASE = ("I can't erase this conversation from here: the way you signed in doesn't allow it. You can erase it "
                "in your bank app's privacy settings. Nothing has been erased.")


def vouched_scopes(tracker: Tracker) -> List[str]:
    """What the latest message's channel says the caller's token grants (none when it says nothing)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            vouched = (event.get("metadata") or {}).get(VOUCHED_KEY) or {}
            scopes = vouched.get("scopes") if isinstance(vouched, dict) else None
            return [str(scope) for scope in scopes] if isinstance(scopes, list) else []
    return []
