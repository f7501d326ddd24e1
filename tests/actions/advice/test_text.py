"""Reading free-text answers: amounts, costs, debts, deadlines, yes and no."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import List, Optional, Tuple

import pytest

from actions.advice.text import (
    DebtText,
    clauses,
    join_words,
    months_to_date,
    parse_amount,
    parse_costs,
    parse_debts,
    parse_months,
    parse_percent,
    says_zero,
    without_placeholders,
    yes_or_no,
)

TODAY = date(2025, 11, 14)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("3000", Decimal("3000")),
        ("$4,500", Decimal("4500")),
        ("I earn 3,250.50 a month", Decimal("3250.50")),
        ("about 4k", Decimal("4000")),
        ("$ 1200", Decimal("1200")),
        ("£2,500", Decimal("2500")),
        ("1,234,567.89", Decimal("1234567.89")),
        ("1.2 million", Decimal("1200000")),
        ("2 grand", Decimal("2000")),
        ("nothing here", None),
        ("0", None),
        ("version3", None),
        ("5%", None),  # a rate, not money
        ("7 percent", None),
        ("card <CREDIT_CARD_1>", None),  # digits of a placeholder are not an amount
        ("rate 5% then 300", Decimal("300")),
    ],
)
def test_parse_amount(text: str, expected: Optional[Decimal]) -> None:
    assert parse_amount(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("rent 1200, groceries 300, car 250", [("rent", "1200"), ("groceries", "300"), ("car", "250")]),
        ("rent: £1,200; £300 on groceries and netflix 15.99",
         [("rent", "1200"), ("groceries", "300"), ("netflix", "15.99")]),
        ("I pay about 1,200 a month for rent, gym 40", [("rent", "1200"), ("gym", "40")]),
        ("rent 1200,groceries 300", [("rent", "1200"), ("groceries", "300")]),
        ("phone bill 35\nwater 20", [("phone bill", "35"), ("water", "20")]),
        ("my card <CREDIT_CARD_1> payment 90", [("card payment", "90")]),
        ("nothing", []),
        ("rent, groceries", []),  # names without amounts are not costs
    ],
)
def test_parse_costs(text: str, expected: List[Tuple[str, str]]) -> None:
    assert parse_costs(text) == [(name, Decimal(value)) for name, value in expected]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("credit card 3000 at 19.9% min 90", [DebtText("credit card", Decimal(3000), Decimal("19.9"), Decimal(90))]),
        ("car loan: £8,500, 6.9% APR, minimum £210",
         [DebtText("car loan", Decimal(8500), Decimal("6.9"), Decimal(210))]),
        ("student loan 12000 at 4.5 percent, 120 a month; store card 600 at 29% min 25",
         [DebtText("student loan", Decimal(12000), Decimal("4.5"), Decimal(120)),
          DebtText("store card", Decimal(600), Decimal(29), Decimal(25))]),
        ("visa 2k 22% 60", [DebtText("visa", Decimal(2000), Decimal(22), Decimal(60))]),
        ("I have a credit card <CREDIT_CARD_1> 3000 at 19.9% min 90",
         [DebtText("credit card", Decimal(3000), Decimal("19.9"), Decimal(90))]),
        ("overdraft 400", [DebtText("overdraft", Decimal(400), None, None)]),
        ("yes", []),
    ],
)
def test_parse_debts(text: str, expected: List[DebtText]) -> None:
    assert parse_debts(text) == expected


def test_a_debt_says_which_figures_it_lacks() -> None:
    assert DebtText("overdraft", Decimal(400), None, None).missing == ("interest rate", "minimum payment")
    assert DebtText("card", Decimal(1), Decimal(2), Decimal(3)).missing == ()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("by June 2027", date(2027, 6, 1)),
        ("before march", date(2026, 3, 1)),  # the next March after 14 November 2025
        ("by December", date(2025, 12, 1)),
        ("by the end of 2026", date(2026, 12, 31)),
        ("in sept. 2026", date(2026, 9, 1)),
        ("I may save a bit", None),
        ("in 18 months", None),
    ],
)
def test_months_to_date(text: str, expected: Optional[date]) -> None:
    assert months_to_date(text, TODAY) == expected


@pytest.mark.parametrize(
    "text, bare, expected",
    [("5.5%", False, Decimal("5.5")), ("7 percent", False, Decimal(7)), ("about 6", False, None),
     ("about 6", True, Decimal(6)), ("<PHONE_NUMBER_1>", True, None)],
)
def test_parse_percent(text: str, bare: bool, expected: Optional[Decimal]) -> None:
    assert parse_percent(text, bare=bare) == expected


@pytest.mark.parametrize(
    "text, unit, expected",
    [("3 years", 12, Decimal(36)), ("18 months", 12, Decimal(18)), ("25", 12, Decimal(300)),
     ("25", 1, Decimal(25)), ("2.5 yrs", 12, Decimal(30)), ("soon", 12, None)],
)
def test_parse_months(text: str, unit: int, expected: Optional[Decimal]) -> None:
    assert parse_months(text, bare_unit_months=unit) == expected


@pytest.mark.parametrize(
    "text, expected",
    [("yes", True), ("Yeah, it varies", True), ("no", False), ("nope, steady", False), ("maybe", None)],
)
def test_yes_or_no(text: str, expected: Optional[bool]) -> None:
    assert yes_or_no(text) is expected


@pytest.mark.parametrize("text, expected", [("nothing yet", True), ("none", True), ("0", True), ("500", False)])
def test_says_zero(text: str, expected: bool) -> None:
    assert says_zero(text) is expected


def test_clauses_split_statements_but_not_thousands() -> None:
    assert clauses("my rent is 1,200 and I save 300, but bills are 90") == ["my rent is 1,200", "I save 300",
                                                                          "bills are 90"]


def test_placeholders_are_removed_and_words_joined() -> None:
    assert without_placeholders("card <CREDIT_CARD_12> ok").split() == ["card", "ok"]
    assert [join_words([]), join_words(["a"]), join_words(["a", "b"]), join_words(["a", "b", "c"])] == [
        "", "a", "a and b", "a, b and c"]
