"""Which words of a message spaCy's NER needs to look at.

The NER pass is most of the engine's time, and the only recognizer that reads
it (PERSON) uses it for Title-case words alone. So the engine runs NER only
when a message holds a Title-case word that could be a name (not a common
English word, or a common word that is also a given name or surname: "Mark"),
and then only on a window of words around each such word.
"""

from __future__ import annotations

from functools import lru_cache
from typing import List, Sequence, Tuple

from bot.privacy.recognizers._lexicon import common_words, countries, fold, person_names, place_names
from bot.privacy.recognizers.addresses import find_addresses

# Titles, suffixes and company forms: they sit next to names, they are not names.
_NOT_NAMES = frozenset({"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "jr", "sr", "phd", "md", "inc", "ltd",
                        "llc", "plc", "co", "corp", "gmbh"})
WINDOW_BEFORE = 3
WINDOW_AFTER = 3


@lru_cache(maxsize=50_000)
def could_be_name(word: str) -> bool:
    """True for a Title-case word whose reading NER should settle.

    A common English word that is no name ("How", "Savings") needs no NER, and
    neither does an unambiguous known name ("Jennifer", "Kowalski"): the name
    rules know it. Left are unknown words ("Quackenbush", "Innography") and
    words that are both ("Mark", "Grant", "Chase").
    """
    if len(word) < 2 or not word[0].isupper() or not any(ch.islower() for ch in word[1:]):
        return False
    for suffix in ("'s", "’s", "."):
        if word.endswith(suffix):
            word = word[: -len(suffix)]
    folded = fold(word)
    if folded in _NOT_NAMES or folded in countries() or folded in place_names():
        return False  # places are kept, and the name rules know them
    common, name = folded in common_words(), folded in person_names()
    return not common and not name


def windows(text: str, tokens: Sequence[Tuple[int, str]]) -> List[Tuple[int, int]]:
    """Merged token windows ``[start, end)`` around every word that could be a name.

    ``tokens`` are (offset, text) pairs. Words inside a street address ("Kromwater",
    "Zoetermeer") are the address recognizer's, not NER's.
    """
    length = len(tokens)
    addresses = find_addresses(text) if any(ch.isdigit() for ch in text) else []
    spans: List[Tuple[int, int]] = []
    for index, (offset, word) in enumerate(tokens):
        if not could_be_name(word) or any(start <= offset < end for start, end, _ in addresses):
            continue
        if _next_to_known_given_name(tokens, index):
            continue  # "Cynthia Ottarsdóttir": the name rules take the pair on the given name's evidence
        start, end = max(0, index - WINDOW_BEFORE), min(length, index + WINDOW_AFTER + 1)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans


def _known_given_name(word: str) -> bool:
    if len(word) < 2 or not word[0].isupper() or not word[1:].islower():
        return False
    folded = fold(word)
    return folded in person_names().first and folded not in common_words()


def _next_to_known_given_name(tokens: Sequence[Tuple[int, str]], index: int) -> bool:
    """Whether the word before ``index`` is an unambiguous given name ("Cynthia" before a surname)."""
    return index > 0 and _known_given_name(tokens[index - 1][1])


def warm_up() -> None:
    """Load the word lists now rather than on the first message."""
    common_words()
    person_names()
    countries()
    place_names()
