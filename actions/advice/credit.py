"""Credit cards and credit scores.

``action_explain_credit_cards`` explains card interest and, outside another form, offers to work
out a payoff; figures in the question ("I owe 3000 at 22%") are kept for ``card_payoff_form``.
``action_card_payoff`` compares a fixed payment with paying only the minimum
(``payoff_with_fixed_payment``, ``payoff_with_minimum_payment``): the minimum-payment trap.
``action_credit_score`` explains credit scores with follow-ups (see ``topics``).
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.advice.common import (
    YES_NO,
    loop_is_active,
    money,
    months_in_words,
    number_entities,
    rate,
    reset,
    say_disclaimer,
    slot_float,
)
from actions.advice.forms import AdviceFormValidation, Kind, NumberSlot
from actions.advice.topics import Section, Topic
from actions.finance import (
    FinanceInputError,
    NeverPaidOffError,
    minimum_payment,
    payoff_with_fixed_payment,
    payoff_with_minimum_payment,
)
from actions.finance.credit import DEFAULT_MINIMUM_FLOOR, DEFAULT_MINIMUM_PERCENT

CARD_SLOTS = ("card_balance", "card_apr", "card_payment")

CREDIT_SCORE = Topic(
    "ask_credit_score",
    (
        Section("overview", "What a score is", "utter_credit_score_overview"),
        Section("hurts", "What hurts it", "utter_credit_score_hurts",
                r"\b(?:hurt\w*|damag\w*|lower\w*|drop\w*|bad for|harm\w*|affect\w*|ruin\w*)\b"),
        Section("improve", "How to improve it", "utter_credit_score_improve",
                r"\b(?:improv\w*|increas\w*|rais\w*|boost\w*|build\w*|better|fix\w*|repair\w*|go up)\b"),
        Section("time", "How long it takes", "utter_credit_score_time",
                r"\b(?:how long|how quickly|how fast|how many (?:months|years)|stay on|take to)\b"),
    ),
)


class ActionExplainCreditCards(Action):
    """How card interest works; outside another form, an offer to work out the user's own payoff."""

    def name(self) -> str:
        return "action_explain_credit_cards"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        dispatcher.utter_message(response="utter_credit_cards")
        if loop_is_active(tracker):
            return []  # a question in the middle of another form: the form carries on
        amounts = number_entities(tracker, "amount")
        rates = number_entities(tracker, "percent")
        events: List[EventType] = []
        given = []
        if amounts:
            events.append(SlotSet("card_balance", amounts[0]))
            given.append(f"a balance of {money(amounts[0])}")
        if rates:
            events.append(SlotSet("card_apr", rates[0]))
            given.append(f"an APR of {rate(rates[0])}")
        if len(amounts) > 1:
            events.append(SlotSet("card_payment", amounts[1]))
            given.append(f"{money(amounts[1])} a month")
        about = f" for {' and '.join(given)}" if given else ""
        dispatcher.utter_message(
            text=f"Would you like me to work out how long a card takes to pay off{about}, "
                 "and what paying only the minimum would cost?",
            buttons=YES_NO,
        )
        return events


class ValidateCardPayoffForm(AdviceFormValidation):
    """Balance, APR, monthly payment; a payment that never clears the card is asked again."""

    NUMBERS = (
        NumberSlot("card_balance", Kind.MONEY, "card balance", "3000", cue=r"\b(?:owe|owing|balance|debt)\b"),
        NumberSlot("card_apr", Kind.PERCENT, "interest rate (APR)", "22.9", cue=r"\b(?:apr|rate|interest)\b"),
        NumberSlot("card_payment", Kind.MONEY, "monthly payment", "150",
                   cue=r"\b(?:pay|paying|payment|a month|per month|monthly)\b"),
    )

    def name(self) -> str:
        return "validate_card_payoff_form"

    def validate_card_balance(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> Dict[str, Any]:
        return self.check_number(value, "card_balance", dispatcher, tracker)

    def validate_card_apr(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                          domain: DomainDict) -> Dict[str, Any]:
        return self.check_number(value, "card_apr", dispatcher, tracker)

    def validate_card_payment(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> Dict[str, Any]:
        result = self.check_number(value, "card_payment", dispatcher, tracker)
        balance, apr = slot_float(tracker, "card_balance"), slot_float(tracker, "card_apr")
        if result["card_payment"] is None or balance is None or apr is None:
            return result
        try:
            payoff_with_fixed_payment(balance, apr, result["card_payment"])
        except FinanceInputError as error:
            dispatcher.utter_message(text=error.message)
            return {"card_payment": None}
        return result


def minimum_trap_text(balance: float, apr: float) -> str:
    first = minimum_payment(balance)
    rule = (f"the larger of {DEFAULT_MINIMUM_PERCENT} % of the balance and {money(DEFAULT_MINIMUM_FLOOR)}, "
            f"{money(first)} this month")
    try:
        trap = payoff_with_minimum_payment(balance, apr)
    except NeverPaidOffError:
        return (f"Paying only the minimum ({rule}) would never clear it: the minimum does not even cover the interest. "
                "That is the minimum-payment trap.")
    return (f"Paying only the minimum ({rule}, shrinking as the balance does) would take "
            f"{months_in_words(trap.months)} and cost {money(trap.total_interest)} in interest. "
            "That is the minimum-payment trap.")


class ActionCardPayoff(Action):
    """The card_payoff_form's result: months and interest at the user's payment, and at the minimum."""

    def name(self) -> str:
        return "action_card_payoff"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        balance = slot_float(tracker, "card_balance", 0.0) or 0.0
        apr = slot_float(tracker, "card_apr", 0.0) or 0.0
        payment = slot_float(tracker, "card_payment", 0.0) or 0.0
        try:
            fixed = payoff_with_fixed_payment(balance, apr, payment)
        except FinanceInputError as error:
            dispatcher.utter_message(text=error.message)
            return reset(CARD_SLOTS)
        dispatcher.utter_message(
            text=f"Paying {money(payment)} a month with no new spending, {money(balance)} at {rate(apr)} is "
                 f"cleared in {months_in_words(fixed.months)}, with {money(fixed.total_interest)} in interest."
        )
        dispatcher.utter_message(text=minimum_trap_text(balance, apr))
        dispatcher.utter_message(response="utter_credit_cards_tips")
        say_disclaimer(dispatcher)
        return reset(CARD_SLOTS)


class ActionCreditScore(Action):
    """Credit scores: the part asked about, then buttons to the other parts."""

    def name(self) -> str:
        return "action_credit_score"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        section = CREDIT_SCORE.pick(tracker)
        dispatcher.utter_message(response=section.response)
        if not loop_is_active(tracker):
            dispatcher.utter_message(text="Want to know more?", buttons=CREDIT_SCORE.buttons(section))
        return []
