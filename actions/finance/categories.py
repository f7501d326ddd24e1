"""Needs, wants and savings: classify a monthly cost by its name, for the 50/30/20 budget.

Needs are what you must pay to live and work (housing, bills, food, transport, insurance,
minimum debt payments); wants are the rest of spending; savings are money put aside
(including pensions and investments). Matching is by whole words, singular or plural, and
the longest matching phrase wins, so "fast food" is a want while "food" is a need.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Dict, Optional, Tuple


class Category(str, Enum):
    NEED = "need"
    WANT = "want"
    SAVING = "saving"


_KEYWORDS: Dict[Category, Tuple[str, ...]] = {
    Category.NEED: (
        "rent", "mortgage", "housing", "council tax", "property tax", "hoa", "service charge",
        "utility", "utilities", "bill", "electricity", "electric", "gas", "water", "heating", "energy", "power",
        "grocery", "groceries", "food", "supermarket", "toiletries",
        "insurance", "health", "medical", "medicine", "prescription", "pharmacy", "doctor", "dentist", "dental",
        "childcare", "child care", "daycare", "nursery", "school", "tuition", "child support", "alimony",
        "transport", "transportation", "commute", "bus", "train", "transit", "metro", "fuel", "petrol", "gasoline",
        "car", "auto", "vehicle", "parking",
        "phone", "mobile", "internet", "broadband",
        "loan", "debt", "credit card", "minimum payment", "repayment", "tax",
    ),
    Category.WANT: (
        "dining", "dining out", "eating out", "restaurant", "takeaway", "take away", "takeout", "fast food",
        "coffee", "cafe", "bar", "pub", "drinks", "alcohol", "nights out", "going out",
        "entertainment", "streaming", "netflix", "spotify", "disney", "subscription", "cable", "tv",
        "cinema", "movie", "concert", "game", "gaming", "hobby", "hobbies",
        "gym", "fitness", "sport", "clothes", "clothing", "shopping", "fashion", "beauty", "hair", "spa",
        "travel", "holiday", "vacation", "trip", "gift", "treat", "membership", "pet",
    ),
    Category.SAVING: (
        "saving", "savings", "emergency fund", "rainy day", "pension", "retirement", "401k", "ira", "isa",
        "investment", "investing", "invest", "stocks", "shares", "index fund", "overpayment", "extra debt payment",
    ),
}

# On a tie in length a specific word beats a generic one ("Netflix bill" is a want), then
# savings beats needs beats wants ("holiday savings" is money put aside).
_GENERIC = {("bill",), ("repayment",), ("tax",)}
_PRIORITY = {Category.SAVING: 0, Category.NEED: 1, Category.WANT: 2}


def _words(text: str) -> Tuple[str, ...]:
    # A light stemmer: "bills" and "bill" match, "groceries" matches "groceries"; "gas" and "bus" stay whole.
    return tuple(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
                 for w in re.findall(r"[a-z0-9]+", text.lower()))


_PHRASES = tuple(
    sorted(
        ((_words(keyword), category) for category, keywords in _KEYWORDS.items() for keyword in keywords),
        key=lambda item: (-len(item[0]), item[0] in _GENERIC, _PRIORITY[item[1]]),
    )
)


def classify_cost(name: str) -> Optional[Category]:
    """The category of a cost named ``name`` ("Rent", "eating out", "Pension"), or None if not recognised."""
    words = _words(name)
    for phrase, category in _PHRASES:
        size = len(phrase)
        if any(words[i:i + size] == phrase for i in range(len(words) - size + 1)):
            return category
    return None
