"""Recognizers: people's names (PERSON).

spaCy's small English model finds capitalised names in well-formed sentences but
misses most names in chat: lower-case ("transfer to danielle blamey"), ALL-CAPS,
or alone after a cue ("she named him randy"). ``PersonRecognizer`` therefore
combines three kinds of evidence on each run of name-like words:

* a gazetteer of given names and surnames from all of Faker's locales;
* how common the word is in English (a frequency-tiered word list), because
  "will", "mark", "bill" and "penny" are names far less often than words;
* cue phrases around the run ("my name is", "pay", "transfer to", "Mr"), the
  run's capitalisation, and spaCy's PERSON spans.

Words that name banks, products, currencies, places and months are never taken
for a name unless the message says outright that they are one.
"""

from __future__ import annotations

import re
from typing import AbstractSet, Iterable, List, Optional, Sequence, Set, Tuple

from presidio_analyzer import EntityRecognizer
from presidio_analyzer.nlp_engine import NlpArtifacts

from bot.privacy.recognizers._lexicon import (
    common_words,
    finance_phrase_re,
    finance_terms,
    person_names,
    place_names,
)
from bot.privacy.recognizers._name_cues import NAME_CUE, STRONG, cue_level
from bot.privacy.recognizers._name_rules import (
    SUFFIX_RE,
    NameToken,
    accept_run,
    case_mode,
    name_runs,
    tokenize,
)
from bot.privacy.recognizers.addresses import find_addresses
from bot.privacy.recognizers.pattern_base import SpanRecognizer

