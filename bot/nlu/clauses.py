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
# message is read whole. Unless every clause that went only said what a value is ("tel <PHONE_NUMBER_1>",
# "my card is <CREDIT_CARD_1>"): then "hey hey" or "nah" is the whole of what the person said.
MIN_WORDS = 4

# The words of a clause that only states an identifier: whose it is, what it is, and "here it is". A clause
# with any other word ("pay", "needs", "from") says more than that, and short views after it are not read alone.
_STATING = frozenset("""
    my our his her their your the a an this that these here there it its it's i i'm im me mine is are was am be
    also just full new old main current savings joint business personal of for on at in to by via with or
    card cards number numbers no num nr acct account accounts sort code codes sc iban bic swift routing aba
    email e-mail mail address phone tel telephone mobile cell landline name surname ref reference id details
    ending postcode zip contact reach ring call text me
""".split())

_PLACEHOLDER = re.compile(PLACEHOLDER_PATTERN)
_BOUNDARY = re.compile(
    r"(\.+(?=\s+(?-i:[A-Z])|\s+[\d\"']|\s*$)"  # a sentence's end ("no. <CARD>" and "ending... actually" are not)
    r"|(?<=>)\.+(?=\s)"  # a full stop after a placeholder ends its sentence, whatever case follows
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
    joiner, dropped, only_stating = "", False, True
    for clause, boundary in zip(clauses, boundaries):
        if _PLACEHOLDER.search(clause):
            joiner, dropped = "", True
            only_stating = only_stating and _only_states(clause)
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
    words = len(_WORD.findall(view))
    return view if view != text and words >= (1 if only_stating else MIN_WORDS) else None


def _only_states(clause: str) -> bool:
    """Whether ``clause`` says no more than what its identifiers are ("my iban is <IBAN_CODE_1>")."""
    return all(word.lower() in _STATING for word in _WORD.findall(_PLACEHOLDER.sub(" ", clause)))
