"""Freeze and unfreeze: which card, the confirmation, and the change."""

from __future__ import annotations

import sqlite3
from typing import Any, Callable, Dict, List, Tuple

import pytest

from actions.banking.cards import (
    ActionAskCardChangeConfirmed,
    ActionAskCardOperation,
    ActionAskSelectedCard,
    ActionChangeCardStatus,
    ValidateCardStatusForm,
    pick_card,
)
from actions.banking.core_bank import CoreBank
from actions.banking.models import Card
from tests.actions.banking.support import USER, form_tracker, slots_of, texts, tracker

Runner = Callable[..., Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]]
FORM = "card_status_form"
CARD_SLOTS = {"card_operation": None, "selected_card": None, "card_change_confirmed": None}


def second_card(bank: CoreBank) -> List[Card]:
    """The customer's cards, with a virtual card added if the seed gave only one."""
    cards = bank.cards(USER)
    if len(cards) == 1:
        with sqlite3.connect(bank.path) as db:
            db.execute("INSERT INTO cards (customer_id, account_id, label, brand, last4) "
                       "SELECT customer_id, account_id, 'virtual card', brand, '0707' FROM cards WHERE id = ?",
                       (cards[0].id,))
    return bank.cards(USER)


def validate(run_action: Runner, bank: CoreBank, text: str, intent: str, **kwargs: Any) -> Tuple[List, List]:
    return run_action(ValidateCardStatusForm(bank=bank), form_tracker(FORM, text, intent, **kwargs))


def test_freezing_the_only_active_card_picks_it_without_asking(bank: CoreBank, run_action: Runner) -> None:
    card = bank.cards(USER)[0]
    with sqlite3.connect(bank.path) as db:  # any other card frozen: one active card left
        db.execute("UPDATE cards SET frozen = 1 WHERE id != ?", (card.id,))
    events, messages = validate(run_action, bank, "freeze my card", "freeze_card",
                                candidates={"card_operation": "freeze"})
    assert slots_of(events) == {"selected_card": f"card:{card.id}", "card_operation": "freeze"}
    assert messages == []


def test_with_two_cards_the_message_can_name_one(bank: CoreBank, run_action: Runner) -> None:
    cards = second_card(bank)
    virtual = next(c for c in cards if c.label == "virtual card")
    events, _ = validate(run_action, bank, "freeze my virtual card", "freeze_card",
                         candidates={"card_operation": "freeze"})
    assert slots_of(events)["selected_card"] == f"card:{virtual.id}"
    events, _ = validate(run_action, bank, "freeze my card", "freeze_card", candidates={"card_operation": "freeze"})
    assert "selected_card" not in slots_of(events)  # which one? the form asks


@pytest.mark.parametrize("words, label", [("the virtual one", "virtual card"), ("debit card", "debit card"),
                                          ("the second one", "virtual card"), ("ending {virtual}", "virtual card")])
def test_choosing_among_cards(bank: CoreBank, run_action: Runner, words: str, label: str) -> None:
    cards = second_card(bank)
    words = words.format(virtual=next(c.last4 for c in cards if c.label == "virtual card"))
    events, messages = validate(run_action, bank, words, "affirm", slots={"card_operation": "freeze"},
                                candidates={"selected_card": words}, requested_slot="selected_card")
    chosen = next(c for c in cards if c.label == label)
    assert slots_of(events) == {"selected_card": f"card:{chosen.id}"} and messages == []


def test_a_card_already_frozen_cannot_be_frozen(bank: CoreBank, run_action: Runner) -> None:
    cards = second_card(bank)
    bank.set_card_frozen(USER, cards[1].id, True)
    events, messages = validate(run_action, bank, "the second one", "affirm", slots={"card_operation": "freeze"},
                                candidates={"selected_card": "the second one"}, requested_slot="selected_card")
    assert slots_of(events) == {"selected_card": None}
    assert texts(messages) == f"Your {bank.cards(USER)[1].display} is already frozen."


def test_nothing_to_unfreeze_ends_the_form_at_once(bank: CoreBank, run_action: Runner) -> None:
    events, messages = validate(run_action, bank, "unfreeze my card", "unfreeze_card",
                                candidates={"card_operation": "unfreeze"})
    assert slots_of(events)["requested_slot"] is None and messages == []
    events, messages = run_action(ActionChangeCardStatus(bank=bank),
                                  tracker("unfreeze my card", "unfreeze_card", slots={"card_operation": "unfreeze"}))
    assert texts(messages) == "None of your cards is frozen." and slots_of(events) == CARD_SLOTS


