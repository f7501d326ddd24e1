"""Recognizer: a given name that is also a word, right where a chat message names a person (PERSON).

``PersonRecognizer`` keeps "will", "hope", "summer" and "rose" as words unless
the message says outright that a name follows ("my name is"): most of the time
they are words. A few phrases leave no room for the word, and then the name is
taken, with a surname after it if one follows:

* the payee of a transfer: "transfer to will pls", "wire to cathy wise, acct ...";
* who is writing: "this is hope from leeds", "hi its summer";
* a payee or a user being added: "add rose as a payee", "can amber use my account";
* a relative who acts: "my wife will macconachy said ...".

The first word must be a given name of the gazetteer (every Faker locale).
"""

from __future__ import annotations

from typing import List, Optional

import regex
from presidio_analyzer import EntityRecognizer, Pattern

from bot.privacy.recognizers._lexicon import common_words, countries, finance_terms, fold, person_names, place_names
from bot.privacy.recognizers.pattern_base import ClassPatternRecognizer

CUE_SCORE = 0.6

_WORD = r"[^\W\d_][^\W\d_'’-]{0,20}(?:['’-][^\W\d_]{1,20})?"
_NOT_A_SURNAME = r"pls|please|plz|thx|thanks|ty|asap|now|today|from|here|as|use|said|says|iban|acct"
_NAME = rf"{_WORD}(?:\s(?!(?:{_NOT_A_SURNAME})\b){_WORD})?"
_FILLER = r"pls|please|plz|thx|thanks|ty|asap|now|today|thank\s+you|cheers"
# What may follow the name for the phrase to mean a person: the end of the clause or a few words.
_AFTER_PAYEE = rf"(?=\s?[.,!?;]|\s?$|\s(?:{_FILLER}|iban|acct|account|a/c|sort|sc|at|on|in|with)\b)"
_AFTER_WRITER = rf"(?=\s?[.,!?;]|\s?$|\s(?:{_FILLER}|from|here)\b)"
_KIN = r"wife|husband|partner|son|daughter|mum|mom|mother|dad|father|friend|brother|sister|boss|landlord|landlady"
_FUNCTION_WORDS = frozenset(
    "a an the my your his her our their its this that these those me him them us you it someone somebody anyone "
    "another other each every some any all both which what who whom whose there here myself yourself".split()
)
_MONEY = r"transfer|trnsfer|tranfer|send|sending|pay|paying|wire|move|moving|refund"


class CuedNameRecognizer(ClassPatternRecognizer):
    """A given name (and a surname) in a phrase that can only be naming a person; any case."""

    ENTITY = "PERSON"
    PATTERNS = [
        Pattern("payee of a transfer", rf"(?<=\b(?:{_MONEY})\b[^.?!\n]{{0,30}}\b(?:to|for)\s){_NAME}{_AFTER_PAYEE}",
                CUE_SCORE),
        Pattern("who is writing", rf"(?<=\b(?:this\sis|it'?s|its|i'?m|im)\s){_NAME}{_AFTER_WRITER}", CUE_SCORE),
        Pattern("added as a payee", rf"(?<=\badd\s){_NAME}(?=\sas\s(?:a\s|my\s|the\s)?(?:payee|pyee|beneficiary"
                r"|authori[sz]ed\suser|joint))", CUE_SCORE),
        Pattern("may use an account", rf"(?<=\bcan\s){_NAME}(?=\s(?:use|see|access|have|get)\s(?:my|our)\b)",
                CUE_SCORE),
        Pattern("a relative who acts", rf"(?<=\bmy\s(?:{_KIN})\s){_NAME}(?=\s(?:said|says|told|wants|has|paid|sent"
                r"|asked|thinks|is\s(?:away|abroad|not))\b)", CUE_SCORE),
    ]
    # A word of every phrase (a cheap test before the patterns, which look behind at every position).
    PREFILTER = regex.compile(rf"(?i)\b(?:{_MONEY}|this\sis|it'?s|its|i'?m|im|add|can|my)\b")

    def invalidate_result(self, pattern_text: str) -> Optional[bool]:
        """True (drop the match) when its first word is no given name, or names a bank or a product ("Ally"),
        or when a second word is an everyday word and no surname ("transfer to Ally take")."""
        words = [fold(word) for word in pattern_text.split()]
        if words[0] not in person_names().first or words[0] in _FUNCTION_WORDS:
            return True  # "transfer to my account": "My" is a given name too
        if words[0] in finance_terms() or words[0] in place_names() or words[0] in countries():
            return True  # "transfer to Ally", "transfer to China"
        return len(words) > 1 and words[1] not in person_names().last and words[1] in common_words()


def recognizers() -> List[EntityRecognizer]:
    """A fresh instance of the cued-name recognizer."""
    return [CuedNameRecognizer()]
