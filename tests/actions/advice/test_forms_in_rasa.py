"""The advice forms driven by Rasa's own machinery: slot mappings, FormAction, the validation actions.

Each turn gives the intent and entities the NLU pipeline gives (bot/nlu/numbers.py: "3200 a month" is
an amount, a lone "2000" a number, "cost a month" a one-month duration), then runs what Rasa runs after a
user message (``action_extract_slots``, the form, its result action once it is done). The
conversations are those of tests/stories/test_advice.yml, so the slot values written there are
checked here; a rejected form is where the rules take over (a question mid-form, "no").
"""

from __future__ import annotations

from typing import Iterator

import pytest

from actions.advice.common import money, months_in_words
from actions.finance import amortisation_schedule, extra_payment_effect
from tests.actions.advice.support import Conversation, entity

DISCLAIMER = "This is general information, not personal financial advice."


@pytest.fixture(scope="module")
def shared() -> Iterator[Conversation]:
    yield Conversation()


@pytest.fixture
def talk(shared: Conversation) -> Conversation:
    """A fresh conversation on the module's domain and action server (loading them once)."""
    from rasa.shared.core.trackers import DialogueStateTracker

    shared.tracker = DialogueStateTracker("user-3b9e", shared.domain.slots)
    return shared


def number(value: float, text: str, typed: str) -> dict:
    return entity("number", value, text, typed)


def amount(value: float, text: str, typed: str) -> dict:
    return entity("amount", value, text, typed)


def test_budget_from_an_income_and_costs(talk: Conversation) -> None:
    text = "I earn 3200 a month, how should I budget it?"
    assert talk.say(text, "ask_budgeting", [amount(3200.0, text, "3200")], form="budget_form")[0].startswith(
        "What are your regular monthly costs?")
    assert talk.slot("budget_income") == 3200.0 and talk.slot("requested_slot") == "budget_costs"
    text = "rent 1200, groceries 300, car 250, netflix 15"
    replies = talk.say(text, "inform_amount", [amount(1200.0, text, "1200"), number(300.0, text, "300")])
    assert replies[0].startswith("Your budget on 3,200.00 a month:\n- Needs: 1,750.00 (54.7 %)")
    assert replies[-1] == DISCLAIMER
    assert talk.active_form is None and talk.slot("budget_income") is None  # reset for the next budget


def test_the_costs_answer_is_stored_as_the_story_says(talk: Conversation) -> None:
    text = "I earn 3200 a month, how should I budget it?"
    talk.say(text, "ask_budgeting", [amount(3200.0, text, "3200")], form="budget_form")
    talk.say("rent 1200, groceries 300, car 250, netflix 15", "inform_amount")
    stored = [event.value for event in talk.tracker.events
              if getattr(event, "key", None) == "budget_costs" and event.value]
    # The mapping's candidate (the words), then the validated value the form keeps.
    assert stored == ["rent 1200, groceries 300, car 250, netflix 15",
                      "rent 1200.00; groceries 300.00; car 250.00; netflix 15.00"]


def test_the_50_30_20_split_alone(talk: Conversation) -> None:
    assert talk.say("what is the 50/30/20 rule?", "ask_budgeting", form="budget_form") == [
        "What is your monthly take-home pay, after tax? For example: 3200."]
    talk.say("$4,500", "inform_amount", [entity("amount", 4500.0, "$4,500", "$4,500")])
    replies = talk.say("skip", "deny")
    assert replies[0].startswith("On 4,500.00 a month, the 50/30/20 guideline gives: needs 2,250.00, wants "
                                 "1,350.00, savings and debt repayment 900.00.")


