"""Retirement: a projection of the pension pot, with an employer match, and tax-advantaged accounts in general.

``retirement_form`` asks for the years to retirement (or the age: "I'm 35" means retiring at
67), the current pot, the monthly contribution, the expected return (5 % unless the user gives
another) and the employer match ("50% up to 6% of salary", or none; with a match, the salary).
``action_retirement_projection`` runs ``actions.finance.project_retirement``, with a lower and
a higher return to show the range.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.advice.common import is_payload, latest_text, money, rate, reset, say_disclaimer, slot_float
from actions.advice.forms import AdviceFormValidation, Kind, NumberSlot
from actions.advice.text import says_zero, without_placeholders, yes_or_no
from actions.finance import FinanceInputError, RetirementProjection, project_retirement

RETIREMENT_SLOTS = ("ret_years", "ret_balance", "ret_contribution", "ret_return", "ret_match", "ret_salary")
RETIREMENT_AGE = 67
DEFAULT_RETURN = 5.0
RANGE = 2.0  # percentage points either side of the expected return
MAX_SENSIBLE_RETURN = 15.0
NO_MATCH = "none"

_AGE = re.compile(
    r"\b(?:i'?m|i am|aged?|age of)\s+(\d{1,2})(?![\d.,%])(?!\s*(?:years?\s+(?:to|until|left|from|more)|more|k\b))"
    r"|\b(\d{1,2})\s*(?:years? old|yo)\b",
    re.IGNORECASE,
)
_PERCENTS = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s*(?:%|percent\b|per\s*cent\b)", re.IGNORECASE)
_HALF = re.compile(r"\bhalf\b", re.IGNORECASE)
_UP_TO = re.compile(r"\b(?:up to|capped|cap|max|maximum|of (?:my )?salary)\b", re.IGNORECASE)
_DEFAULT = re.compile(r"\b(?:default|that'?s fine|fine|sounds good|go with (?:that|it)|use (?:that|it))\b",
                      re.IGNORECASE)
ASK_OTHER_RETURN = "Which yearly return should I assume instead? For example 4 or 6.5."
ASK_MATCH_DETAILS = ("How much does your employer match? For example \"50% up to 6% of salary\" or "
                     "\"100% up to 5%\". Or say no if they don't.")


def age_in(text: str) -> Optional[int]:
    """The age a message gives ("I'm 35", "35 years old"), or None."""
    match = _AGE.search(without_placeholders(text))
    return int(match.group(1) or match.group(2)) if match else None


def parse_match(text: str) -> Optional[Tuple[Decimal, Decimal]]:
    """(match %, cap % of salary) from "50% up to 6% of salary"; one figure is a full match up to it ("5%")."""
    figures = [Decimal(found) for found in _PERCENTS.findall(without_placeholders(text))]
    if len(figures) >= 2:
        return figures[0], figures[1]
    if len(figures) == 1:
        share = Decimal(50) if _HALF.search(text) else Decimal(100)
        return share, figures[0]
    return None


class ValidateRetirementForm(AdviceFormValidation):
    """Years (or age), pot, contribution, return, match, and the salary when there is a match."""

    NUMBERS = (
        NumberSlot("ret_years", Kind.MONTHS, "time until you retire", "30 years", at_start=True),
        NumberSlot("ret_balance", Kind.MONEY, "current pension balance", "20000", allow_zero=True,
                   cue=r"\b(?:pot|balance|saved|already (?:have|got)|so far|in (?:my |the )?(?:pension|401k|ira|plan))"
                       r"\b"),
        NumberSlot("ret_contribution", Kind.MONEY, "monthly contribution", "400", allow_zero=True,
                   cue=r"\b(?:contribut\w*|put in|pay in|a month|per month|monthly)\b"),
        NumberSlot("ret_return", Kind.PERCENT, "expected yearly return", "5", cue=r"\b(?:return|growth|grows?)\b",
                   at_start=True),
        NumberSlot("ret_salary", Kind.MONEY, "annual salary", "60000", cue=r"\b(?:salary|earn|income)\b"),
    )

    def name(self) -> str:
        return "validate_retirement_form"

    async def required_slots(self, domain_slots: List[str], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> List[str]:
        """The salary matters only for an employer match."""
        slots = ["ret_years", "ret_balance", "ret_contribution", "ret_return", "ret_match"]
        match = tracker.get_slot("ret_match")
        if match is not None and match != NO_MATCH:
            slots.append("ret_salary")
        return slots

    def extract_ret_years(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                          domain: DomainDict) -> Dict[str, Any]:
        """An age ("I'm 35") stands for the years to retirement; validate_ret_years turns it into months."""
        age = age_in(latest_text(tracker))
        return {"ret_years": float(age)} if age is not None else {}

    def validate_ret_years(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                           domain: DomainDict) -> Dict[str, Any]:
        age = age_in(latest_text(tracker))
        if age is None or value is None:
            return self.check_number(value, "ret_years", dispatcher, tracker)
        years = RETIREMENT_AGE - age
        if years < 1:
            dispatcher.utter_message(text=f"At {age} you're at or past the usual retirement age of "
                                          f"{RETIREMENT_AGE}. How many more years do you plan to keep saving?")
            return {"ret_years": None}
        dispatcher.utter_message(text=f"I'll assume you retire at {RETIREMENT_AGE}: {years} years from now.")
        return {"ret_years": float(years * 12)}

    def validate_ret_balance(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> Dict[str, Any]:
        return self.check_number(value, "ret_balance", dispatcher, tracker)

    def validate_ret_contribution(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> Dict[str, Any]:
        return self.check_number(value, "ret_contribution", dispatcher, tracker)

    def validate_ret_return(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> Dict[str, Any]:
        if isinstance(value, str) and (yes_or_no(value) or _DEFAULT.search(value)):
            return {"ret_return": DEFAULT_RETURN}
        if isinstance(value, str) and yes_or_no(value) is False:
            dispatcher.utter_message(text=ASK_OTHER_RETURN)
            return {"ret_return": None}
        result = self.check_number(value, "ret_return", dispatcher, tracker)
        chosen = result["ret_return"]
        if chosen is not None and chosen > MAX_SENSIBLE_RETURN:
            dispatcher.utter_message(text=f"{rate(chosen)} a year is not a sensible long-run assumption: even "
                                          f"stock markets have averaged well below that. Please give a rate from "
                                          f"0 to {rate(MAX_SENSIBLE_RETURN)}.")
            return {"ret_return": None}
        return result

    def validate_ret_match(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                           domain: DomainDict) -> Dict[str, Any]:
        if value is None or is_payload(value):
            return {"ret_match": None}
        if value == NO_MATCH or value is False:
            return {"ret_match": NO_MATCH}
        text = str(value)
        found = parse_match(text)
        if found is None:
            if yes_or_no(text) is False or says_zero(text):
                return {"ret_match": NO_MATCH}
            dispatcher.utter_message(text=ASK_MATCH_DETAILS)
            return {"ret_match": None}
        share, cap = found
        if not (0 < share <= 200 and 0 < cap <= 100):
            dispatcher.utter_message(text="The match should be a share of what you pay in (up to 200 %) and a cap "
                                          "as a share of salary (up to 100 %). " + ASK_MATCH_DETAILS)
            return {"ret_match": None}
        return {"ret_match": f"{share.normalize():f}% up to {cap.normalize():f}%"}

    def validate_ret_salary(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> Dict[str, Any]:
        return self.check_number(value, "ret_salary", dispatcher, tracker)


def projection_for(tracker: Tracker, annual_return: float) -> RetirementProjection:
    """The projection from the form's slots at ``annual_return``."""
    months = slot_float(tracker, "ret_years", 12.0) or 12.0
    match = tracker.get_slot("ret_match")
    found = parse_match(match) if isinstance(match, str) and match != NO_MATCH else None
    share, cap = found or (Decimal(0), Decimal(0))
    return project_retirement(
        slot_float(tracker, "ret_balance", 0.0) or 0.0,
        slot_float(tracker, "ret_contribution", 0.0) or 0.0,
        annual_return,
        max(1, math.ceil(months / 12)),
        annual_salary=slot_float(tracker, "ret_salary", 0.0) or 0.0,
        match_percent=share,
        match_cap_percent=cap,
    )


