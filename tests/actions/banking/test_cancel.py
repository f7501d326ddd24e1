"""Stopping a form half-way."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Tuple

from actions.banking.cancel import STOPPED, ActionCancelBankingForm
from tests.actions.banking.support import FORM_SLOTS, slots_of, texts, tracker

Runner = Callable[..., Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]]


def test_cancel_empties_every_banking_form_slot(run_action: Runner) -> None:
    filled = {"transfer_payee": "<ACCOUNT_NUMBER_1>", "transfer_amount": 50.0, "selected_card": "card:1",
              "suspicious_options": ["4", "5"]}
    events, messages = run_action(ActionCancelBankingForm(), tracker("cancel", "deny", slots=filled))
    assert slots_of(events) == dict.fromkeys(FORM_SLOTS)
    assert texts(messages) == STOPPED