def test_emergency_fund_with_irregular_income(talk: Conversation) -> None:
    talk.say("how big should my emergency fund be?", "ask_emergency_fund", form="emergency_fund_form")
    talk.say("about 2000", "inform_amount", [number(2000.0, "about 2000", "2000")])
    assert talk.slot("requested_slot") == "ef_irregular_income"
    talk.say("yes, I'm self-employed", "affirm")
    assert talk.slot("ef_irregular_income") is True
    talk.say("none yet", "deny")
    assert talk.slot("ef_savings") == 0.0
    replies = talk.say("400 a month", "inform_amount", [amount(400.0, "400 a month", "400")])
    assert replies[0] == ("With essentials of 2,000.00 a month and irregular income, aim for 6 to 12 months of "
                          "essentials: 12,000.00 to 24,000.00. From 0.00, saving 400.00 a month gets you to "
                          "12,000.00 in 2 years and 6 months and to 24,000.00 in 5 years.")


def test_no_while_a_figure_is_asked_hands_over_to_the_rules(talk: Conversation) -> None:
    talk.say("retirement calculator", "ask_retirement", form="retirement_form")
    talk.say("no, stop", "deny")
    assert talk.rejected  # rule "Stop retirement_form on no" deactivates it


def test_savings_goal_with_a_deadline(talk: Conversation) -> None:
    text = "I want to save 5000 for a car"
    talk.say(text, "ask_savings_goal", [amount(5000.0, text, "5000")], form="savings_goal_form")
    assert talk.slot("goal_target") == 5000.0 and talk.slot("requested_slot") == "goal_saved"
    talk.say("500", "inform_amount", [number(500.0, "500", "500")])
    assert talk.slot("requested_slot") == "goal_monthly"
    replies = talk.say("in 18 months", "inform_amount", [entity("duration", 18.0, "in 18 months", "18 months")])
    assert replies[0].startswith("To reach 5,000.00 in 1 year and 6 months from the 500.00 you have, put aside "
                                 "250.00 a month (4,500.00 in all).")


def test_two_debts_in_a_loop(talk: Conversation) -> None:
    talk.say("what's the best way to pay off my debts?", "ask_debt_payoff", form="debt_form")
    assert talk.slot("requested_slot") == "debt_entry"
    replies = talk.say("credit card 3000 at 19.9% min 90", "inform_amount")
    assert replies == ["So far:\n1. credit card: 3,000.00 at 19.9 %, minimum 90.00\nAny other debts to add?"]
    assert talk.slot("debt_entry") == "credit card: 3,000.00 at 19.9 %, minimum 90.00"
    assert talk.say("yes", "affirm") == ["What's the next debt? Its name, balance, interest rate and minimum payment."]
    talk.say("car loan 8500 at 6.9% min 210", "inform_amount")
    assert talk.slot("requested_slot") == "debt_more"
    assert talk.say("no, that's all", "deny")[0].startswith("How much can you put towards these debts each month in "
                                                            "total? The minimum payments add up to 300.00")
    replies = talk.say("600", "inform_amount", [number(600.0, "600", "600")])
    assert replies[0].startswith("Avalanche (highest interest rate first): debt-free in")
    assert replies[1].startswith("Snowball (smallest balance first): debt-free in")


def test_card_figures_from_the_question_then_the_payoff(talk: Conversation) -> None:
    text = "I owe £3,000 on my card at 22% APR, how long to pay it off?"
    talk.say(text, "ask_credit_cards", [entity("amount", 3000.0, text, "£3,000"),
                                        entity("percent", 22.0, text, "22%")])
    replies = talk.act("action_explain_credit_cards")
    assert replies[-1].startswith("Would you like me to work out how long a card takes to pay off for a balance of "
                                  "3,000.00 and an APR of 22 %")
    assert talk.say("yes please", "affirm", form="card_payoff_form") == [
        "How much could you pay each month, without new spending on the card?"]
    replies = talk.say("150", "inform_amount", [number(150.0, "150", "150")])
    assert replies[0].startswith("Paying 150.00 a month with no new spending, 3,000.00 at 22 % is cleared in")


