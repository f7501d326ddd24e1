"""Word lists shared by the PERSON and ADDRESS recognizers, built once per process.

Every list comes from data installed with the project: Faker's person and address
providers (Faker is a pinned dependency; its lists are package data, nothing is
fetched), spaCy's English stop words, and the files in ``data/`` (their provenance
is in ``data/README.md``). Each loader is cached, so the first call costs about a
quarter of a second and later calls nothing.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, Iterator, Pattern, Set

from spacy.lang.en.stop_words import STOP_WORDS

DATA_DIR = Path(__file__).with_name("data")

# Frequency tiers of ``common_words()``: 10 and 20 hold the ~11,000 most frequent
# English words, 35 the rest of a small dictionary. A word in no tier gets 0.
VERY_COMMON = 20
COMMON = 35

STOP: FrozenSet[str] = frozenset(w for w in STOP_WORDS if w.isalpha())

CALENDAR: FrozenSet[str] = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday christmas easter xmas".split()
)

# Particles inside multi-word surnames ("van der Berg", "da Silva", "bin Laden").
NAME_PARTICLES: FrozenSet[str] = frozenset(
    "van von der den de del della di da do dos das du la le ter ten bin ibn al el st mac".split()
)


def fold(word: str) -> str:
    """``word`` lower-cased with accents removed ("Þórólfur" -> "þorolfur", "Ménard" -> "menard")."""
    lowered = word.lower().replace("’", "'")
    if lowered.isascii():
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _data_lines(name: str) -> Iterator[str]:
    """The non-blank, non-comment lines of ``data/name``, stripped."""
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if line and not line.startswith("#"):
                yield line


@lru_cache(maxsize=1)
def common_words() -> Dict[str, int]:
    """Common English words (lower-case) mapped to their frequency tier: 10, 20 or 35.

    Words of bank chat that no dictionary has ("max", "app", "asap") are in tier 35.
    """
    tiers: Dict[str, int] = {}
    tier = COMMON
    for line in _data_lines("common_words.txt"):
        if line.startswith("@"):
            tier = int(line[1:])
        else:
            tiers.setdefault(line, tier)
    for line in _data_lines("banking_words.txt"):
        tiers.setdefault(line, COMMON)
    return tiers


@lru_cache(maxsize=1)
def finance_terms() -> FrozenSet[str]:
    """Names of banks, payment services, products, currencies and merchants (lower-case words)."""
    return frozenset(line for line in _data_lines("finance_terms.txt") if " " not in line)


@lru_cache(maxsize=1)
def finance_phrase_re() -> Pattern[str]:
    """Matches the multi-word institution names of ``finance_terms.txt`` ("Sallie Mae"), any case."""
    phrases = sorted(
        (line for line in _data_lines("finance_terms.txt") if " " in line), key=len, reverse=True
    )
    return re.compile(
        r"\b(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases) + r")\b", re.I
    )


def _strings(value: object) -> Iterator[str]:
    """Every string in a Faker list, tuple, dict (its keys) or nested tuple of pairs."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        yield from (key for key in value if isinstance(key, str))
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _strings(item)


@dataclass(frozen=True)
class NameLists:
    """Folded given names and surnames from every Faker locale."""

    first: FrozenSet[str]
    last: FrozenSet[str]

    def __contains__(self, word: object) -> bool:
        return word in self.first or word in self.last


def _name_parts(name: str) -> Iterator[str]:
    """The folded words of a Faker name entry worth matching alone (no particles, no initials).

    Stop words stay ("Will", "May"): the rules let them be names only after a strong cue.
    """
    for part in fold(name).replace(".", " ").split():
        if len(part) > 1 and part not in NAME_PARTICLES:
            yield part


@lru_cache(maxsize=1)
def person_names() -> NameLists:
    """Given names and surnames of all of Faker's person providers, folded."""
    first: Set[str] = set()
    last: Set[str] = set()
    module = importlib.import_module("faker.providers.person")
    for info in pkgutil.iter_modules(module.__path__):
        provider = getattr(importlib.import_module(f"faker.providers.person.{info.name}"), "Provider", None)
        for attribute, value in vars(provider or object).items():
            if attribute.startswith("_") or "name" not in attribute or "language" in attribute:
                continue
            target = last if "last" in attribute else first
            for name in _strings(value):
                target.update(_name_parts(name))
    return NameLists(first=frozenset(first), last=frozenset(last))


@lru_cache(maxsize=1)
def countries() -> FrozenSet[str]:
    """Folded country names (English), with the short forms people type ("usa", "uk")."""
    from faker.providers.address.en import Provider as EnglishAddresses

    names = {fold(name.split(" (")[0]) for name in EnglishAddresses.countries}
    names.update("usa uk america britain england scotland wales netherlands czechia russia".split())
    # Official long forms, which Faker's list gives only in their short form.
    names.update(
        (
            "united states",
            "united states of america",
            "united kingdom",
            "ivory coast",
            "great britain",
            "northern ireland",
            "south korea",
            "north korea",
            "republic of korea",
            "republic of ireland",
            "people's republic of china",
            "kingdom of the netherlands",
            "democratic republic of the congo",
            "republic of the congo",
            "federated states of micronesia",
            "czech republic",
            "east timor",
            "cabo verde",
            "vatican city",
            "united arab emirates",
            "russian federation",
            "republic of china",
        )
    )
    return frozenset(names)


@lru_cache(maxsize=1)
def us_states() -> Dict[str, str]:
    """US state, territory and military-state codes (upper-case) mapped to folded full names."""
    from faker.providers.address.en_US import Provider as UsAddresses

    codes = dict(zip(UsAddresses.states_abbr, (fold(s) for s in UsAddresses.states)))
    for code in (*UsAddresses.territories_abbr, *UsAddresses.military_state_abbr, "DC"):
        codes.setdefault(code, "")
    return codes


@lru_cache(maxsize=1)
def street_suffixes() -> FrozenSet[str]:
    """Folded street types of Faker's English address providers ("Shores", "Overpass", "Stream")."""
    from faker.providers.address.en_GB import Provider as GbAddresses
    from faker.providers.address.en_US import Provider as UsAddresses

    return frozenset(fold(suffix) for suffix in (*UsAddresses.street_suffixes, *GbAddresses.street_suffixes))


@lru_cache(maxsize=1)
def place_names() -> FrozenSet[str]:
    """Folded names of countries, US states, UK counties and well-known cities (single or multi-word)."""
    from faker.providers.address.en_GB import Provider as GbAddresses

    places = set(countries())
    places.update(name for name in us_states().values() if name)
    places.update(fold(county) for county in GbAddresses.counties)
    places.update(_data_lines("places.txt"))
    return frozenset(places)


__all__ = [
    "CALENDAR",
    "COMMON",
    "NAME_PARTICLES",
    "STOP",
    "VERY_COMMON",
    "NameLists",
    "common_words",
    "countries",
    "finance_phrase_re",
    "finance_terms",
    "fold",
    "person_names",
    "place_names",
    "street_suffixes",
    "us_states",
]
