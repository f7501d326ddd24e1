"""Privacy: the answer comes from the policy in force; "forget me" sets the erase slot."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet

from actions.advice.privacy import (
    CANNOT_ERASE,
    ActionExplainPrivacy,
    ActionForgetMe,
    duration_in_words,
    kinds_by_action,
)
from bot.channels.auth import VOUCHED_KEY
from bot.privacy.entities import ENTITY_KINDS
from bot.privacy.errors import PolicyError
from bot.privacy.policy import Action as PolicyAction
from bot.privacy.policy import Policy
from bot.slots import ERASE_SLOT
from tests.actions.advice.support import texts, tracker

Run = Callable[[Action, Tracker], Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]]

POLICY = """
version: 1
defaults: {action: placeholder}
vault: {ttl_seconds: 7200}
entities:
  CREDIT_CARD: {action: vault}
  US_SSN: {}
  PHONE_NUMBER: {action: mask}
  EMAIL_ADDRESS: {action: keep}
"""


def policy_file(tmp_path: Path, text: str = POLICY) -> Path:
    path = tmp_path / "policy.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_answer_follows_the_policy_file(run_action: Run, tmp_path: Path) -> None:
    path = policy_file(tmp_path)
    events, messages = run_action(ActionExplainPrivacy(lambda: Policy.load(path)), tracker("what do you do with my "
                                                                                           "data?", "ask_privacy"))
    said = texts(messages)
    assert events == []
    assert said[0].endswith("I look for: card number, Social Security number, e-mail address and phone number.")
    assert said[1] == (
        "- Replaced and not kept anywhere: Social Security number.\n"
        "- Replaced, and the original kept encrypted for 2 hours only so that something you ask for can use it "
        "(for example a transfer to a new payee), then erased: card number.\n"
        "- Shortened to the last 4 characters: phone number.\n"
        "- Left as you typed them: e-mail address."
    )
    assert "forget me" in said[2] and messages[2]["buttons"] == [{"title": "Forget me", "payload": "/forget_me"}]


def test_the_shipped_policy_is_read_at_run_time(run_action: Run, monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    monkeypatch.setenv("FINBOT_PRIVACY_POLICY", str(policy_file(tmp_path)))
    _, messages = run_action(ActionExplainPrivacy(), tracker("is this chat private", "ask_privacy"))
    assert "kept encrypted for 2 hours" in texts(messages)[1]
    monkeypatch.delenv("FINBOT_PRIVACY_POLICY")
    shipped = Policy.load()
    _, messages = run_action(ActionExplainPrivacy(), tracker("is this chat private", "ask_privacy"))
    vaulted = kinds_by_action(shipped)[PolicyAction.VAULT]
    assert vaulted and all(kind in texts(messages)[1] for kind in vaulted)
    assert f"kept encrypted for {duration_in_words(shipped.vault_ttl_seconds)}" in texts(messages)[1]
    assert shipped.rules and all(ENTITY_KINDS[name] in texts(messages)[0] for name in shipped.rules)


def test_an_unreadable_policy_is_not_guessed(run_action: Run, tmp_path: Path) -> None:
    broken = policy_file(tmp_path, "version: 1\nentities: {NOT_A_TYPE: {}}\n")
    with pytest.raises(PolicyError):
        Policy.load(broken)
    _, messages = run_action(ActionExplainPrivacy(lambda: Policy.load(broken)), tracker("privacy?", "ask_privacy"))
    assert texts(messages) == ["<utter_privacy_unavailable>"]


def test_mid_form_no_forget_me_button(run_action: Run, tmp_path: Path) -> None:
    path = policy_file(tmp_path)
    _, messages = run_action(ActionExplainPrivacy(lambda: Policy.load(path)),
                             tracker("do you store my card number", "ask_privacy", active_loop="loan_form"))
    assert not any(message.get("buttons") for message in messages)


@pytest.mark.parametrize("seconds, words", [(86400, "24 hours"), (3600, "1 hour"), (604800, "7 days"),
                                            (172800, "2 days"), (1800, "30 minutes"), (90, "90 seconds")])
def test_duration_in_words(seconds: int, words: str) -> None:
    assert duration_in_words(seconds) == words


def vouched(scopes: Any) -> Tracker:
    """A "yes" whose channel vouched for a token granting ``scopes`` (None: the channel vouched nothing)."""
    confirmed = tracker("yes", "affirm")
    if scopes is not None:
        confirmed.events[-1]["metadata"] = {VOUCHED_KEY: {"scopes": scopes}}
    return confirmed


def test_forget_me_sets_the_erase_slot_when_the_token_grants_erasing(run_action: Run) -> None:
    events, messages = run_action(ActionForgetMe(), vouched(["chat", "privacy:erase"]))
    assert events == [SlotSet(ERASE_SLOT, True)]
    assert texts(messages) == ["<utter_forgotten>"]


@pytest.mark.parametrize("scopes", [None, [], ["chat"], ["chat", "privacy:read"], "privacy:erase", [["privacy:erase"]]])
def test_forget_me_erases_nothing_without_the_erase_scope(run_action: Run, scopes: Any) -> None:
    events, messages = run_action(ActionForgetMe(), vouched(scopes))
    assert events == []
    assert texts(messages) == [CANNOT_ERASE]