def test_a_loan_with_every_figure_in_the_question_then_an_extra_payment(talk: Conversation) -> None:
    text = "I want to borrow 10000 over 5 years at 7%, what's the payment?"
    replies = talk.say(text, "ask_loan", [amount(10000.0, text, "10000"), entity("duration", 60.0, text, "5 years"),
                                          entity("percent", 7.0, text, "7%")], form="loan_form")
    schedule = amortisation_schedule(10000, 7, 60)
    assert replies[0] == (f"A loan of 10,000.00 at 7 % over 5 years costs {money(schedule.monthly_payment)} a month. "
                          f"In total you'd repay {money(schedule.total_paid)}, of which "
                          f"{money(schedule.total_interest)} is interest.")
    assert talk.active_form is None
    assert talk.slot("loan_last") == {"kind": "loan", "amount": 10000.0, "rate": 7.0, "months": 60}
    assert talk.say("yes", "affirm", form="loan_extra_form") == [
        "How much extra could you pay each month? For example: 100."]
    replies = talk.say("100", "inform_amount", [number(100.0, "100", "100")])
    effect = extra_payment_effect(10000, 7, 60, 100)
    assert replies[0].startswith(f"Paying 100.00 extra a month, the loan is repaid in "
                                 f"{months_in_words(effect.with_extra.months)} instead of 5 years")


def test_a_mortgage_with_a_question_in_the_middle_and_a_corrected_rate(talk: Conversation) -> None:
    text = "how much would a £250,000 mortgage cost a month?"
    # As the pipeline reads it: "a month" is a one-month duration, which must not become the term.
    talk.say(text, "ask_mortgage", [amount(250000.0, text, "£250,000"), entity("duration", 1.0, text, "a month")],
             form="loan_form")
    assert talk.slot("loan_kind") == "mortgage" and talk.slot("requested_slot") == "loan_rate"
    assert talk.slot("loan_term") is None
    talk.say("4.5%", "inform_amount", [entity("percent", 4.5, "4.5%", "4.5%")])
    assert talk.say("wait, what is an emergency fund?", "ask_emergency_fund") == []
    assert talk.rejected  # rule "ask_emergency_fund during loan_form" answers, then the form asks again
    text = "actually the rate is 5%"
    assert talk.say(text, "inform_amount", [entity("percent", 5.0, text, "5%")]) == [
        "Got it: I've changed the interest rate to 5 %.",
        "Over how many years? For example: 25 years (or say it in months, like 60 months)."]
    replies = talk.say("25", "inform_amount", [number(25.0, "25", "25")])  # a lone number: years
    schedule = amortisation_schedule(250000, 5, 300)
    assert replies[0].startswith(f"A mortgage of 250,000.00 at 5 % over 25 years costs "
                                 f"{money(schedule.monthly_payment)} a month.")


def test_retirement_from_an_age_with_an_employer_match(talk: Conversation) -> None:
    talk.say("will I have enough to retire?", "ask_retirement", form="retirement_form")
    assert talk.say("I'm 35", "inform_amount", [number(35.0, "I'm 35", "35")])[0] == (
        "I'll assume you retire at 67: 32 years from now.")
    assert talk.slot("ret_years") == 384.0
    assert talk.say("how do fund fees affect my returns", "ask_investing") == [] and talk.rejected
    talk.say("20000", "inform_amount", [number(20000.0, "20000", "20000")])
    talk.say("400", "inform_amount", [number(400.0, "400", "400")])
    talk.say("yes", "affirm")
    assert talk.slot("ret_return") == 5.0
    text = "50% up to 6% of salary"
    talk.say(text, "inform_amount", [entity("percent", 50.0, text, "50%"), entity("percent", 6.0, text, "6%")])
    assert talk.slot("ret_match") == "50% up to 6%" and talk.slot("requested_slot") == "ret_salary"
    replies = talk.say("60000", "inform_amount", [number(60000.0, "60000", "60000")])
    assert replies[0].startswith("In 32 years, growing 5 % a year, your pot could go from 20,000.00 to about")
    assert "your employer 57,600.00 (150.00 a month)" in replies[0]
