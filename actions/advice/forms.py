"""The advice forms' shared validation: numbers in, clear re-prompts out, and corrections of earlier answers.

Each form's ``validate_<form>`` action subclasses ``AdviceFormValidation`` and lists its numeric
slots as ``NumberSlot`` rows: what kind of number (money, percentage, months), how to name it
to the user, and the words that name it in a correction ("actually my essentials are 2,000").

A numeric slot's candidate is a float from an entity (``amount``, ``percent``, ``duration`` in
months, ``number``) or the text of an answer the pipeline found no number in. The calculators'
own checks (``actions.finance.money``) decide what is valid, and their ``FinanceInputError``
message is the re-prompt; the form then asks the question again.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any, ClassVar, Dict, List, Optional, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.advice.common import (
    as_float,
    is_payload,
    latest_text,
    money,
    months_in_words,
    number_entities,
    previous_value,
    rate,
)
from actions.advice.text import amounts_at, clauses, parse_amount, parse_months, parse_percent, says_zero
from actions.finance import FinanceInputError
from actions.finance.money import amount, percent, whole_months


class Kind(str, Enum):
    """A kind of number, and the entity the NLU pipeline gives it as."""

    MONEY = "amount"
    PERCENT = "percent"
    MONTHS = "duration"


@dataclass(frozen=True)
class NumberSlot:
    """A numeric form slot.

    ``cue`` is a regex for the words that name it in a message; ``at_start`` says the question that
    starts the form may give it ("I earn 3,200, how should I budget?"); ``bare_months`` is what a
    lone number counts as for a length of time (12: "25" means 25 years; 1: 25 months).
    """

    slot: str
    kind: Kind
    label: str
    example: str
    allow_zero: bool = False
    cue: Optional[str] = None
    at_start: bool = False
    bare_months: int = 12

    def from_text(self, text: str) -> Optional[Decimal]:
        """The number an answer gives in words and digits, or None if it gives none."""
        if self.kind is Kind.MONEY:
            found = parse_amount(text)
        elif self.kind is Kind.PERCENT:
            found = parse_percent(text, bare=True)
        else:
            found = parse_months(text, bare_unit_months=self.bare_months)
        if found is None and self.allow_zero and says_zero(text):
            return Decimal(0)
        return found

    def near(self, text: str, start: int, end: int) -> Optional[Decimal]:
        """The number in ``text`` that the words at ``start:end`` name: for money, the amount nearest to them
        ("save 10k at 300 a month": "a month" names 300)."""
        if self.kind is not Kind.MONEY:
            return self.from_text(text)
        found = amounts_at(text)
        if not found:
            return self.from_text(text)
        return min(found, key=lambda item: max(start - item[1], item[0] - end, 0))[2]

    def from_candidate(self, value: Any, tracker: Tracker) -> Optional[Decimal]:
        """The slot candidate as a number in this slot's unit (months for a length of time)."""
        if isinstance(value, list):
            value = value[-1] if value else None
        number = as_float(value)
        if number is None:
            return self.from_text(str(value)) if isinstance(value, str) else None
        if self.kind is Kind.MONTHS and number not in number_entities(tracker, "duration") and (
            number in number_entities(tracker, "number")
        ):
            # A lone "25" answered to "over how many years?" is years; "25 years" arrives as 300 months.
            return Decimal(str(number)) * self.bare_months
        return Decimal(str(number))

    def checked(self, number: Decimal) -> Decimal:
        """``number`` validated by the calculators' rules; raises ``FinanceInputError`` with a re-prompt."""
        if self.kind is Kind.MONEY:
            return amount(number, self.slot, self.label, allow_zero=self.allow_zero)
        if self.kind is Kind.PERCENT:
            return percent(number, self.slot, self.label)
        if number != number.to_integral_value():
            raise FinanceInputError(f"Please give the {self.label} in whole months or years.", self.slot)
        return Decimal(whole_months(number, self.slot, self.label))

    def spoken(self, number: Any) -> str:
        if self.kind is Kind.MONEY:
            return money(number)
        if self.kind is Kind.PERCENT:
            return rate(number)
        return months_in_words(int(float(number)))


# A bare number under this in a question is rarely money ("the 50/30/20 rule", "6 months", "I'm 35").
SMALLEST_BARE_MONEY = 100.0
# "What would it cost a month?": the pipeline reads "a month" as a duration of one month; it says how often.
_FREQUENCY = re.compile(r"^(?:(?:a|an|per|each|every)\s+(?:week|month|year)|weekly|monthly|yearly|annually)$",
                        re.IGNORECASE)


def is_frequency(tracker: Tracker, found: Dict[str, Any]) -> bool:
    """Whether an entity of the latest message is a frequency ("a month"), not a length of time."""
    start, end = found.get("start"), found.get("end")
    if not isinstance(start, int) or not isinstance(end, int):
        return False
    return bool(_FREQUENCY.match(latest_text(tracker)[start:end].strip()))


def durations_in(tracker: Tracker) -> Tuple[List[float], List[float]]:
    """The ``duration`` values of the latest message: (lengths of time, frequencies such as "a month")."""
    lengths: List[float] = []
    frequencies: List[float] = []
    for found in tracker.latest_message.get("entities") or []:
        value = as_float(found.get("value")) if found.get("entity") == "duration" else None
        if value is not None:
            (frequencies if is_frequency(tracker, found) else lengths).append(value)
    return lengths, frequencies


