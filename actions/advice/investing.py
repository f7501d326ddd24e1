"""Investing basics: diversification, index funds, risk and fees, never a specific product.

``action_investing`` answers the part asked about (see ``topics``) and offers the others. The
fees part works out fee drag on an example with ``actions.finance.project_retirement``: the
same savings growing at the same market return, less a low and a high yearly fee.
"""

from __future__ import annotations

from decimal import Decimal
from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.advice.common import loop_is_active, money, rate, say_disclaimer
from actions.advice.topics import Section, Topic
from actions.finance import project_retirement

INVESTING = Topic(
    "ask_investing",
    (
        Section("overview", "The basics", "utter_investing_overview"),
        Section("diversification", "Diversification", "utter_investing_diversification",
                r"\b(?:diversif\w*|eggs|one basket|spread\w*|single stock|one (?:stock|company|share))\b"),
        Section("index_funds", "Index funds", "utter_investing_index_funds",
                r"\b(?:index\w*|tracker\w*|etfs?|passive\w*|s&p|ftse|msci)\b"),
        Section("risk", "Risk", "utter_investing_risk",
                r"\b(?:risk\w*|lose|losing|loss\w*|crash\w*|safe|volatil\w*|drop\w*)\b"),
        Section("fees", "Fees", "utter_investing_fees",
                r"\b(?:fees?|charges?|costs?|expense ratio|ocf|ter|commission\w*|platform)\b"),
    ),
)

# The fee example: the same saver, the same market return, two fee levels.
EXAMPLE_START = Decimal(10000)
EXAMPLE_MONTHLY = Decimal(200)
EXAMPLE_YEARS = 25
EXAMPLE_RETURN = Decimal(6)
LOW_FEE = Decimal("0.2")
HIGH_FEE = Decimal("1.0")


def fee_drag_text() -> str:
    """The fee example in words, its figures from the calculator."""
    low = project_retirement(EXAMPLE_START, EXAMPLE_MONTHLY, EXAMPLE_RETURN - LOW_FEE, EXAMPLE_YEARS)
    high = project_retirement(EXAMPLE_START, EXAMPLE_MONTHLY, EXAMPLE_RETURN - HIGH_FEE, EXAMPLE_YEARS)
    return (
        f"An example: {money(EXAMPLE_START)} invested plus {money(EXAMPLE_MONTHLY)} a month for {EXAMPLE_YEARS} "
        f"years, the investments growing {rate(EXAMPLE_RETURN)} a year before fees. With fees of {rate(LOW_FEE)} a "
        f"year you'd end with about {money(low.final_balance)}; with {rate(HIGH_FEE)}, about "
        f"{money(high.final_balance)}. That is {money(low.final_balance - high.final_balance)} less, from a fee "
        "difference that sounds tiny, because the fee is taken every year from a growing pot."
    )


class ActionInvesting(Action):
    """Investing basics: the part asked about, the fee example when it is fees, then the other parts."""

    def name(self) -> str:
        return "action_investing"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        section = INVESTING.pick(tracker)
        dispatcher.utter_message(response=section.response)
        if section.key == "fees":
            dispatcher.utter_message(text=fee_drag_text())
        say_disclaimer(dispatcher)
        if not loop_is_active(tracker):
            dispatcher.utter_message(text="Want to know more?", buttons=INVESTING.buttons(section))
        return []
