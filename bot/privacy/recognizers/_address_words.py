"""The vocabulary of postal addresses: street types, units, postcodes and cues.

Street types are matched on folded words (lower-case, no accents), so "Straße",
"STRASSE" and "strasse" are one word. The lists cover the English-speaking
countries in full and the commonest street words of continental Europe and Latin
America; a street of another country is still found by its shape (house number,
name, number, then a unit or a town line).
"""

from __future__ import annotations

import re
from typing import FrozenSet, Tuple

from bot.privacy.recognizers._lexicon import fold


def _words(text: str) -> FrozenSet[str]:
    """The folded words of ``text``, as a set."""
    return frozenset(fold(word) for word in text.split())


# A street type after the name that is seldom anything else ("Baker Street", "Elm Rd").
STREET_TYPES = _words(
    "street st str road rd avenue ave av boulevard blvd bvd lane ln terrace terr tce crescent cres "
    "parkway pkwy highway hwy mews expressway expy freeway fwy motorway turnpike tpke esplanade parade "
    "pde wynd quay wharf causeway broadway alley aly strasse straße"
)
# Street types that are also everyday words ("a 20 minute drive", "a nice place"):
# the name before them must look like a name (capitalised, or no common word).
AMBIGUOUS_TYPES = _words(
    "drive dr court ct place pl way close cl square sq circle cir trail trl row walk gardens gdns grove "
    "gr hill park green rise view path loop plaza plz pike cove ridge crossing xing heights hts point pt "
    "gate mall manor meadow meadows run lanes vale dale glen end yard chase hollow landing creek brook "
    "falls crest knoll spur bend bay mount springs estates junction"
)
# Street words written before the name ("Rue de la Paix", "Via Roma 12", "ul. Długa 5").
STREET_PREFIXES = _words(
    "rue rua r via viale vicolo piazza piazzale corso largo strada avenida avda av calle c camino carrer "
    "carretera paseo plaza praça praca travessa estrada alameda rambla ronda ul ulica al aleja plac trg "
    "chemin route allée allee boulevard bd quai impasse place avenue cours jalan jl leoforos odos "
    "λεωφορος λεωφ οδος πλατεια ulitsa prospekt naberezhnaya"
)
# Street words written after the name as a separate word ("Kongshøj Allé 70", "Király u. 15.").
TRAILING_STREET_WORDS = _words(
    "allé alle allee vej vei veien vegen vägen gata gatan gate gade stræde straat laan weg gasse platz "
    "ring utca u út utja útja tér ter körút krt sétány köz ulica ulice cesta iela gatve tänav tee katu "
    "tie kuja polku kaari stigen gränd torget plads torv kade gracht singel dreef plein steenweg baan "
    "str straße strasse street"
)
# Endings of one-word street names ("Auerstrasse", "Hulsterdreef", "Laugarvegur").
STREET_ENDINGS: Tuple[str, ...] = tuple(
    fold(ending)
    for ending in (
        "strasse",
        "straße",
        "strase",
        "stasse",
        "str",
        "gasse",
        "weg",
        "allee",
        "platz",
        "ring",
        "damm",
        "ufer",
        "steig",
        "vej",
        "vei",
        "veien",
        "vegen",
        "vägen",
        "vagen",
        "gatan",
        "gata",
        "gate",
        "gade",
        "stræde",
        "stræti",
        "straeti",
        "gränd",
        "torget",
        "straat",
        "laan",
        "dreef",
        "plein",
        "kade",
        "gracht",
        "singel",
        "steeg",
        "steenweg",
        "baan",
        "tie",
        "katu",
        "kuja",
        "polku",
        "vegur",
        "gata",
        "utca",
        "útja",
        "körút",
        "ulica",
        "ulice",
        "cesta",
        "iela",
        "gatve",
        "tänav",
        "stigen",
        "backen",
        "bakken",
        "plads",
        "torv",
        "lunden",
    )
)
UNIT_WORDS = _words("apt apartment suite ste unit flat fl floor room rm bldg building studio")
# A flat or suite: "Apt. 118", "Suite 511", "Flat 3", "apt 4b", "#12".
UNIT_RE = re.compile(
    r"(?:(?:apt|apartment|suite|ste|unit|flat|fl|floor|room|rm|bldg|building|studio)\.?\s*(?:no\.?\s*)?#?\s*"
    r"(?=[\w-]*\d|[A-Za-z](?![\w]))[\w-]{1,6}|#\s?\d{1,5})(?![\w])",
    re.IGNORECASE,
)
# "P.O. Box 255", "Postfach 71".
PO_BOX_RE = re.compile(
    r"\b(?:p\.?\s?o\.?\s*box|post\s+office\s+box|postbox|postfach|apartado|caixa\s+postal|bp)\s+\d{1,6}\b",
    re.IGNORECASE,
)
# US military mail: "USNS Björklund\nFPO AP 07688", "Unit 4181 Box 1281\nDPO AA 57553",
# "PSC 1234, Box 5678 APO AE 12345".
_MILITARY_CITY = r"(?:,?\s*\n?\s*[ADF]PO\s+A[AEP]\s+\d{5}(?:-\d{4})?)"
MILITARY_RE = re.compile(
    r"\b(?:(?:USNS|USNV|USS|USCGC)\s+[^\W\d_][\w'’.\-]*(?:[ \t]+[^\W\d_][\w'’.\-]*)?"
    + _MILITARY_CITY
    + r"|(?:Unit|PSC|CMR)\s+\d{3,5},?\s+Box\s+\d{2,5}"
    + _MILITARY_CITY
    + r"?)",
    re.IGNORECASE,
)
# Postcodes, tried at the start of a piece of the address.
UK_POSTCODE_RE = re.compile(r"[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}(?![\w])", re.IGNORECASE)
POSTCODE_RE = re.compile(
    r"(?:\d{5}(?:-\d{4})?|[A-Z]\d[A-Z]\s?\d[A-Z]\d|\d{4}\s?[A-Z]{2}|\d{2}-\d{3}|\d{3}\s\d{2}|\d{4,6})(?![\w-])",
    re.IGNORECASE,
)
# A UK postcode on its own is an address only when the message is about one.
POSTCODE_CUE_RE = re.compile(
    r"\b(?:post\s?code|postal\s+code|zip(?:\s?code)?|address|live|lives|living|moved|reside|resident|"
    r"deliver|delivery|send|sent|ship|shipping|mail|correspondence)\b[^.?!\n]{0,40}$",
    re.IGNORECASE,
)
# Words right before an address that make any street-like shape enough ("my address is ...").
STRONG_ADDRESS_CUE_RE = re.compile(
    r"\b(?:address(?:es)?(?:\s+(?:is|was|are|will\s+be))?|(?:live|lives|living|lived|located|reside|resides|"
    r"based|staying)\s+(?:at|on)|(?:moved|move|moving|deliver(?:ed)?|ship(?:ped)?|sent|send\s+\w+|post(?:ed)?|"
    r"mail(?:ed)?|return(?:ed)?)\s+to|corner\s+of)\s*:?\s*$",
    re.IGNORECASE,
)
# Words before an address that make a weaker street pattern enough ("I live at ...").
ADDRESS_CUE_RE = re.compile(
    r"\b(?:address(?:es)?|live|lives|living|lived|moved|move|moving|reside|resides|located|location|"
    r"deliver|delivered|delivery|send|sent|ship|shipped|shipping|post|mail|mailing|billing|residence|"
    r"home|house|office|meet|meeting|taxi|return|visit|stay|staying|at|to)\b[^.?!\n]{0,30}$",
    re.IGNORECASE,
)
# "on Elm Street": a street without a number, found only after these words.
BARE_STREET_CUE_RE = re.compile(
    r"\b(?:live|lives|living|lived|moved|located|house|flat|apartment|home|office|shop|branch|address|"
    r"on|at|in|off|near|along|down|up|corner\s+of)\s*$",
    re.IGNORECASE,
)
# Streets named in money talk for something else than a place ("Wall Street").
NOT_ADDRESSES = frozenset({"wall street"})
# Words after a number that make it a quantity, not a house number ("3 month road trip").
QUANTITY_WORDS = _words(
    "minute minutes min mins hour hours hr hrs day days week weeks month months year years yr yrs mile "
    "miles km kms kilometre kilometres kilometer kilometers metre metres meter meters foot feet ft percent "
    "per times time payments payment dollar dollars pound pounds euro euros bucks quid cents pence grand "
    "people persons items cards accounts transactions transfers installments instalments shares"
)
DIRECTIONS = _words("n s e w ne nw se sw north south east west")
# Lower-case words that may sit inside a place name ("Becerril de Campos", "Stratford upon Avon").
PLACE_PARTICLES = _words(
    "de del della di do da dos das du des la le les los las el en am im der den von van aan op bei sur "
    "sous nad pod upon under cum a u"
)
# Words that may stand before an address and belong to it ("the corner of X and Y").
CORNER_RE = re.compile(r"\b(?:the\s+)?corner\s+of\s+$", re.IGNORECASE)