def figures_of_kind(tracker: Tracker, kind: Kind) -> List[float]:
    """The latest message's numbers of ``kind``, in the order they were typed.

    Money is an ``amount`` entity, or a bare ``number`` of at least ``SMALLEST_BARE_MONEY``
    ("I earn 3200 a month" has no currency sign).
    """
    wanted = {kind.value} | ({"number"} if kind is Kind.MONEY else set())
    entities = sorted((entity for entity in tracker.latest_message.get("entities") or []
                       if entity.get("entity") in wanted and not is_frequency(tracker, entity)),
                      key=lambda entity: entity.get("start") or 0)
    values = []
    for entity in entities:
        value = as_float(entity.get("value"))
        if value is not None and (entity.get("entity") != "number" or value >= SMALLEST_BARE_MONEY):
            values.append(value)
    return values


class AdviceFormValidation(FormValidationAction, ABC):
    """Validates an advice form. Subclasses name the action and list their numeric slots in ``NUMBERS``."""

    NUMBERS: ClassVar[Tuple[NumberSlot, ...]] = ()

    @abstractmethod
    def name(self) -> str:
        """``validate_<form name>``."""

    def number_slot(self, slot: str) -> NumberSlot:
        return next(spec for spec in self.NUMBERS if spec.slot == slot)

    def check_number(self, value: Any, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[str, Any]:
        """``{slot: float}`` for a valid answer; ``{slot: None}`` and a re-prompt otherwise.

        A changed earlier answer is acknowledged, so that the user sees the correction was taken.
        """
        if value is None:
            return {slot: None}
        if is_payload(value) or (isinstance(value, str) and self.other_figure_given(tracker, slot)):
            # The words of a button's payload, or of "actually the rate is 5%" while the term is asked,
            # are no answer to this question: the form asks it again, without a complaint.
            return {slot: None}
        spec = self.number_slot(slot)
        if spec.kind is Kind.MONTHS and not isinstance(value, str):
            lengths, frequencies = durations_in(tracker)
            if as_float(value) in frequencies and as_float(value) not in lengths:
                if not lengths:
                    return {slot: None}  # "how much would it cost a month?" gives no term
                value = lengths[-1]
        number = spec.from_candidate(value, tracker)
        if number is None:
            dispatcher.utter_message(text=f"Please give the {spec.label} as a number, for example {spec.example}.")
            return {slot: None}
        try:
            number = spec.checked(number)
        except FinanceInputError as error:
            dispatcher.utter_message(text=error.message)
            return {slot: None}
        before = as_float(previous_value(tracker, slot))
        if before is not None and before != float(number):
            dispatcher.utter_message(text=f"Got it: I've changed the {spec.label} to {spec.spoken(number)}.")
        return {slot: float(number)}

    def other_figure_given(self, tracker: Tracker, slot: str) -> bool:
        """Whether the latest message set another of the form's figures (so it was not an answer to ``slot``)."""
        figures = {spec.slot for spec in self.NUMBERS}
        return any(name != slot and name in figures and value is not None
                   for name, value in tracker.slots_to_validate().items())

    def starting(self, tracker: Tracker, domain: DomainDict) -> bool:
        """Whether the form is being activated: it has asked nothing yet."""
        asked = set(self.domain_slots(domain)) | {spec.slot for spec in self.NUMBERS}
        return tracker.get_slot("requested_slot") not in asked

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """The ``extract_<slot>`` results, the figures of the starting question, and figures named by their words."""
        events = await super().get_extraction_events(dispatcher, tracker, domain)
        named = self.named_figures(tracker)
        found = {**self.starting_figures(tracker, named), **named} if self.starting(tracker, domain) else named
        return [*events, *(SlotSet(slot, value) for slot, value in found.items())]

    def starting_figures(self, tracker: Tracker, named: Dict[str, Any]) -> Dict[str, Any]:
        """The figures of the question that starts the form, in the order of the ``at_start`` slots of each kind.

        "Save 5,000 at 200 a month" fills the goal and the monthly amount. Figures already named by
        their words (``named``) are left out, so they are not given to a second slot.
        """
        found: Dict[str, Any] = {}
        for kind in Kind:
            taken = [value for slot, value in named.items() if self.number_slot(slot).kind is kind]
            values = [value for value in figures_of_kind(tracker, kind) if value not in taken]
            slots = [spec.slot for spec in self.NUMBERS
                     if spec.kind is kind and spec.at_start and spec.slot not in named]
            found.update(zip(slots, values))
        return found

    def named_figures(self, tracker: Tracker) -> Dict[str, Any]:
        """Figures the latest message names by their words, when it names one the form is not asking for.

        "500, and actually my essentials are 2,000" while asking for the monthly saving gives the
        essentials 2,000 and the saving 500. An entity mapping alone would put the last amount in the
        slot being asked for; a message that names no other figure is left to the mappings.
        """
        requested = tracker.get_slot("requested_slot")
        named: Dict[str, Any] = {}
        loose: List[str] = []
        for clause in clauses(latest_text(tracker)):
            cued = [(spec, cue) for spec in self.NUMBERS
                    if spec.cue and (cue := re.search(spec.cue, clause, re.IGNORECASE))]
            if len(cued) == 1:
                spec, cue = cued[0]
                found = spec.near(clause, cue.start(), cue.end())
                if found is not None:
                    named[spec.slot] = float(found)
            elif not cued:
                loose.append(clause)
        if not any(slot != requested for slot in named):
            return {}
        if requested in {spec.slot for spec in self.NUMBERS} and requested not in named:
            spec = self.number_slot(requested)
            answers = [found for clause in loose if (found := spec.from_text(clause)) is not None]
            # The figure asked for is the one number left unnamed; with none (or several) it is asked again.
            named[requested] = float(answers[0]) if len(answers) == 1 else None
        return named
