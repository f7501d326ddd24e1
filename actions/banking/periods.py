"""Periods of time named in chat: "last month", "in October", "this week", "the past 30 days".

Plain functions on dates, no Rasa: ``parse_period(text, today)`` finds the
period a message names, ``Period`` is a closed range of days with a label
that reads well in a reply ("October 2025", "the last 30 days").
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Optional


@dataclass(frozen=True)
class Period:
    """The days from ``start`` to ``end``, both included."""

    start: date
    end: date
    label: str

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"a period cannot end ({self.end}) before it starts ({self.start})")

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def phrase(self) -> str:
        """The period inside a sentence: "today", "last week", "in October 2025", "in the last 30 days"."""
        if self.label.startswith(("today", "yesterday", "this ", "last ")):
            return self.label
        return f"in {self.label}"


_NUMBER_WORDS = {
    "a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "ninety": 90, "couple of": 2, "few": 3,
}
_COUNT = r"(\d{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
_ROLLING = re.compile(r"\b(?:last|past|previous|recent)\s+" + _COUNT + r"\s+(day|week|month)s?\b")
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = re.compile(
    r"\b(?P<before>in|for|during|of|since|over|from|on)?\s*"
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b(?:\s+(?P<year>(?:19|20)\d\d))?"
)
_MAX_ROLLING_DAYS = 3660


def month_period(year: int, month: int, label: Optional[str] = None) -> Period:
    """The whole calendar month."""
    last = calendar.monthrange(year, month)[1]
    return Period(date(year, month, 1), date(year, month, last), label or f"{calendar.month_name[month]} {year}")


def _rolling(count: int, unit: str, today: date) -> Optional[Period]:
    days = count * {"day": 1, "week": 7, "month": 30}[unit]
    if count <= 0 or days > _MAX_ROLLING_DAYS:
        return None
    plural = unit if count == 1 else f"{unit}s"
    label = f"the last {unit}" if count == 1 else f"the last {count} {plural}"
    return Period(today - timedelta(days=days - 1), today, label)


def _named_month(text: str, today: date) -> Optional[Period]:
    for match in _MONTH.finditer(text):
        word, year_text = match.group("month"), match.group("year")
        # "may" is a month only where it cannot be the verb: "in May", "May 2024".
        if word == "may" and not (match.group("before") or year_text):
            continue
        month = _MONTHS[word[:3]]
        if year_text:
            year = int(year_text)
        else:
            # The most recent such month: "in November" said in March means last November.
            year = today.year if month <= today.month else today.year - 1
        return month_period(year, month)
    return None


def parse_period(text: str, today: date) -> Optional[Period]:
    """The period ``text`` names, relative to ``today``; None if it names none."""
    text = " ".join(text.lower().replace("'", "").split())
    rolling = _ROLLING.search(text)
    if rolling:
        count_text, unit = rolling.groups()
        count = int(count_text) if count_text.isdigit() else _NUMBER_WORDS[count_text]
        return _rolling(count, unit, today)
    if re.search(r"\bfortnight\b", text):
        return _rolling(14, "day", today)
    if re.search(r"\btoday\b", text):
        return Period(today, today, "today")
    if re.search(r"\byesterday\b", text):
        yesterday = today - timedelta(days=1)
        return Period(yesterday, yesterday, "yesterday")
    monday = today - timedelta(days=today.weekday())
    if re.search(r"\bthis week\b|\bweek so far\b", text):
        return Period(monday, today, "this week")
    if re.search(r"\b(?:last|previous) week\b", text):
        return Period(monday - timedelta(days=7), monday - timedelta(days=1), "last week")
    if re.search(r"\b(?:past|recent) week\b", text):
        return _rolling(7, "day", today)
    if re.search(r"\bthis month\b|\bmonth to date\b|\bmonth so far\b|\bcurrent month\b", text):
        return Period(today.replace(day=1), today, "this month")
    if re.search(r"\b(?:last|previous) month\b", text):
        end = today.replace(day=1) - timedelta(days=1)
        return month_period(end.year, end.month, f"last month ({calendar.month_name[end.month]} {end.year})")
    if re.search(r"\b(?:past|recent) month\b", text):
        return _rolling(30, "day", today)
    if re.search(r"\bthis year\b|\byear to date\b", text):
        return Period(date(today.year, 1, 1), today, f"{today.year} so far")
    if re.search(r"\b(?:last|previous) year\b", text):
        return Period(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31), str(today.year - 1))
    return _named_month(text, today)
