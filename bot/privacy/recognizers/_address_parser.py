"""Finding postal addresses: a street line found by its shape, widened over the lines that follow.

An address is found from an *anchor*, the part no other text has:

* a house number, a street name and a street type ("47 Kogil Street", "12 high st");
* a street word and a name with a number ("Rue de la Sarthe 421", "Auerstrasse 84");
* US military mail and post-office boxes ("PSC 1234, Box 5678", "P.O. Box 255");
* a flat, then a street on the next line ("Flat 66\nDavies Stravenue");
* weaker shapes that need support (see ``addresses._supported``): a number, a name and
  a number ("59 Delta 116"), a number and a name ending a line ("262 Pavlou Drandaki"),
  a name and a number ("Koepoortwal 115").

From the anchor the span grows over the pieces that follow it, separated by spaces,
commas or line breaks, in the order addresses are written: flat, town, state or
county, postcode, country. It stops at the first piece that is none of these, so
"... Calgary AB last night" ends at "AB".
"""

from __future__ import annotations

from typing import List, Optional, Tuple

from bot.privacy.recognizers import _address_words as words
from bot.privacy.recognizers._address_text import ORDINAL_RE, SEPARATOR_RE, AddressText
from bot.privacy.recognizers._lexicon import common_words, person_names, street_suffixes

# Ranks of the pieces after a street line, in the order addresses are written.
STREET, UNIT, CITY, STATE, POSTCODE, COUNTRY = range(-1, 5)
# How much an anchor says alone: a street line is an address; "59 Delta 116" needs a
# flat line or a town after it; "Delta 116" needs a flat line or "my address is" before it.
STRONG, WEAK, WEAKER = 2, 1, 0
MAX_PIECES = 8


