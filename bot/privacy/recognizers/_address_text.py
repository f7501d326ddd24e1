"""The words of a message as the address rules see them: numbers, names, towns, states, countries.

``AddressText`` answers the questions the rules in ``_address_parser`` ask about
one word ("can this be a house number?", "does a town name start here?").
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Dict, FrozenSet, Optional, Pattern

from bot.privacy.recognizers import _address_words as words
from bot.privacy.recognizers._lexicon import STOP, VERY_COMMON, common_words, countries, fold, us_states

TOKEN_RE = re.compile(
    r"(?P<num>\d+(?:[-/]\d+)*(?:[^\W\d_]{1,2})?(?![^\W\d_])\.?)|(?P<word>[^\W\d_]+(?:['’\-.][^\W\d_]+)*\.?)"
)
# Between two pieces of an address: spaces, one comma, up to two line breaks, and the
# quote marks or bullets an e-mail puts at the start of a line.
SEPARATOR_RE = re.compile(r"[ \t]*,?[ \t]*(?:\r?\n(?:[ \t]*(?:[>*•·]+|\?\?\?))?[ \t]*,?[ \t]*){0,2}")
HOUSE_NUMBER_RE = re.compile(r"\d{1,5}[a-z]?(?:[-/]\d{1,5}[a-z]?)?\.?")
ORDINAL_RE = re.compile(r"\d+(?:st|nd|rd|th)")
# The longest town name the look-ahead for a postcode accepts, in words ("Stratford upon Avon").
MAX_TOWN_WORDS = 4
ABBREVIATIONS = frozenset(
    "st str rd ave av blvd ln dr ct pl sq apt ste fl rm bldg u krt ul al jl avda c r tce terr cres pkwy hwy cir "
    "trl pde expy fwy tpke aly gdns hts".split()
)


@lru_cache(maxsize=1)
def us_codes() -> FrozenSet[str]:
    """Every code the US Postal Service takes for a state: states, DC, territories, military ("WY", "MH", "AE")."""
    from faker.providers.address.en_US import Provider as UsAddresses

    return frozenset({*us_states(), *UsAddresses.known_usps_abbr, *UsAddresses.military_state_abbr})


@lru_cache(maxsize=1)
def state_zip_re() -> Pattern[str]:
    """A US state code and a ZIP code, in any case: "IL 62704", "dc, 20500-0003"."""
    codes = "|".join(sorted(us_codes()))
    return re.compile(r"(?:" + codes + r")[ \t]?,?[ \t]?\d{5}(?:-\d{4})?(?![\w-])", re.IGNORECASE)


class Word:
    """A word or number of the message, folded for look-ups."""

    __slots__ = ("dot", "end", "low", "number", "shape", "start", "text")

    def __init__(self, match: re.Match[str]) -> None:
        self.start, self.end = match.span()
        self.text = match.group()
        self.number = match.lastgroup == "num"
        self.dot = self.text.endswith(".")
        self.low = fold(self.text.rstrip("."))
        bare = self.text.rstrip(".")
        if bare[:1].isupper():
            self.shape = "upper" if len(bare) > 1 and bare.isupper() else "title"
        else:
            self.shape = "lower" if bare.islower() else "other"


class AddressText:
    """The words of one message; ``mode`` is its case ("mixed", "lower" or "upper")."""

    def __init__(self, text: str, mode: str) -> None:
        self.text = text
        self.mode = mode
        self.words = [Word(match) for match in TOKEN_RE.finditer(text)]
        self.at: Dict[int, int] = {word.start: index for index, word in enumerate(self.words)}
        # Where each flat or suite ends, to its start: "Flat 3" before a street widens the address.
        self.houses: Dict[int, bool] = {}
        self.unit_starts: Dict[int, int] = {m.end(): m.start() for m in words.UNIT_RE.finditer(text)}

    # ---- words -------------------------------------------------------------------------

    def gap(self, left: int, right: int) -> str:
        """The text between word ``left`` and word ``right``."""
        return self.text[self.words[left].end : self.words[right].start]

    def capital(self, word: Word) -> bool:
        return word.shape in ("title", "upper")

    def name_word(self, index: int, strict: bool = False) -> bool:
        """Whether word ``index`` can be part of a street or place name.

        ``strict``: no common word at all. Otherwise a capitalised word in mixed-case
        text, or any word but the most common ones.
        """
        if index < 0 or index >= len(self.words):
            return False
        word = self.words[index]
        if word.number:
            return ORDINAL_RE.fullmatch(word.low) is not None
        if word.low in words.PLACE_PARTICLES or (len(word.low) == 1 and word.dot and word.shape != "lower"):
            return True  # "de", "van"; an initial: "N. Stadion", "Λ. Μιχαλακοπούλου"
        if word.low in STOP or word.low in words.QUANTITY_WORDS:
            return False
        tier = common_words().get(word.low, 0)
        if strict:
            return tier == 0
        return (self.mode == "mixed" and word.shape in ("title", "upper")) or tier == 0 or tier > VERY_COMMON

    def strict_name(self, index: int) -> bool:
        """A word that can only be a name here: no common word, and in mixed-case text capitalised.

        Capitals alone ("SSN", "VUYM") mark an acronym or a code in mixed-case text, not a street.
        """
        if not self.name_word(index, strict=True) or self.words[index].number:
            return False
        return self.mode != "mixed" or self.words[index].shape == "title"

    def plain_word(self, index: int) -> bool:
        """Whether word ``index`` is a word that may name a street ("High", "church"), not a function word."""
        word = self.words[index]
        return not word.number and word.low not in STOP and word.low not in words.QUANTITY_WORDS

    def house_number(self, index: int) -> bool:
        """Whether word ``index`` can be a house number (not an amount or a quantity)."""
        if index < 0 or index >= len(self.words) or not self.words[index].number:
            return False
        known = self.houses.get(index)
        if known is None:
            known = self.houses[index] = self._house_number(index)
        return known

    def _house_number(self, index: int) -> bool:
        word = self.words[index]
        if not HOUSE_NUMBER_RE.fullmatch(word.low):
            return False
        before = self.text[max(0, word.start - 1) : word.start]
        after = self.words[index + 1].low if index + 1 < len(self.words) else ""
        # "$1,200", "NL92 ...", "+44": amounts, codes and phone numbers.
        glued = before.isalpha() or before in ("$", "£", "€", "-", "+", ".", ",", ":")
        if glued or after in words.QUANTITY_WORDS:
            return False
        # "... fm 26363, thanks": a ZIP code after its state starts nothing.
        state = state_zip_re().match(self.text, self.words[index - 1].start) if index > 0 else None
        return state is None or state.end() < word.end

    def abbreviation_before(self, end: int) -> bool:
        """Whether the full stop before ``end`` closes an abbreviation ("St.", "u.") or a house number."""
        index = self.at.get(self.text.rfind(" ", 0, end) + 1)
        if index is None:
            return False
        word = self.words[index]
        return word.low in ABBREVIATIONS or (word.number and len(word.low) <= 5) or len(word.low) == 1

    def state(self, index: int) -> bool:
        """A state, county or province code ("IL", "NSW", "ON"), or "nan" for one left empty."""
        word = self.words[index]
        if word.low == "nan":
            return True
        if word.number:
            # A numbered region before the postcode: "Cite El Wafa, 81, 73333".
            following = SEPARATOR_RE.match(self.text, word.end)
            after = following.end() if following else word.end
            return len(word.low) <= 3 and after > word.end and words.POSTCODE_RE.match(self.text, after) is not None
        separator = SEPARATOR_RE.match(self.text, word.end)
        following = words.POSTCODE_RE.match(self.text, separator.end() if separator else word.end)
        if self.mode == "mixed":
            code = word.shape == "upper" and 2 <= len(word.text) <= 3 and not word.dot
            # "ON", "SO" and "NO" are provinces; "THE" and "FOR" are shouting.
            return code and (len(word.low) == 2 or word.low not in STOP or following is not None)
        return word.text.upper() in us_codes() and following is not None

    def country(self, index: int) -> Optional[int]:
        """The end of the country name starting at word ``index``, if one does."""
        known = countries()
        best: Optional[int] = None
        phrase = ""
        for cursor in range(index, min(index + 6, len(self.words))):
            if cursor > index and self.gap(cursor - 1, cursor) != " ":
                break
            phrase = f"{phrase} {self.words[cursor].low}".strip()
            if phrase in known:
                best = self.words[cursor].end
        return best

    def city(self, index: int, lenient: bool = False) -> Optional[int]:
        """The end of the town name starting at word ``index`` ("Delta del Tigre", "København K").

        ``lenient``: the name opens a line or follows a comma, where "red deer" is a town
        even in lower-case text.
        """
        end: Optional[int] = None
        cursor = index
        if self.words[index].low == "the" and self.capital(self.words[index]) and self.name_word(index + 1):
            cursor += 1  # "The Hague", "THE CHANNON"
        while cursor < len(self.words) and cursor - index < 5:
            if cursor > index and (self.gap(cursor - 1, cursor) != " " or self.country(cursor) is not None):
                break
            word = self.words[cursor]
            if word.number:
                # A district number closes a town name: "Dublin 4", "Ceské Budejovice 6".
                if end is not None and len(word.low) <= 2 and word.low.isdigit():
                    end = word.end
                break
            if word.low in words.PLACE_PARTICLES and cursor > index:
                cursor += 1
                continue
            if cursor > index and words.UK_POSTCODE_RE.match(self.text, word.start):
                break  # "East Geoffreybury G7H 7GF": the postcode is the next piece
            if len(word.low) == 1 and word.shape == "upper" and end is not None:
                end = word.end  # "København K"
                break
            if word.low in STOP or word.low in words.UNIT_WORDS:
                break
            if self.mode == "mixed" and not (self.capital(word) or word.low in words.PLACE_PARTICLES):
                break  # towns are capitalised in mixed-case text: "... Calgary AB last night"
            if not (self.name_word(cursor) or (lenient and self.mode != "mixed" and self.plain_word(cursor))):
                break
            end = word.end
            if word.dot and word.low not in ABBREVIATIONS:
                break
            cursor += 1
        return end

    def code_at(self, position: int) -> Optional[int]:
        """The end of the code that closes an address at ``position``: a UK postcode, or a US state and ZIP."""
        code = words.UK_POSTCODE_RE.match(self.text, position) or state_zip_re().match(self.text, position)
        return code.end() if code else None

    def town_before_code(self, index: int) -> Optional[int]:
        """The end of a town of a few words, starting at word ``index``, that a postcode follows.

        Lower-case or shouted text without commas gives no other sign of where the town
        starts and ends ("... katy fort south joanburgh gl06xq", "... NEW CRAIG MN 09328"):
        the postcode after it does. Function words and flats end the search.
        """
        for cursor in range(index, min(index + MAX_TOWN_WORDS, len(self.words))):
            word = self.words[cursor]
            if cursor > index and self.gap(cursor - 1, cursor) != " ":
                return None
            if (
                word.number
                or word.low in words.UNIT_WORDS
                or (word.low in STOP and word.low not in words.PLACE_PARTICLES)
            ):
                return None
            separator = SEPARATOR_RE.match(self.text, word.end)
            after = separator.end() if separator else word.end
            if after > word.end and self.code_at(after) is not None:
                return word.end
        return None