# A language tag ("en-GB", "pt-BR") looks like a hyphenated name to the name rules.
_LANGUAGE_TAG = re.compile(r"[a-z]{2,3}-[A-Z]{2}")
ENTITY = "PERSON"
# Scores: a run the message names outright (cue) or that spaCy also found is
# near-certain; a gazetteer run without either is likely but not certain.
SCORE_CERTAIN = 0.85
SCORE_LIKELY = 0.7
# spaCy labels whose words are no names (ORG is left out: the small model often
# calls a lone surname an organisation).
NOT_NAMES = frozenset(
    {"NORP", "GPE", "LOC", "LANGUAGE", "DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "ORDINAL", "CARDINAL"}
)


class PersonRecognizer(SpanRecognizer):
    """Finds people's names by gazetteer, word frequency, cue phrases and spaCy's PERSON spans."""

    ENTITY = ENTITY

    def load(self) -> None:
        """Build the word lists now (they are shared by every instance in the process)."""
        person_names()
        common_words()
        finance_terms()
        place_names()

    def find(self, text: str, nlp_artifacts: Optional[NlpArtifacts]) -> Iterable[Tuple[int, int, float, str]]:
        """Every name in ``text``; never raises on any string."""
        return [
            found for found in find_names(text, *_spacy_offsets(nlp_artifacts))
            if not _LANGUAGE_TAG.fullmatch(text[found[0]:found[1]])
        ]


def _spacy_offsets(nlp_artifacts: Optional[NlpArtifacts]) -> Tuple[Set[int], Set[int]]:
    """Start offsets of the words in spaCy's PERSON spans, and of those in its NOT_NAMES spans."""
    person: Set[int] = set()
    other: Set[int] = set()
    for span in (nlp_artifacts.entities or []) if nlp_artifacts is not None else []:
        if span.label_ == ENTITY:
            person.update(token.idx for token in span)
        elif span.label_ in NOT_NAMES:
            other.update(token.idx for token in span)
    return person, other


def find_names(
    text: str, spacy_starts: AbstractSet[int] = frozenset(), other_starts: AbstractSet[int] = frozenset()
) -> List[Tuple[int, int, float, str]]:
    """(start, end, score, reason) of each name in ``text``, non-overlapping and in order.

    ``spacy_starts`` are the offsets of words spaCy put in a PERSON span, ``other_starts``
    those of words in a place, nationality, date or number span.
    """
    tokens = tokenize(text)
    if not tokens:
        return []
    mode = case_mode(text)
    if mode == "mixed":
        for token in tokens:
            token.spacy = token.start in spacy_starts and token.shape == "title"
            # The small model calls many given names GPE or NORP, so its word only
            # counts against a name the gazetteer does not know.
            if token.start in other_starts and not token.spacy and not token.gaz:
                token.block()
    for phrase in finance_phrase_re().finditer(text):
        for token in tokens:
            if phrase.start() <= token.start < phrase.end():
                token.kind = "finance"
    runs = name_runs(text, tokens, mode)
    position = {token.start: index for index, token in enumerate(tokens)}
    found: List[Tuple[int, int, float, str]] = []
    accepted: List[bool] = []
    levels: List[int] = []
    surnames: List[Optional[NameToken]] = []
    for run in runs:
        level = cue_level(text, run[0].start, run[-1].end)
        if run[0].title_start is not None:
            level = STRONG
        levels.append(level)
        following = position[run[-1].start] + 1
        compound = following < len(tokens) and _capitalised_word_after(text, run[-1], tokens[following])
        accepted.append(accept_run(run, level, mode, compound=compound))
        # "I am Jane Doe", "Danielle Bird": a capitalised common word after a cued or unmistakable first name is
        # the surname, not a product name as in "set up Bill Pay".
        has_surname = compound and (level >= NAME_CUE or run[-1].evidence == 3)
        surnames.append(tokens[following] if has_surname else None)
    # A run listed with an accepted name ("Turgeon, Guerra and Ewing") is a name too.
    for index, run in enumerate(runs):
        if accepted[index]:
            continue
        for other in (index - 1, index + 1):
            if (
                0 <= other < len(runs)
                and accepted[other]
                and _listed_together(text, runs[index], runs[other])
            ):
                accepted[index] = accept_run(run, levels[index], mode, listed=True)
                break
    # A street or town named after a person ("9 Johnson Overpass") is the address's, not a name.
    streets = find_addresses(text) if any(ch.isdigit() for ch in text) else []
    for index, run in enumerate(runs):
        inside = any(start <= run[0].start and run[-1].end <= end for start, end, _ in streets)
        if accepted[index] and not inside:
            surname = surnames[index]
            found.append(_result(text, [*run, surname] if surname is not None else run, levels[index]))
    return found


def _capitalised_word_after(text: str, last: NameToken, following: NameToken) -> bool:
    """Whether ``following`` is a capitalised common word right after ``last``: "Bill Pay", "Rose Gold"."""
    return (
        text[last.end : following.start] == " " and following.shape == "title" and following.kind == "common"
    )


def _listed_together(text: str, first: Sequence[NameToken], second: Sequence[NameToken]) -> bool:
    """Whether two runs stand in one list, separated only by a comma, "and", "or" or "&"."""
    left, right = (first, second) if first[0].start < second[0].start else (second, first)
    between = text[left[-1].end : right[0].start].strip().lower()
    return between in {",", "and", ", and", "&", "or", "/"}


def _result(text: str, run: Sequence[NameToken], level: int) -> Tuple[int, int, float, str]:
    """The span of an accepted run, widened over a title before it and a suffix after it."""
    start, end = run[0].start, run[-1].end
    if run[-1].possessive is False:
        suffix = SUFFIX_RE.match(text, end)
        if suffix:
            end = suffix.end(1)
    title_start = run[0].title_start
    if title_start is not None:
        start = title_start
    certain = level >= NAME_CUE or any(token.spacy for token in run)
    score = SCORE_CERTAIN if certain else SCORE_LIKELY
    reason = "name after a cue phrase" if level >= NAME_CUE else "name in the gazetteer"
    return start, end, score, reason


def recognizers() -> List[EntityRecognizer]:
    """A fresh PERSON recognizer."""
    return [PersonRecognizer()]