class ActionRetirementProjection(Action):
    """The retirement_form's result: the pot at the expected return, the range, and what tax-advantaged accounts are."""

    def name(self) -> str:
        return "action_retirement_projection"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        expected = slot_float(tracker, "ret_return", DEFAULT_RETURN)
        expected = DEFAULT_RETURN if expected is None else expected
        try:
            projection = projection_for(tracker, expected)
            low = projection_for(tracker, max(0.0, expected - RANGE))
            high = projection_for(tracker, expected + RANGE)
        except FinanceInputError as error:
            dispatcher.utter_message(text=error.message)
            return reset(RETIREMENT_SLOTS)
        years = len(projection.years)
        employer = (f", your employer {money(projection.total_employer)} "
                    f"({money(projection.monthly_employer)} a month)" if projection.total_employer else "")
        dispatcher.utter_message(
            text=f"In {years} years, growing {rate(expected)} a year, your pot could go from "
                 f"{money(projection.starting_balance)} to about {money(projection.final_balance)}. "
                 f"You'd pay in {money(projection.total_contributed)}{employer}, and growth adds "
                 f"{money(projection.total_growth)}."
        )
        dispatcher.utter_message(
            text=f"At {rate(max(0.0, expected - RANGE))} a year it would be about {money(low.final_balance)}; at "
                 f"{rate(expected + RANGE)}, about {money(high.final_balance)}. Returns are never guaranteed and "
                 "prices rise over time, so treat this as a range, not a promise."
        )
        dispatcher.utter_message(response="utter_retirement_accounts")
        say_disclaimer(dispatcher)
        return reset(RETIREMENT_SLOTS)
