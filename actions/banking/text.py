"""What a redacted chat message says about banking: accounts, counts, categories, choices, placeholders.

Plain functions on text, no Rasa. Messages reach the actions redacted, so an
identifier appears only as a placeholder such as ``<ACCOUNT_NUMBER_1>``.
"""

from __future__ import annotations

import re
from typing import Dict, List, Optional, Sequence

PLACEHOLDER = re.compile(r"<([A-Z][A-Z0-9_]*?)_(\d+)>")
# Placeholders that can name where money goes, and how a reply speaks of each.
PAYEE_ACCOUNT_TYPES = ("ACCOUNT_NUMBER", "IBAN_CODE")

_ACCOUNT_WORDS = {
    "savings": r"savings?|saver|rainy day|isa",
    "current": r"current|checking|cheque|main|everyday|day to day|spending",
}
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
}
_ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
    "fifth": 5, "5th": 5, "sixth": 6, "6th": 6, "seventh": 7, "7th": 7, "eighth": 8, "8th": 8,
}
_COUNTED = re.compile(
    r"\b(\d{1,3}|" + "|".join(_NUMBER_WORDS) + r")\s+(?:\w+\s+)?"
    r"(?:transactions?|payments?|purchases?|items?|entries|movements?|ones|spends?|charges?|debits?)\b"
)
_CATEGORY_WORDS: Dict[str, str] = {
    "groceries": r"grocer(?:y|ies)|supermarkets?|food shop(?:ping)?",
    "eating out": r"eating out|restaurants?|takeaways?|take-aways?|dining|coffee|lunch(?:es)?",
    "transport": r"transport|travel|commut\w*|trains?|tube|bus(?:es)?|taxis?|uber|fuel|petrol",
    "bills": r"bills?|utilit(?:y|ies)|energy|electricity|gas bill|water bill|broadband|council tax|phone bill",
    "rent": r"rent",
    "shopping": r"shopping|clothes|amazon",
    "entertainment": r"entertainment|subscriptions?|streaming|cinema|netflix|spotify|going out",
    "payments": r"payments? to (?:people|friends|family)",
}


def _clean(text: str) -> str:
    return " ".join(text.lower().replace("'", "").split())


def placeholders(text: str, types: Sequence[str]) -> List[str]:
    """The placeholders of the given types in ``text``, in order, each once."""
    found: List[str] = []
    for match in PLACEHOLDER.finditer(text or ""):
        if match.group(1) in types and match.group(0) not in found:
            found.append(match.group(0))
    return found


def placeholder_type(value: str) -> Optional[str]:
    """``ACCOUNT_NUMBER`` for ``<ACCOUNT_NUMBER_1>``; None when ``value`` is not exactly one placeholder."""
    match = PLACEHOLDER.fullmatch((value or "").strip())
    return match.group(1) if match else None


def account_kind(text: str) -> Optional[str]:
    """The one account kind ``text`` names ("savings", "current"), or None (none, or both)."""
    text = _clean(text)
    named = [kind for kind, words in _ACCOUNT_WORDS.items() if re.search(rf"\b(?:{words})\b", text)]
    return named[0] if len(named) == 1 else None


def account_after(text: str, prepositions: str) -> Optional[str]:
    """The account kind named right after one of ``prepositions`` ("from", "to|into"): "from my savings"."""
    text = _clean(text)
    for kind, words in _ACCOUNT_WORDS.items():
        if re.search(rf"\b(?:{prepositions})\s+(?:my\s+|the\s+|our\s+)?(?:{words})\b", text):
            return kind
    return None


def count(text: str) -> Optional[int]:
    """How many transactions ``text`` asks for: "my last 10 transactions", "five payments"."""
    match = _COUNTED.search(_clean(text))
    if match is None:
        return None
    word = match.group(1)
    return int(word) if word.isdigit() else _NUMBER_WORDS[word]


def category(text: str) -> Optional[str]:
    """The spending category ``text`` asks about, if exactly one."""
    text = _clean(text)
    named = [name for name, words in _CATEGORY_WORDS.items() if re.search(rf"\b(?:{words})\b", text)]
    return named[0] if len(named) == 1 else None


def choice(text: str, options: int) -> Optional[int]:
    """Which of ``options`` numbered items (1-based) ``text`` picks: "2", "the second one", "number 3", "last"."""
    text = _clean(text)
    picks = [int(n) for n in re.findall(r"(?<![\d.,£$€])\b(\d{1,2})\b(?![\d.,])", text)]
    picks += [n for word, n in _ORDINALS.items() if re.search(rf"\b{word}\b", text)]
    picks += [n for word, n in _NUMBER_WORDS.items() if re.search(rf"(?:\bnumber\s*|#\s*){word}\b", text)]
    if re.search(r"\b(?:last|final|bottom) one\b", text):
        picks.append(options)
    picks = sorted(set(picks))
    return picks[0] if len(picks) == 1 and 1 <= picks[0] <= options else None
