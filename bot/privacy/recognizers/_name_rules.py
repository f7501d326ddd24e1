"""The rules behind ``PersonRecognizer``: words, runs of name-like words, cues and the decision.

A *run* is a stretch of adjacent name-like words ("danielle blamey", "Mr. Eric
Costa" without the title). Each run is judged on the evidence of its words and on
the strongest cue around it; see ``accept_run``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator, List, Match, Optional, Tuple

from bot.privacy.recognizers._lexicon import (
    CALENDAR,
    COMMON,
    NAME_PARTICLES,
    STOP,
    VERY_COMMON,
    common_words,
    finance_terms,
    fold,
    person_names,
    place_names,
)
from bot.privacy.recognizers._name_cues import NAME_CUE, STRONG, STRONG_BEFORE_RE, WEAK, cue_level

# Words: letters, joined by apostrophes or hyphens ("O'Brien", "Amy-leigh").
WORD_RE = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
CONTRACTION_RE = re.compile(r"^(.*?)'(s|m|re|ve|ll|d|t)$")
SUFFIX_RE = re.compile(r",?\s+(jr\.?|sr\.?|ii|iii|iv|md|phd|dds|dvm|esq\.?|cpa)(?![\w])", re.IGNORECASE)
TITLES = frozenset("mr mrs ms miss mx dr prof sir dame mister madam madame mme mlle".split())
# Lower-case text says "mr smith" but "miss" and "sir" there are usually words.
LOWER_CASE_TITLES = frozenset("mr mrs ms mx dr prof".split())
GREETINGS = frozenset("hi hello hey dear thanks to with and".split())
# Words that address someone without naming them ("hey bot", "cheers mate"): words first, names
# only after "my name is". Languages and nationalities ("into German") are never a person.
ADDRESSEES = frozenset(
    "bot chatbot robot assistant finbot mate mates guys folks everyone everybody buddy pal dude bro team "
    "friend friends sir madam".split()
)
LANGUAGES = frozenset(
    "english german french spanish italian portuguese dutch polish chinese mandarin cantonese japanese korean "
    "arabic hindi urdu russian greek turkish swedish norwegian danish finnish welsh irish scottish".split()
)
MAX_RUN = 5


class NameToken:
    """One word of the message with what the rules need to know about it."""

    __slots__ = (
        "end",
        "evidence",
        "gaz",
        "initial",
        "key",
        "kind",
        "possessive",
        "sentence_start",
        "shape",
        "spacy",
        "start",
        "text",
        "tier",
        "title_start",
    )

    def __init__(self, text: str, start: int, end: int, key: str, possessive: bool) -> None:
        self.text, self.start, self.end, self.key, self.possessive = text, start, end, key, possessive
        word = text[: end - start]
        if word[:1].isupper():
            # "ETFs", "IRAs", "CDs" are acronyms like "ETF", not capitalised words.
            acronym = word[:2].isalpha() and word[:2].isupper()
            self.shape = "upper" if len(word) > 1 and (word.isupper() or acronym) else "title"
        else:
            self.shape = "lower" if word.islower() else "other"
        self.sentence_start = False
        self.initial = False
        self.spacy = False
        self.title_start: Optional[int] = None
        self.kind, self.gaz, self.tier = _classify(key)
        self.evidence = 0
        self.set_evidence()

    def set_evidence(self) -> None:
        """How strongly the word alone says "name".

        3: a name that is no English word ("danielle"); 2: a name that is a rarer word
        ("heather") or very short ("sen", "ti": typos more often than names); 1: a name
        that is a common word or a place ("will", "jordan"); 0: not a known name.
        """
        if not self.gaz:
            self.evidence = 0
        elif self.kind == "blocked" or 0 < self.tier <= VERY_COMMON:
            self.evidence = 1
        else:
            self.evidence = 2 if self.tier == COMMON or len(self.key) <= 3 else 3

    def block(self) -> None:
        """Mark the word as a place, date or nationality (spaCy said so): no name without a strong cue."""
        if self.kind not in ("stop", "finance"):
            self.kind = "blocked"
            self.set_evidence()


@lru_cache(maxsize=50_000)
def _classify(key: str) -> Tuple[str, bool, int]:
    """(kind, in the name gazetteer, frequency tier) of a folded word.

    kind is "stop" (never a name), "stopname" (a stop word that is also a name: "will"),
    "addressee" (a word that addresses someone, "mate": a name only after "my name is"),
    "finance", "blocked" (a place or month), "title",
    "particle", "common" (a common English word) or "unknown" (none of these).
    """
    if key in NAME_PARTICLES:
        return "particle", False, 0
    names = person_names()
    if len(key) < 2 or (key in STOP and key not in names):
        return "stop", False, 0
    if key in STOP:
        return "stopname", True, 10  # "will", "may": words first, names after "my name is"
    if key in ADDRESSEES:
        return "addressee", key in names, 10
    if key in LANGUAGES:
        return "blocked", key in names, common_words().get(key, 0)
    tier = common_words().get(key, 0)
    gaz = key in names
    if not gaz and ("-" in key or "'" in key):
        parts = [p for p in re.split(r"['\-]", key) if len(p) > 1]
        known = [p in names for p in parts]
        # "amy-leigh" and "o'brien" are names; "top-up" and "e-mail" are not.
        common = [p in common_words() for p in parts]
        gaz = any(k and not c for k, c in zip(known, common)) and all(
            k or not c for k, c in zip(known, common)
        )
        tier = 0 if gaz else tier
    if key in finance_terms():
        return "finance", gaz, tier
    if key in CALENDAR or key in place_names():
        return "blocked", gaz, tier
    if key in TITLES:
        return "title", gaz, tier
    return ("common" if tier else "unknown"), gaz, tier


@lru_cache(maxsize=64)  # the name and address recognizers both ask, for the same message
def case_mode(text: str) -> str:
    """ "mixed" when capitals carry meaning, else "lower" (no capitals) or "upper" (shouting).

    Only words count: an IBAN or a postcode in capitals does not make a message shout.
    """
    lower = upper = 0
    for match in _prose_words(text):
        word = match.group()
        if any(ch.islower() for ch in word):
            lower += 1
        elif word.isupper() and len(word) > 1:
            upper += 1
    if upper == 0 and not any(ch.isupper() for ch in text):
        return "lower"
    return "upper" if upper > 2 * lower else "mixed"


def tokenize(text: str) -> List[NameToken]:
    """The words of ``text``, leaving out those inside e-mail addresses, links and codes."""
    tokens: List[NameToken] = []
    for match in _prose_words(text):
        start, end = match.span()
        word = match.group().replace("’", "'")
        key = fold(word)
        possessive = False
        contraction = CONTRACTION_RE.match(key)
        if contraction:
            if contraction.group(2) != "s" or key.endswith("n't"):
                key = "i"  # "I'm", "don't", "we'll": never a name
            else:
                key, possessive = contraction.group(1), True
                end -= 2
        token = NameToken(text[start:end], start, end, key, possessive)
        token.sentence_start = _starts_sentence(text, start)
        token.initial = len(word) == 1 and text[end : end + 1] == "."
        tokens.append(token)
    return tokens


def _prose_words(text: str) -> Iterator[Match[str]]:
    """The words of ``text`` outside e-mail addresses, links and codes ("anna.b@mail.com", "alba_77")."""
    for match in WORD_RE.finditer(text):
        start, end = match.span()
        before = text[start - 1] if start else " "
        after = text[end : end + 2] or " "
        if before in "@./_#" or before.isdigit() or after[0] in "@_/" or after[0].isdigit():
            continue
        if (before == "-" or after[0] == "-") and _in_coded_token(text, start, end):
            continue  # "MKXq9w-Kelly": a part of a session id or a reference, not a double-barrelled name
        # "anna.b@x.org", "anthony+bank@x.com", "Kestrel!0965": parts of addresses and passwords.
        if (after[0] in ".!#$%&*=+" and after[1:2].isalnum()) or after[0] == "+":
            continue
        yield match


_CODED_REACH = 40  # how far the run is read each side: bounded, so a long hostile run costs linear time


def _in_coded_token(text: str, start: int, end: int) -> bool:
    """Whether the word at [start, end) is part of a run without white space that holds a digit nearby."""
    left = start
    while left > max(0, start - _CODED_REACH) and not text[left - 1].isspace():
        left -= 1
    right = end
    while right < min(len(text), end + _CODED_REACH) and not text[right].isspace():
        right += 1
    return any(ch.isdigit() for ch in text[left:right])


def _starts_sentence(text: str, start: int) -> bool:
    """Whether the word at ``start`` opens the text, a line or a sentence (so its capital says nothing)."""
    index = start - 1
    while index >= 0 and text[index] in " \t\"'“‘(*•>-":
        index -= 1
    return index < 0 or text[index] in ".!?\n\r:;"


def name_runs(text: str, tokens: List[NameToken], mode: str) -> List[List[NameToken]]:
    """Maximal runs of adjacent name-like words, each with the title standing before it noted."""
    runs: List[List[NameToken]] = []
    current: List[NameToken] = []
    for index, token in enumerate(tokens):
        after_particle = bool(current) and current[-1].kind == "particle"
        if _name_like(token, mode, text) or (
            after_particle and token.shape == "title" and token.kind == "common"
        ):
            if not (current and _joins(text, current, token, mode)):
                current = []
                runs.append(current)
                _note_title(text, tokens, index, mode)
            current.append(token)
        elif current and token.kind == "particle" and text[current[-1].end : token.start] == " ":
            # "da Silva", "van der Berg": kept only if a name follows (trimmed below).
            current.append(token)
        else:
            current = []
    for run in runs:
        while run and run[-1].kind == "particle":
            run.pop()
    return [run for run in runs if run]


def _joins(text: str, run: List[NameToken], token: NameToken, mode: str) -> bool:
    """Whether ``token`` continues ``run``: one space (or an initial's full stop) apart, same case."""
    last = run[-1]
    gap = text[last.end : token.start]
    if len(run) >= MAX_RUN or last.possessive or not (gap == " " or (gap == ". " and _initial(last))):
        return False
    # In mixed-case text "my son Bertie" is a word and a name, not one name.
    return mode != "mixed" or last.kind == "particle" or (last.shape == "lower") == (token.shape == "lower")


def _initial(token: NameToken) -> bool:
    """A middle initial: "F." in "John F. Kennedy", "k." in "michael k. barber", or "F" in mixed-case text."""
    return token.initial or (len(token.text) == 1 and token.shape == "title")


def _name_like(token: NameToken, mode: str, text: str) -> bool:
    """Whether the word may be part of a name: a known name, an unknown word, or an initial."""
    if token.kind == "addressee":
        # "cheers mate" and "hey bot" are no signature or greeting of a person; "my name is Mate" is.
        return bool(STRONG_BEFORE_RE.search(text[max(0, token.start - 60):token.start].lower()))
    if token.kind == "stopname":
        # "Will" in mixed-case text, or "will" right after "my name is".
        return (mode == "mixed" and token.shape == "title") or cue_level(
            text, token.start, token.end
        ) == STRONG
    if token.kind in ("stop", "title", "particle"):
        return _initial(token)
    if token.kind == "common" and not token.gaz:
        return False
    if mode == "mixed" and token.shape == "upper":
        # In mixed-case text capitals mark an acronym (ATM, APR, ETFs) unless they spell a
        # known name: "pay JOHN SMITH", "this is MARK YOUNG".
        return token.gaz and token.text.isupper() and (len(token.key) >= 4 or token.evidence == 3)
    return True


def _note_title(text: str, tokens: List[NameToken], index: int, mode: str) -> None:
    """Record on ``tokens[index]`` the start of a title ("Mr.", "Dr") just before it."""
    if index == 0:
        return
    title = tokens[index - 1]
    if title.kind != "title" or text[title.end : tokens[index].start] not in (" ", ". ", "."):
        return
    if mode == "lower" and title.key not in LOWER_CASE_TITLES:
        return
    if mode == "mixed" and title.shape == "lower":
        return
    # "Oak Dr Springfield" is a street and a town, not Dr Springfield.
    if title.key == "dr" and index >= 2:
        previous = tokens[index - 2]
        if previous.shape == "title" and previous.kind not in ("stop",) and previous.key not in GREETINGS:
            return
    tokens[index].title_start = title.start


def accept_run(
    run: List[NameToken], level: int, mode: str, listed: bool = False, compound: bool = False
) -> bool:
    """Whether a run of name-like words is a person's name.

    ``level`` is the cue around the run; ``listed`` says the run stands in a list with
    an accepted name ("Kovalev, Lee and Phillips"); ``compound`` that a capitalised
    common word follows it, as in a product name ("Bill Pay", "Rose Gold").
    """
    words = [t for t in run if t.kind != "particle" and not _initial(t)]
    if not words:
        return False
    if level >= STRONG:
        return True
    if any(t.kind == "finance" for t in words) or " ".join(t.key for t in words) in place_names():
        return False
    if all(t.kind == "blocked" for t in words):
        return False
    if listed:
        return True
    capital = [mode == "mixed" and t.shape == "title" for t in words]
    mid = [c and not t.sentence_start for c, t in zip(capital, words)]
    spacy = any(t.spacy for t in words)
    best = max(t.evidence for t in words)
    if best == 3:
        return True
    if len(words) == 1:
        if best == 2:
            return level >= WEAK or mid[0] or spacy
        if best == 1:
            return mid[0] and ((spacy and not compound) or level >= NAME_CUE)
        return capital[0] and (spacy or level >= NAME_CUE or (mid[0] and level >= WEAK))
    known = sum(1 for t in words if t.evidence)
    # "Virginia Dratchev" but not "Notting Hill": a capitalised run must end in a name.
    if (
        all(capital)
        and any(mid)
        and (known or spacy)
        and (words[-1].evidence >= 2 or words[-1].kind == "unknown")
    ):
        return True
    if best == 2:
        # "heather smith", "warren khadzhiyev" but not "the merchant said" or "a lot fo".
        rare = any(t.evidence == 0 and len(t.key) > 3 for t in words)
        very_common = any(0 < t.tier <= 10 for t in words)
        return level >= WEAK or ((known >= 2 or rare) and not very_common)
    return known >= 2 and level >= NAME_CUE