class Parser(AddressText):
    """Finds the addresses of one message."""

    def anchors(self) -> List[Tuple[int, int, int]]:
        """(start, end, strength) of every street line, box or military address: STRONG, WEAK or WEAKER."""
        found: List[Tuple[int, int, int]] = []
        for regex in (words.MILITARY_RE, words.PO_BOX_RE):
            found.extend((m.start(), m.end(), STRONG) for m in regex.finditer(self.text))
        for unit in words.UNIT_RE.finditer(self.text):
            street = self.street_after_unit(unit.end())
            if street is not None:
                found.append((unit.start(), street, STRONG))
        for index, word in enumerate(self.words):
            spans: List[Tuple[Optional[Tuple[int, int]], int]] = []
            if word.number:
                following = self.words[index + 1] if index + 1 < len(self.words) else None
                if following is None or (following.number and not ORDINAL_RE.fullmatch(following.low)):
                    continue  # a street name follows a house number: "1 1 1 ..." starts nothing
                numbered = self.number_first(index)
                if numbered is not None:
                    found.append(numbered)
                spans.append((self.number_name_number(index), WEAK))
                spans.append((self.number_then_name(index), WEAK))
            else:
                if word.low in words.STREET_PREFIXES:
                    spans.append((self.prefixed(index), STRONG))
                if self.street_word(index):
                    spans.append((self.named_then_number(index), STRONG))
                elif self.house_number(index + 1) and self.gap(index, index + 1) == " " and self.strict_name(index):
                    spans.append((self.named_then_number(index), WEAKER))  # "Koepoortwal 115"
            found.extend((span[0], span[1], strength) for span, strength in spans if span)
        return found

    def street_after_unit(self, end: int) -> Optional[int]:
        """The end of a street without a number on the line after a flat ("Flat 66\nDavies Stravenue")."""
        separator = SEPARATOR_RE.match(self.text, end)
        index = self.at.get(separator.end()) if separator else None
        if index is None or not separator or not separator.group().strip(" \t"):
            return None
        cursor = index
        while cursor < len(self.words) and cursor - index < 4 and self.plain_word(cursor):
            if cursor > index and self.gap(cursor - 1, cursor) != " ":
                return None
            if cursor > index and self.street_type(self.words[cursor].low):
                return self.words[cursor].end
            cursor += 1
        return None

    def street_type(self, low: str) -> bool:
        """Whether ``low`` is a street type ("street", "rd", "overpass", "stravenue")."""
        return low in words.STREET_TYPES or low in words.AMBIGUOUS_TYPES or low in street_suffixes()

    def ambiguous_ok(self, index: int, kind: int) -> bool:
        """Whether word ``index`` may name a street whose type (word ``kind``) is also an everyday word.

        Capitalised words before a capitalised type do ("Soto Underpass"); otherwise the
        word must be no English word or a person's name ("14 rice brook", not "20 minute drive").
        """
        if self.mode == "mixed" and self.capital(self.words[kind]) and self.capital(self.words[index]):
            return self.name_word(index)
        return self.name_word(index, strict=True) or self.words[index].low in person_names()

    def number_first(self, index: int) -> Optional[Tuple[int, int, int]]:
        """ "47 Kogil Street", "2914 184th Street", "1600 Pennsylvania Ave NW": (start, end, strength).

        A street whose type is an everyday word after everyday words or "the" ("45
        industrial way", "7 the green") is WEAK: it needs a town, a postcode or a cue.
        """
        if not self.house_number(index):
            return None
        names, weak = 0, False
        cursor = index + 1
        while cursor < len(self.words) and names <= 4 and self.gap(cursor - 1, cursor) in (" ", ". "):
            low = self.words[cursor].low
            ambiguous = low in words.AMBIGUOUS_TYPES or (low in street_suffixes() and low not in words.STREET_TYPES)
            if names and (low in words.STREET_TYPES or ambiguous):
                # "12 high street" is a street whatever its words; "a 20 minute drive" is not,
                # but "14 rice brook" is: a person's name often names a street.
                weak = weak or (ambiguous and not all(self.ambiguous_ok(i, cursor) for i in range(index + 1, cursor)))
                end = cursor
                if (
                    end + 1 < len(self.words)
                    and self.words[end + 1].low in words.DIRECTIONS
                    and (self.capital(self.words[end + 1]) or self.mode != "mixed")
                    and self.gap(end, end + 1) == " "
                ):
                    end += 1
                return self.words[index].start, self.words[end].end, WEAK if weak else STRONG
            if not names and low == "the":
                weak = True
            elif not (self.name_word(cursor) or self.plain_word(cursor)):
                return None
            names += 1
            cursor += 1
        return None

    def prefixed(self, index: int) -> Optional[Tuple[int, int]]:
        """ "Rue de la Sarthe 421", "19 rue La Boétie", "ul. Karpacka 69"."""
        word = self.words[index]
        if len(word.low) <= 2 and not (word.dot or (self.mode == "mixed" and word.shape in ("title", "upper"))):
            return None
        start = index - 1 if self.house_number(index - 1) and self.gap(index - 1, index) == " " else index
        cursor, names, capitals = index + 1, 0, self.capital(word)
        # "C/ Manuel Iradier 77" is Calle Manuel Iradier.
        if word.low == "c" and cursor < len(self.words) and self.gap(index, cursor).strip() != "/":
            return None
        while (
            cursor < len(self.words)
            and names < 6
            and (self.gap(cursor - 1, cursor) in (" ", ". ") or (cursor == index + 1 and word.low == "c"))
        ):
            if not self.name_word(cursor, strict=self.mode != "mixed"):
                break
            capitals = capitals or self.capital(self.words[cursor])
            names += 1
            cursor += 1
        end = cursor - 1
        if cursor < len(self.words) and self.house_number(cursor) and self.gap(cursor - 1, cursor) == " ":
            end = cursor
        if names == 0 or (start == index and end == cursor - 1) or (self.mode == "mixed" and not capitals):
            return None
        return self.words[start].start, self.words[end].end

    def street_word(self, index: int) -> bool:
        """Whether word ``index`` is a one-word street ("Auerstrasse") or a street word after a name."""
        word = self.words[index]
        if word.low in words.TRAILING_STREET_WORDS:
            return self.name_word(index - 1) and self.gap(index - 1, index) == " "
        if common_words().get(word.low) or (self.mode == "mixed" and word.shape == "lower"):
            return False
        if not word.low.endswith(words.STREET_ENDINGS):
            return False
        return any(word.low.endswith(end) and len(word.low) >= len(end) + 3 for end in words.STREET_ENDINGS)

    def named_then_number(self, index: int) -> Optional[Tuple[int, int]]:
        """ "Auerstrasse 84", "Joan Maetsuyckerstraat 15", "Kongshøj Allé 70", "Király u. 15."."""
        if not (self.house_number(index + 1) and self.gap(index, index + 1) == " "):
            return None
        start = index
        while start - 1 >= 0 and index - start < 3 and self.gap(start - 1, start) == " ":
            if not self.name_word(start - 1, strict=self.mode != "mixed"):
                break
            start -= 1
        if self.house_number(start - 1) and self.gap(start - 1, start) == " ":
            start -= 1
        return self.words[start].start, self.words[index + 1].end

    def number_then_name(self, index: int) -> Optional[Tuple[int, int]]:
        """ "262 Pavlou Drandaki" ending a line or before a comma: too weak alone."""
        if not self.house_number(index):
            return None
        cursor = index + 1
        while cursor < len(self.words) and cursor - index <= 4 and self.strict_name(cursor):
            if self.gap(cursor - 1, cursor) not in (" ", ". "):
                break
            cursor += 1
        if cursor == index + 1:
            return None
        end = self.words[cursor - 1].end
        following = self.text[end : end + 1]
        return (self.words[index].start, end) if following in ("", "\n", ",") else None

    def number_name_number(self, index: int) -> Optional[Tuple[int, int]]:
        """ "53 Σκαφίδια 148" before a flat line, or after "my address is": too weak alone."""
        if not self.house_number(index):
            return None
        cursor = index + 1
        while cursor < len(self.words) and cursor - index <= 4 and self.street_name(cursor):
            if self.gap(cursor - 1, cursor) != " " or self.code_at(self.words[cursor].start) is not None:
                return None  # "68402 angelamouth ia 72641": a box, a town, a state and a ZIP
            cursor += 1
        if cursor == index + 1 or not self.house_number(cursor) or self.gap(cursor - 1, cursor) != " ":
            return None
        return self.words[index].start, self.words[cursor].end

    def street_name(self, index: int) -> bool:
        """A word of a street name between two numbers: capitalised in mixed-case text, else rare."""
        if self.mode == "mixed" and self.words[index].shape == "title":
            return self.name_word(index)
        # "Boriñaur enparantza 29": a later word may be lower-case if it is no English word.
        first = self.mode == "mixed" and self.words[index - 1].number
        return not first and self.name_word(index, strict=True)

    def extend(self, start: int, end: int) -> Tuple[int, int]:
        """The end of the address whose street line is [start, end), and how many worded pieces follow it."""
        mode = self.mode
        if not any(ch.isupper() for ch in self.text[start:end]):
            # A street typed in lower case is followed by a town in lower case, whatever the
            # rest of the message: "I moved to 266 ralph forest, west michelleshire".
            self.mode = "lower"
        try:
            return self.pieces_after(end)
        finally:
            self.mode = mode

    def pieces_after(self, end: int) -> Tuple[int, int]:
        """``extend`` for a street line ending at ``end``."""
        last_rank, cities, pieces, postcode = STREET, 0, 0, False
        for _ in range(MAX_PIECES):
            if self.text[end - 1 : end] == "." and not self.abbreviation_before(end):
                break  # a full stop ends the sentence, and the address
            separator = SEPARATOR_RE.match(self.text, end)
            start = separator.end() if separator else end
            if start == end or start >= len(self.text):
                break
            gap = self.text[end:start]
            piece = self.piece(start, last_rank, cities, lenient="," in gap or "\n" in gap)
            if piece is None:
                break
            rank, end = piece
            cities += rank == CITY
            last_rank = rank
            # Worded pieces confirm an address; of numbers, which follow many codes, only a postcode counts.
            pieces += rank in (UNIT, CITY, COUNTRY, STREET) or (rank == POSTCODE and not postcode)
            postcode = postcode or rank == POSTCODE
        return end, pieces

    def piece(self, start: int, last_rank: int, cities: int, lenient: bool = False) -> Optional[Tuple[int, int]]:
        """(rank, end) of the address piece at ``start`` that may follow a piece of ``last_rank``."""
        unit = words.UNIT_RE.match(self.text, start)
        if unit and last_rank <= UNIT:
            return UNIT, unit.end()
        for regex in (words.UK_POSTCODE_RE, words.POSTCODE_RE):
            code = regex.match(self.text, start)
            if code and (last_rank < POSTCODE or last_rank == COUNTRY):
                return POSTCODE, code.end()
        index = self.at.get(start)
        if index is None:
            return None
        word = self.words[index]
        if last_rank < CITY:
            town = self.town_before_code(index)
            if town is not None:
                return CITY, town
        if last_rank < STATE and self.state(index):
            return STATE, word.end
        country = self.country(index)
        if country is not None and last_rank < COUNTRY:
            return COUNTRY, country
        if last_rank < CITY or (last_rank == CITY and cities < 2) or (last_rank == POSTCODE and cities == 0):
            city = self.city(index, lenient)
            if city is not None:
                # A second street name ("67 Wallis Street Cunha Street") still belongs to the street line.
                street = last_rank == STREET and self.words[self.at[self.text.rfind(" ", 0, city) + 1]].low in (
                    words.STREET_TYPES
                )
                return (STREET if street else CITY), city
        return None

    def unit_before(self, start: int) -> int:
        """``start`` moved back over a flat written before the street ("Flat 3, ", "studio 12\n", "#40, ")."""
        cursor = start
        while cursor > 0 and start - cursor < 4 and self.text[cursor - 1] in " \t\n,":
            cursor -= 1
            unit = self.unit_starts.get(cursor)
            if unit is not None:
                return unit
        return start

    def widen_left(self, start: int) -> int:
        """``start`` moved back over a house number, a flat ("Flat 3, ") or "the corner of" before it."""
        start = self.unit_before(start)
        index = self.at.get(start)
        if index is not None and self.house_number(index - 1) and self.gap(index - 1, index) == " ":
            index -= 1
            start = self.unit_before(self.words[index].start)
        if index is not None and self.words[index].number and self.words[index].start == start:
            # "Edeby 55 Møller Street", "Λ. Μιχαλακοπούλου 171 Grandpré Street"
            first = index
            while first > 0 and index - first < 3 and self.gap(first - 1, first) == " " and self.strict_name(first - 1):
                first -= 1
            start = self.words[first].start
        corner = words.CORNER_RE.search(self.text[max(0, start - 20) : start])
        if corner:
            start -= len(self.text[max(0, start - 20) : start]) - corner.start()
        return start
