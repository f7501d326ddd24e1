"""Periods named in chat, relative to a fixed day (Friday 14 November 2025)."""

from __future__ import annotations

from datetime import date
from typing import Optional, Tuple

import pytest

from actions.banking.periods import Period, month_period, parse_period

TODAY = date(2025, 11, 14)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("how much did I spend last month", (date(2025, 10, 1), date(2025, 10, 31), "last month (October 2025)")),
        ("spending this month", (date(2025, 11, 1), date(2025, 11, 14), "this month")),
        ("what did I spend this week", (date(2025, 11, 10), date(2025, 11, 14), "this week")),
        ("last week please", (date(2025, 11, 3), date(2025, 11, 9), "last week")),
        ("in the past week", (date(2025, 11, 8), date(2025, 11, 14), "the last 7 days")),
        ("the last 30 days", (date(2025, 10, 16), date(2025, 11, 14), "the last 30 days")),
        ("past three months", (date(2025, 8, 17), date(2025, 11, 14), "the last 3 months")),
        ("last couple of weeks", (date(2025, 11, 1), date(2025, 11, 14), "the last 2 weeks")),
        ("over the last fortnight", (date(2025, 11, 1), date(2025, 11, 14), "the last 14 days")),
        ("today", (TODAY, TODAY, "today")),
        ("what went out yesterday", (date(2025, 11, 13), date(2025, 11, 13), "yesterday")),
        ("in October", (date(2025, 10, 1), date(2025, 10, 31), "October 2025")),
        ("for sept", (date(2025, 9, 1), date(2025, 9, 30), "September 2025")),
        ("spending in December", (date(2024, 12, 1), date(2024, 12, 31), "December 2024")),  # the last December
        ("in November", (date(2025, 11, 1), date(2025, 11, 30), "November 2025")),
        ("february 2024", (date(2024, 2, 1), date(2024, 2, 29), "February 2024")),
        ("what did I spend in May", (date(2025, 5, 1), date(2025, 5, 31), "May 2025")),
        ("this year", (date(2025, 1, 1), TODAY, "2025 so far")),
        ("last year", (date(2024, 1, 1), date(2024, 12, 31), "2024")),
        ("LAST MONTH", (date(2025, 10, 1), date(2025, 10, 31), "last month (October 2025)")),
        ("how much did I spend", None),
        ("may I see my spending", None),  # "may" the verb, not the month
        ("last 0 days", None),
        ("my last 10 transactions", None),  # a count, not a period
    ],
)
def test_parse_period(text: str, expected: Optional[Tuple[date, date, str]]) -> None:
    period = parse_period(text, TODAY)
    assert (None if period is None else (period.start, period.end, period.label)) == expected


def test_last_month_in_january_is_december_of_the_year_before() -> None:
    period = parse_period("last month", date(2026, 1, 3))
    assert period is not None and (period.start, period.end) == (date(2025, 12, 1), date(2025, 12, 31))


def test_a_period_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError):
        Period(date(2025, 2, 2), date(2025, 2, 1), "backwards")


def test_month_period_contains_its_days_only() -> None:
    october = month_period(2025, 10)
    assert october.contains(date(2025, 10, 31)) and not october.contains(date(2025, 11, 1))


@pytest.mark.parametrize("words, phrase", [("today", "today"), ("last month", "last month (October 2025)"),
                                           ("in October", "in October 2025"), ("last 30 days", "in the last 30 days"),
                                           ("this week", "this week")])
def test_phrase_reads_inside_a_sentence(words: str, phrase: str) -> None:
    period = parse_period(words, TODAY)
    assert period is not None and period.phrase == phrase
