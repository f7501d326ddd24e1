"""Numbers written in words, and the digit text that maps back to the original offsets."""

from __future__ import annotations

from typing import List, Tuple

import pytest

from bot.nlu.wordnumbers import find_word_numbers, spell_out_numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("twenty-five", [("twenty-five", 25.0, False)]),
        ("twenty five", [("twenty five", 25.0, False)]),
        ("a hundred and fifty", [("a hundred and fifty", 150.0, False)]),
        ("two thousand three hundred", [("two thousand three hundred", 2300.0, True)]),
        ("one and a half years", [("one and a half", 1.5, False)]),
        ("a million", [("a million", 1e6, True)]),
        ("ninety nine", [("ninety nine", 99.0, False)]),
        # Not one number: units do not follow units, "and" only follows a scale, "a" alone is no number.
        ("one two", [("one", 1.0, False), ("two", 2.0, False)]),
        ("two and three", [("two", 2.0, False), ("three", 3.0, False)]),
        ("a year", []),
        ("thousand", []),
        ("someone, anyone", []),
        ("twenty,five", [("twenty", 20.0, False), ("five", 5.0, False)]),
    ],
)
def test_find_word_numbers(text: str, expected: List[Tuple[str, float, bool]]) -> None:
    assert [(text[n.start:n.end], n.value, n.large) for n in find_word_numbers(text)] == expected


def test_spelled_text_maps_back_to_the_original() -> None:
    text = "pay twenty-five pounds in one and a half years"
    spelled = spell_out_numbers(text)
    assert spelled.text == "pay 25 pounds in 1.5 years"
    start = spelled.text.index("25 pounds")
    assert spelled.span(start, start + len("25 pounds")) == (4, 22)
    assert text[4:22] == "twenty-five pounds"
    years = spelled.text.index("1.5 years")
    assert text[slice(*spelled.span(years, years + len("1.5 years")))] == "one and a half years"
    number = spelled.word_number_at(years, years + 3)
    assert number is not None and number.value == 1.5
    assert spelled.word_number_at(0, 3) is None


def test_text_without_word_numbers_is_unchanged() -> None:
    spelled = spell_out_numbers("£40 on <PIN_1>")
    assert spelled.text == "£40 on <PIN_1>"
    assert spelled.span(0, 3) == (0, 3)
