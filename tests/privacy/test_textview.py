"""The normalised view every recognizer reads: what it rewrites, what it leaves, and the way back."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.privacy.textview import TextView


@pytest.mark.parametrize("typed, seen", [
    # White space: runs become one space, or one line break; between digits always a space.
    ("card 4000  1234  5678  9010 ok", "card 4000 1234 5678 9010 ok"),
    ("it is 3400\n123456 12345", "it is 3400 123456 12345"),
    ("first line\n\n\nsecond   line", "first line\nsecond line"),
    ("tab\tseparated", "tab separated"),
    # Digit groups with dots or mixed separators: one number.
    ("4000.1234.5678.9010", "4000 1234 5678 9010"),
    ("4000.1234.5678 9010", "4000 1234 5678 9010"),
    ("4000-1234-5678 9010", "4000 1234 5678 9010"),
    ("ssn 123.45.6789", "ssn 123 45 6789"),
    # Glued cue words.
    ("cvc902 and pin1234", "cvc 902 and pin 1234"),
    ("cvv2 556", "cvv2 556"),
    ("cvc296 and cvv2556", "cvc 296 and cvv 2556"),
    # Spelled digits.
    ("four one one one, one one one one", "4111 1111"),
    ("pin one two three four", "pin 1234"),
    ("call oh seven seven double oh nine hundred one two three", "call 07700900123"),
    ("eighty three seventy one sixty two", "837162"),
    ("triple five two one", "555 21".replace(" ", "")),
])  # fmt: skip
def test_what_the_view_rewrites(typed: str, seen: str) -> None:
    assert TextView.of(typed).text == seen


@pytest.mark.parametrize("typed", [
    "ip 192.168.1.1 on 12.03.1990",      # an IP address and a dotted date
    "v1.2.3 and 3.14",                    # versions and decimals
    "paid 1,250.00 on 2024-01-15 at 10:30",
    "2024-01-15 12345",                    # a date then a number: not one number
    "I have two or three cards",           # counting, not spelling
    "two thousand five hundred pounds",
    "nine hundred and fifty",
    "one of my accounts, one two three",   # three digits are no number to hide
    "acct12345678 and ref9981",           # recognizers read these as typed
])  # fmt: skip
def test_what_the_view_leaves_as_typed(typed: str) -> None:
    assert TextView.of(typed).text == typed


def test_a_spelled_number_maps_back_to_its_words() -> None:
    typed = "my card is four one one one one one one one one one one one one one one one thanks"
    view = TextView.of(typed)
    start = view.text.index("4111")
    begin, end = view.to_original(start, start + 16)
    assert typed[begin:end] == typed[len("my card is "):-len(" thanks")]


def test_a_run_of_white_space_maps_back_whole() -> None:
    typed = "card 4000  \n 1234"
    view = TextView.of(typed)
    assert view.text == "card 4000 1234"
    assert view.to_original(5, 14) == (5, len(typed))


def test_characters_are_folded_and_invisible_ones_dropped() -> None:
    original = "a\u200bＢ c"
    view = TextView.of(original)
    assert view.text == "aB c"
    assert view.to_original(1, 2) == (2, 3)
    assert view.to_original(0, 4) == (0, 5)
    with pytest.raises(ValueError):
        view.to_original(2, 9)


@settings(max_examples=300, deadline=None)
@given(st.one_of(
    st.text(alphabet=st.sampled_from(list("0123456789 .-_\n\tabcdefghijklmnopqrstuvwxyz,\u200b\u00a0Ｂ")),
            max_size=200),
    st.text(max_size=200),
    st.lists(st.sampled_from(["one", "two", "oh", "double", "eighty", "three", "hundred", " ", ", ", "-", "9"]),
             max_size=40).map("".join),
))
def test_every_view_character_maps_inside_the_original(typed: str) -> None:
    view = TextView.of(typed)
    assert len(view.starts) == len(view.ends) == len(view.text)
    for start, end in zip(view.starts, view.ends):
        assert 0 <= start <= end <= len(typed)
    assert list(view.starts) == sorted(view.starts)
    if view.text:
        begin, end = view.to_original(0, len(view.text))
        assert 0 <= begin <= end <= len(typed)
