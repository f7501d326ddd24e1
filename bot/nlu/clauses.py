"""The question in a message without its identifier clauses: what the intent model also reads.

Customers put their details around a question: ``card <CREDIT_CARD_1>. Why was I
charged twice?``, ``I ordered my card - <PERSON_1> here - but it hasn't come``,
``can I raise my limit? (email <EMAIL_ADDRESS_1>)``. Read whole, such a message
is mostly placeholders and their cue words, and a short question drowns in
them. ``question_view`` cuts the message into clauses (at sentence ends,
semicolons, brackets, commas, dashes and slashes between spaces, and the words
"and" and "btw") and keeps the clauses that hold no placeholder, in order.

It knows no phrase: a clause goes because it holds a placeholder, whatever its
words. So a clause that holds the question *and* a placeholder ("send 50 to
<PERSON_1>") goes too; the classifier therefore scores both the whole message
and its view and keeps the more confident reading (``bot.nlu.classifier``).
"""

from __future__ import annotations

import re
from typing import List, Optional

from bot.privacy.placeholders import PLACEHOLDER_PATTERN

__all__ = ["MIN_WORDS", "question_view"]

# What is left must hold this many words to be read alone: "send it please" (after "<PERSON_1> needs 200 from me
# for the holiday,") and "20 pounds" (after "I want to pay <PERSON_1>,") are no questions of their own, and the
# message is read whole. The price: "hey hey (tel <PHONE_NUMBER_1>)" is read whole too.
MIN_WORDS = 4

_PLACEHOLDER = re.compile(PLACEHOLDER_PATTERN)
_BOUNDARY = re.compile(
    r"(\.+(?=\s+(?-i:[A-Z])|\s+[\d\"']|\s*$)"  # a sentence's end ("no. <CARD>" and "ending... actually" are not)
    r"|[!?;]+|[()\[\]]|,"
    r"|\s[-\u2013\u2014/]+(?=\s)"  # a dash or slash between spaces
    r"|\b(?:and|btw)\b)",
    re.IGNORECASE,
)
_TERMINAL = re.compile(r"\.+|[!?;]+")
_OPENING = re.compile(r"^[^\w<]+|^(?:and|btw)\b\W*", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+")


def question_view(text: str) -> Optional[str]:
    """``text`` without the clauses that hold a placeholder; None when it holds none, or too little is left."""
    if not _PLACEHOLDER.search(text):
        return None
    parts = _BOUNDARY.split(text)
    clauses, boundaries = parts[0::2], [*parts[1::2], ""]
    kept: List[str] = []
    joiner, dropped = "", False
    for clause, boundary in zip(clauses, boundaries):
        if _PLACEHOLDER.search(clause):
            joiner, dropped = "", True
            continue
        if clause.strip():
            if kept:
                # "the expected - <clause> - delivery date": once the clause is gone, the question is whole again.
                kept.append(" " if dropped else joiner)
            kept.append(clause)
            joiner, dropped = "", False
        if _TERMINAL.fullmatch(boundary):
            if kept and not dropped:
                kept.append(boundary)  # a question keeps its question mark
        elif not dropped:
            joiner += boundary
    view = re.sub(r"[()\[\]]", " ", "".join(kept))
    view = re.sub(r"\s+([.,;!?])", r"\1", re.sub(r"\s+", " ", view)).strip(" ,;-/\u2013\u2014")
    view = _OPENING.sub("", view).strip()
    return view if view != text and len(_WORD.findall(view)) >= MIN_WORDS else None
