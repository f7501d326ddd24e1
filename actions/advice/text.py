"""What a free-text answer says: an amount, a list of named costs, a list of debts, a target date, yes or no.

The NLU pipeline gives numbers as entities (``amount``, ``percent``, ``duration``, ``number``) but
not what each number is for; these parsers read answers such as "rent 1200, groceries 300" or
"credit card 3000 at 19.9% min 90" where the words around a number name it. Placeholders
(``<CREDIT_CARD_1>``) are removed first: their digits are not numbers and their text is not a name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import List, Optional, Sequence, Tuple

PLACEHOLDER = re.compile(r"<[A-Z][A-Z0-9_]*_\d+>")

_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_AMOUNT = re.compile(
    r"(?<![\w.,])(?:[$£€]\s?)?(" + _NUMBER + r")\s?(k|m|million|thousand|grand)?(?![\w%])(?!\s*(?:%|percent))",
    re.IGNORECASE,
)
_MULTIPLIERS = {"k": 1000, "thousand": 1000, "grand": 1000, "m": 1_000_000, "million": 1_000_000}

# A list of costs or debts: split on semicolons, new lines, "and"/"plus", and on commas that are not
# thousands separators ("1,200" stays whole, "1200, groceries" splits).
_ITEM_SEPARATOR = re.compile(r";|\n|,(?!\d{3}(?!\d))|\band\b|\bplus\b|\balso\b", re.IGNORECASE)
_FILLER = re.compile(
    r"\b(?:i|i'm|im|have|has|got|owe|pay|paying|spend|spent|my|a|an|the|on|for|is|are|about|around|roughly|"
    r"approx|approximately|costs?|of|per|month|monthly|each|every|mo|pm|p/m|a\s+month)\b|[$£€:=()\-]",
    re.IGNORECASE,
)

_ZERO_WORDS = re.compile(r"\b(?:nothing|none|zero|nil|nada|no savings|not a penny|not a cent|0)\b", re.IGNORECASE)
_YES = re.compile(r"^\s*(?:y|yes|yeah|yep|yup|sure|ok|okay|please|correct|definitely|of course)\b", re.IGNORECASE)
_NO = re.compile(r"^\s*(?:n|no|nope|nah|not really|never)\b", re.IGNORECASE)

_MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
         ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
         ("nov", "november"), ("dec", "december")],
        start=1,
    )
    for name in names
}
_MONTH_NAME = r"(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_BY_MONTH = re.compile(r"\b(?:by|before|until|till|in|for)\s+(?:the\s+end\s+of\s+)?" + _MONTH_NAME +
                       r"(?:\s+(\d{4}))?\b", re.IGNORECASE)
_BY_YEAR = re.compile(r"\b(?:by|before|until|till|in)\s+(?:the\s+end\s+of\s+)?(20\d{2})\b", re.IGNORECASE)


def without_placeholders(text: str) -> str:
    """``text`` with every placeholder removed (its digits are not numbers, its type is not a name)."""
    return PLACEHOLDER.sub(" ", text)


def _to_decimal(digits: str, multiplier: Optional[str]) -> Optional[Decimal]:
    try:
        value = Decimal(digits.replace(",", ""))
    except InvalidOperation:
        return None
    if multiplier:
        value *= _MULTIPLIERS[multiplier.lower()]
    return value


def parse_amount(text: str) -> Optional[Decimal]:
    """The first positive money amount in ``text`` ("$4,500", "3200.50", "4k", "£1.2 million"), or None.

    Percentages ("5%") and digits inside placeholders or words ("version3") are not amounts.
    """
    for match in _AMOUNT.finditer(without_placeholders(text)):
        value = _to_decimal(match.group(1), match.group(2))
        if value is not None and value > 0:
            return value
    return None


def amounts_at(text: str) -> List[Tuple[int, int, Decimal]]:
    """Every positive amount in ``text`` with where it stands: (start, end, value)."""
    clean = PLACEHOLDER.sub(lambda match: " " * len(match.group(0)), text)  # same length: positions hold
    found = []
    for match in _AMOUNT.finditer(clean):
        value = _to_decimal(match.group(1), match.group(2))
        if value is not None and value > 0:
            found.append((match.start(), match.end(), value))
    return found


def says_zero(text: str) -> bool:
    """Whether an answer means nothing at all ("nothing yet", "none", "zero", "0")."""
    return bool(_ZERO_WORDS.search(text))


def yes_or_no(text: str) -> Optional[bool]:
    """True for an answer that starts with yes, False for one that starts with no, else None."""
    if _YES.search(text):
        return True
    if _NO.search(text):
        return False
    return None


def _items(text: str) -> List[str]:
    return [part.strip() for part in _ITEM_SEPARATOR.split(without_placeholders(text)) if part and part.strip()]


def _label(words: str) -> str:
    return " ".join(_FILLER.sub(" ", words).split())


def parse_costs(text: str) -> List[Tuple[str, Decimal]]:
    """Named monthly costs in ``text``: "rent 1200, groceries 300 and car 250" -> [("rent", 1200), ...].

    Each item is a name and an amount in either order ("£300 on groceries"); an item without
    both is skipped. Names keep the user's words, without filler ("my", "about", "a month").
    """
    costs: List[Tuple[str, Decimal]] = []
    for item in _items(text):
        match = _AMOUNT.search(item)
        if match is None:
            continue
        value = _to_decimal(match.group(1), match.group(2))
        name = _label(item[: match.start()] + " " + item[match.end():])
        if value is not None and name:
            costs.append((name, value))
    return costs


@dataclass(frozen=True)
class DebtText:
    """What one item of a debt list says; a missing figure is None."""

    name: str
    balance: Optional[Decimal]
    apr: Optional[Decimal]
    minimum: Optional[Decimal]

    @property
    def missing(self) -> Tuple[str, ...]:
        """The figures still needed, in words ("interest rate", ...)."""
        labels = (("balance", self.balance), ("interest rate", self.apr), ("minimum payment", self.minimum))
        return tuple(label for label, value in labels if value is None)


_DEBT_NUMBER = re.compile(
    r"(?P<before>\b(?:at|apr|rate|interest|min|minimum|minimum payment|min payment|minimum of|min of|balance|"
    r"owe|owing)\b[\s:=]*)?"
    r"(?:[$£€]\s?)?(?P<digits>" + _NUMBER + r")\s?(?P<mult>k|thousand|grand)?(?![\w])"
    r"(?P<after>\s*(?:%|percent\b|per\s*cent\b|apr\b|a\s+month\b|per\s+month\b|monthly\b|/\s*mo(?:nth)?\b|pm\b))?",
    re.IGNORECASE,
)
_IS_RATE = re.compile(r"%|percent|per\s*cent|apr|\bat\b|rate|interest", re.IGNORECASE)
_IS_MINIMUM = re.compile(r"min|month|/\s*mo|pm", re.IGNORECASE)
_DEBT_FILLER = re.compile(
    r"\b(?:i|have|has|got|owe|owing|with|my|a|an|the|on|of|balance|apr|interest|rate|min|minimum|payment|"
    r"there's|theres|is|it's|its)\b|[$£€:=,()\-]",
    re.IGNORECASE,
)


def parse_debts(text: str) -> List[DebtText]:
    """The debts in ``text``, one per item: "credit card 3000 at 19.9% min 90; car loan 8,500, 6.9% APR, 210 a month".

    In an item, a number after "at"/"apr"/"rate" or before "%" is the APR, one after "min"/"minimum"
    or before "a month" is the minimum payment, and the first other number is the balance. The name
    is the words before the first number. Items without a number are not debts and are skipped.
    """
    debts: List[DebtText] = []
    for item in re.split(r";|\n|\band\b|\balso\b|\bplus\b", without_placeholders(text), flags=re.IGNORECASE):
        numbers = list(_DEBT_NUMBER.finditer(item))
        if not numbers:
            continue
        balance: Optional[Decimal] = None
        apr: Optional[Decimal] = None
        minimum: Optional[Decimal] = None
        for match in numbers:
            value = _to_decimal(match.group("digits"), match.group("mult"))
            context = (match.group("before") or "") + " " + (match.group("after") or "")
            if _IS_RATE.search(context) and apr is None:
                apr = value
            elif _IS_MINIMUM.search(context) and minimum is None:
                minimum = value
            elif balance is None:
                balance = value
            elif minimum is None:
                minimum = value
        name = " ".join(_DEBT_FILLER.sub(" ", item[: numbers[0].start()]).split())
        debts.append(DebtText(name, balance, apr, minimum))
    return debts


def months_to_date(text: str, today: date) -> Optional[date]:
    """The deadline a message names ("by June 2027", "before March", "by the end of 2026"), or None.

    A month without a year is its next occurrence after ``today``; a year alone means its December.
    The day is the 1st of the month (the end of a year: 31 December).
    """
    match = _BY_MONTH.search(text)
    if match:
        month = _MONTHS[match.group(1).lower()]
        if match.group(2):
            return date(int(match.group(2)), month, 1)
        year = today.year if month > today.month else today.year + 1
        return date(year, month, 1)
    year_match = _BY_YEAR.search(text)
    if year_match:
        return date(int(year_match.group(1)), 12, 31)
    return None


def join_words(words: Sequence[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


_CLAUSE = re.compile(r";|\n|,(?!\d{3}(?!\d))|\band\b|\bbut\b|\bplus\b|\bwith\b", re.IGNORECASE)
_PERCENT = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s*(?:%|percent\b|per\s*cent\b|pc\b)", re.IGNORECASE)
_BARE = re.compile(r"(?<![\w.,])(\d+(?:\.\d+)?)(?![\w.,%])")
_SPAN = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s*(years?|yrs?|y|months?|mos?|mths?)\b", re.IGNORECASE)


def clauses(text: str) -> List[str]:
    """``text`` cut where one statement ends and another starts ("my rent is 1,200 and I save 300")."""
    return [part.strip() for part in _CLAUSE.split(without_placeholders(text)) if part and part.strip()]


def parse_percent(text: str, *, bare: bool = False) -> Optional[Decimal]:
    """The first percentage in ``text`` ("5.5%", "5 percent"); with ``bare``, a lone number counts too ("5.5")."""
    match = _PERCENT.search(without_placeholders(text))
    if match is None and bare:
        match = _BARE.search(without_placeholders(text))
    return Decimal(match.group(1)) if match else None


def parse_months(text: str, *, bare_unit_months: int = 12) -> Optional[Decimal]:
    """A length of time in months: "3 years" -> 36, "18 months" -> 18; a lone number is ``bare_unit_months`` each."""
    clean = without_placeholders(text)
    match = _SPAN.search(clean)
    if match:
        unit = match.group(2).lower()
        return Decimal(match.group(1)) * (12 if unit.startswith("y") else 1)
    bare = _BARE.search(clean)
    return Decimal(bare.group(1)) * bare_unit_months if bare else None