def test_switching_from_freeze_to_unfreeze_drops_a_card_that_no_longer_fits(bank: CoreBank,
                                                                            run_action: Runner) -> None:
    cards = second_card(bank)
    bank.set_card_frozen(USER, cards[1].id, True)
    events, _ = validate(run_action, bank, "no, unfreeze it", "unfreeze_card",
                         slots={"selected_card": f"card:{cards[0].id}"},
                         candidates={"card_operation": "unfreeze"}, requested_slot="card_change_confirmed")
    assert slots_of(events)["card_operation"] == "unfreeze"
    assert slots_of(events)["selected_card"] == f"card:{cards[1].id}"  # the only frozen card, chosen again


@pytest.mark.parametrize("operation, frozen_before, expected", [
    ("freeze", False, "Freeze your {card}? Card payments and cash withdrawals will be declined until you unfreeze "
                      "it, which you can do at any time."),
    ("unfreeze", True, "Unfreeze your {card}? It will work again straight away."),
])
def test_the_confirmation_question(bank: CoreBank, run_action: Runner, operation: str, frozen_before: bool,
                                   expected: str) -> None:
    card = bank.cards(USER)[0]
    bank.set_card_frozen(USER, card.id, frozen_before)
    events, messages = run_action(ActionAskCardChangeConfirmed(bank=bank), tracker(
        "x", "affirm", slots={"card_operation": operation, "selected_card": f"card:{card.id}"}))
    assert events == [] and texts(messages) == expected.format(card=card.display)
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/deny"]


def test_which_card_offers_only_cards_that_can_change(bank: CoreBank, run_action: Runner) -> None:
    cards = second_card(bank)
    bank.set_card_frozen(USER, cards[0].id, True)
    _, messages = run_action(ActionAskSelectedCard(bank=bank), tracker("x", "affirm",
                                                                       slots={"card_operation": "freeze"}))
    assert texts(messages) == "Which card would you like to freeze?"
    assert [b["title"] for b in messages[0]["buttons"]] == [bank.cards(USER)[1].display]


def test_freeze_then_unfreeze(bank: CoreBank, run_action: Runner) -> None:
    card = bank.cards(USER)[0]
    slots = {"card_operation": "freeze", "selected_card": f"card:{card.id}", "card_change_confirmed": True}
    events, messages = run_action(ActionChangeCardStatus(bank=bank), tracker("yes", "affirm", slots=slots))
    assert bank.cards(USER)[0].frozen and slots_of(events) == CARD_SLOTS
    assert texts(messages).startswith(f"Done: your {card.display} is now frozen.")
    _, messages = run_action(ActionChangeCardStatus(bank=bank), tracker("yes", "affirm", slots={
        **slots, "card_operation": "unfreeze"}))
    assert not bank.cards(USER)[0].frozen and texts(messages) == f"Done: your {card.display} is active again."


def test_no_leaves_the_card_as_it_is(bank: CoreBank, run_action: Runner) -> None:
    card = bank.cards(USER)[0]
    slots = {"card_operation": "freeze", "selected_card": f"card:{card.id}", "card_change_confirmed": False}
    events, messages = run_action(ActionChangeCardStatus(bank=bank), tracker("no", "deny", slots=slots))
    assert not bank.cards(USER)[0].frozen
    assert texts(messages) == "OK, I've left your card as it is." and slots_of(events) == CARD_SLOTS


def test_another_customers_card_is_never_changed(bank: CoreBank, run_action: Runner) -> None:
    theirs = bank.cards("someone-else")[0]
    slots = {"card_operation": "freeze", "selected_card": f"card:{theirs.id}", "card_change_confirmed": True}
    _, messages = run_action(ActionChangeCardStatus(bank=bank), tracker("yes", "affirm", slots=slots))
    assert "couldn't find that card" in texts(messages) and not bank.cards("someone-else")[0].frozen


def test_pick_card_by_digits_label_or_position() -> None:
    cards = [Card(1, "debit card", "Visa", "1234", False, "current"),
             Card(2, "virtual card", "Visa", "9876", False, "current")]
    assert pick_card("the one ending 9876", cards) == cards[1]
    assert pick_card("my debit card", cards) == cards[0]
    assert pick_card("first", cards) == cards[0]
    assert pick_card("12345", cards) is None
    assert pick_card("a card", cards) is None


def test_freeze_or_unfreeze_is_asked_with_intent_buttons(run_action: Runner) -> None:
    _, messages = run_action(ActionAskCardOperation(), tracker("my card", "affirm"))
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/freeze_card", "/unfreeze_card"]
