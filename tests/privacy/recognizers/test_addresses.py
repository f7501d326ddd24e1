"""ADDRESS recognizer: whole street addresses (US, UK, continental, military, PO boxes) in any
case and across commas and line breaks; never amounts, durations, plans or a ZIP code alone.

Every address here is made up or comes from Faker.
"""

from __future__ import annotations

import random
import time
from typing import Callable, List, Tuple

import pytest
from faker import Faker
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from presidio_analyzer import AnalyzerEngine, RecognizerResult

from bot.privacy.analyzer import build_analyzer
from bot.privacy.nlp import LANGUAGE, NerOnlyNlpEngine
from bot.privacy.recognizers import addresses, names
from bot.privacy.recognizers.addresses import AddressRecognizer, find_addresses

THRESHOLD = 0.5

# (message, the address exactly as it should be redacted)
FOUND: List[Tuple[str, str]] = [
    # United States
    (
        "send the card to 123 Main St Apt 4B, Springfield, IL 62704 please",
        "123 Main St Apt 4B, Springfield, IL 62704",
    ),
    (
        "1600 Pennsylvania Avenue NW, Washington, DC 20500",
        "1600 Pennsylvania Avenue NW, Washington, DC 20500",
    ),
    (
        "please send my new card to 500 w madison st apt 12, chicago, il 60661",
        "500 w madison st apt 12, chicago, il 60661",
    ),
    ("send it to P.O. Box 255, Springfield, IL 62704", "P.O. Box 255, Springfield, IL 62704"),
    (
        "please send the card to 605 Ward Shores, Melendezmouth, MA 08332",
        "605 Ward Shores, Melendezmouth, MA 08332",
    ),
    # United Kingdom
    ("My address is 10 Downing Street, London SW1A 2AA. Thanks", "10 Downing Street, London SW1A 2AA"),
    ("I live at Flat 3, 14 Baker St, London NW1 6XE", "Flat 3, 14 Baker St, London NW1 6XE"),
    ("i live at 12 high street, leeds ls1 4ab", "12 high street, leeds ls1 4ab"),
    ("221B Baker Street, London", "221B Baker Street, London"),
    ("MY ADDRESS IS 42 OAK AVENUE, BRISTOL BS1 4DJ", "42 OAK AVENUE, BRISTOL BS1 4DJ"),
    (
        "I moved to 9 Johnson Overpass, East Geoffreybury G7H 7GF last month",
        "9 Johnson Overpass, East Geoffreybury G7H 7GF",
    ),
    ("my postcode is SW1A 1AA", "SW1A 1AA"),
    # Continental Europe and elsewhere
    ("Rue de la Sarthe 421, Paris", "Rue de la Sarthe 421, Paris"),
    ("my new flat is at Auerstrasse 84, 8001 Zürich", "Auerstrasse 84, 8001 Zürich"),
    (
        "deliver to 77 Rue du Faubourg Saint-Honoré, 75008 Paris, France",
        "77 Rue du Faubourg Saint-Honoré, 75008 Paris, France",
    ),
    ("ship it to Calle de Alcalá 42, 28014 Madrid", "Calle de Alcalá 42, 28014 Madrid"),
    ("We'll meet Saturday at Esri, 64 Király u. 23., Tiszabög", "64 Király u. 23., Tiszabög"),
    (
        "please update my new address is 67 Wallis Street Cunha Street\n Suite 511\n RANDWICK\n Uganda 14660",
        "67 Wallis Street Cunha Street\n Suite 511\n RANDWICK\n Uganda 14660",
    ),
    (
        "Daniel Lindholm\n\n53 Σκαφίδια 148\n Apt. 795\n ΠΑΡΕΚΚΛΗΣΙΑ\n Uganda 62851",
        "53 Σκαφίδια 148\n Apt. 795\n ΠΑΡΕΚΚΛΗΣΙΑ\n Uganda 62851",
    ),
    (
        "update the billing address with 71 estrada nacional 105 apt. 335 casal das cheiras le for this card",
        "71 estrada nacional 105 apt. 335 casal das cheiras le",
    ),
    (
        "The letter arrived at 01 4589 40th Street Suite 603 Calgary AB last night.",
        "01 4589 40th Street Suite 603 Calgary AB",
    ),
    (
        "Meet me at the corner of Koepoortwal 115 and Hansen Street",
        "the corner of Koepoortwal 115 and Hansen Street",
    ),
    (
        "Paul had given Cleopatra his address: 64 Schaarsteinweg 97, Hunderdorf",
        "64 Schaarsteinweg 97, Hunderdorf",
    ),
    # US military mail
    ("USNS Björklund\nFPO AP 07688", "USNS Björklund\nFPO AP 07688"),
    ("Unit 4181 Box 1281\nDPO AA 57553", "Unit 4181 Box 1281\nDPO AA 57553"),
    ("PSC 1234, Box 5678 APO AE 12345", "PSC 1234, Box 5678 APO AE 12345"),
    (
        "how do i change my address to unit 9456 box 8731\ndpo ap 71610 for post mail?",
        "unit 9456 box 8731\ndpo ap 71610",
    ),
    # A street without a number, after a cue
    ("I live on Elm Street", "Elm Street"),
    # Chat style: lower case, no commas, units, boxes, ZIP+4, postcodes in any spacing, lines
    ("i moved to 42 elm st apt 3b springfield il 62704", "42 elm st apt 3b springfield il 62704"),
    ("send it to flat 2 17 high street leeds ls1 4ap", "flat 2 17 high street leeds ls1 4ap"),
    (
        "my address is 1600 pennsylvania ave nw washington dc 20500-0003",
        "1600 pennsylvania ave nw washington dc 20500-0003",
    ),
    ("new address:\n221b baker st\nlondon\nnw1 6xe", "221b baker st\nlondon\nnw1 6xe"),
    ("PO BOX 1234 AUSTIN TX 78701", "PO BOX 1234 AUSTIN TX 78701"),
    ("mail it to po box 1234 austin tx 78701 thanks", "po box 1234 austin tx 78701"),
    ("send to 10 downing street london sw1a2aa", "10 downing street london sw1a2aa"),
    ("i live at 3 oxford rd manchester m1 1ae", "3 oxford rd manchester m1 1ae"),
    ("unit 7 45 industrial way bristol bs1 4dj", "unit 7 45 industrial way bristol bs1 4dj"),
    ("ship to 500 main street #12 boise id 83702", "500 main street #12 boise id 83702"),
    ("ship to 500 main street suite 300 boise id 83702-1234", "500 main street suite 300 boise id 83702-1234"),
    ("my address is 7 the green\nlittle snoring\nnr21 0aa", "7 the green\nlittle snoring\nnr21 0aa"),
    (
        "deliver it to #40, 6273 Robin Bridge, Loveborough, WY 16772-6144",
        "#40, 6273 Robin Bridge, Loveborough, WY 16772-6144",
    ),
    ("I MOVED TO 42 ELM ST APT 3B SPRINGFIELD IL 62704 LAST WEEK", "42 ELM ST APT 3B SPRINGFIELD IL 62704"),
    ("my postcode is sw1a1aa", "sw1a1aa"),
]

# Messages with no address: amounts, durations, plans, a ZIP code alone, streets that
# name an industry, and numbers next to capitalised words.
NOT_FOUND: List[str] = [
    "my zip code is 49865",
    "I paid 12 payments of $1,200 rent",
    "it's been 3 months",
    "how much to put in my 401(k)",
    "a 30 year fixed rate at 6.5%",
    "It's a 20 minute drive from the branch",
    "I paid 2 bills on the way home",
    "What happened on Wall Street today?",
    "Route 66 road trip budget",
    "ref SW1A 1AA",
    "Can I afford a $300k mortgage on 80k salary?",
    "I have 3 credit cards and 2 loans",
    "Transfer 500 to account 12345678 sort code 12-34-56",
    "The 2024 tax year ends on 5 April",
    "my card ending 4242 was declined",
    "I have 10 Visa Gift Cards",
    "Split the bill 4 ways",
    "Is 5 Star Bank legit?",
    "I'm 25 years old with 10k in savings",
    "we bought a house for 350 000 pounds in 2019",
    "SSN 629 79 6154 DOB 1990-10-02",
    "please send €2,000 to IBAN NL92 VUYM 7763 4931 80 by last Tuesday",
    "Is a 6 month T-bill better than a CD at 5%?",
    "I owe 2,500 on my Chase card at 24 APR",
    "Should I put 15% into my 401k or pay off 3 loans?",
    "What's the penalty for withdrawing from a 12 month CD early?",
    "I need 2 Factor Authentication set up",
    "Is iPhone 15 Pro Max covered by card insurance?",
    "Windows 11 update broke the banking app",
    "Top 10 Savings Accounts of 2024",
    "I paid 40 Euro 3 times",
    "My rent is 1,450 a month in Leeds",
    "Can I send 200 GBP to Spain in 2 days?",
    "Chapter 7 bankruptcy and my mortgage",
    "transfer 50 to Alba 3 times a week",
    "my zip is 90210-1234",
    "i moved 2 miles from the branch, is that ok",
    "I paid 45 dollars at the green grocer",
]


@pytest.fixture(scope="module")
def address_analyzer() -> AnalyzerEngine:
    """An analyzer running the ADDRESS and PERSON recognizers on the real NER-only pipeline."""
    engine = NerOnlyNlpEngine()
    engine.load()
    return build_analyzer(addresses.recognizers() + names.recognizers(), engine)


def found_addresses(analyzer: AnalyzerEngine, text: str) -> List[str]:
    """The addresses the engine would keep, in the order they stand in ``text``."""
    results: List[RecognizerResult] = analyzer.analyze(text, LANGUAGE, score_threshold=THRESHOLD)
    kept = sorted((r for r in results if r.entity_type == "ADDRESS"), key=lambda r: r.start)
    return [text[r.start : r.end] for r in kept]


@pytest.mark.parametrize(("text", "address"), FOUND)
def test_finds_the_whole_address(address_analyzer: AnalyzerEngine, text: str, address: str) -> None:
    assert found_addresses(address_analyzer, text) == [address]


@pytest.mark.parametrize("text", NOT_FOUND)
def test_leaves_numbers_alone(address_analyzer: AnalyzerEngine, text: str) -> None:
    assert found_addresses(address_analyzer, text) == []


def test_two_addresses_stay_two(address_analyzer: AnalyzerEngine) -> None:
    text = "Old: 12 High Street, Leeds LS1 4AB. New: 3 Mill Lane, York YO1 7HH"
    assert found_addresses(address_analyzer, text) == [
        "12 High Street, Leeds LS1 4AB",
        "3 Mill Lane, York YO1 7HH",
    ]


def test_recognizer_declares_address_only() -> None:
    recognizer = AddressRecognizer()
    assert recognizer.supported_entities == ["ADDRESS"]
    assert recognizer.analyze("10 Downing Street, London", ["PERSON"]) == []
    assert [type(r) for r in addresses.recognizers()] == [AddressRecognizer]
    assert addresses.recognizers()[0] is not addresses.recognizers()[0]


SENTENCES = [
    "please send my new card to {}",
    "I moved, my new address is {}",
    "{}",
    "update the billing address to {} thanks",
]


@pytest.mark.parametrize("locale", ["en_US", "en_GB"])
@pytest.mark.parametrize("case", ["as written", "lower"])
def test_recall_on_faker_addresses(locale: str, case: str) -> None:
    fake = Faker(locale)
    fake.seed_instance(11)
    total = covered = 0
    for number in range(150):
        address = fake.address()
        value = address.lower() if case == "lower" else address
        text = SENTENCES[number % len(SENTENCES)].format(value)
        start = text.index(value)
        total += 1
        covered += any(s <= start and start + len(value) <= e for s, e, _ in find_addresses(text))
    assert covered / total >= 0.9, f"{covered} of {total}"


CHAT = ["i moved to {}", "send it to {} thanks", "my address is {}.", "new address:\n{}", "{}", "{} is my new address"]
UNITS = ["apt {}b", "Apt. {}", "unit {}", "#{}", "suite {}00", "flat {}", "Studio {}"]


def chat_address(rng: random.Random, us: Faker, gb: Faker) -> str:
    """A Faker address as people type it: any case, commas or not, over lines or not, maybe a unit or a box."""
    fake = us if rng.random() < 0.5 else gb
    street = f"{fake.building_number()} {fake.street_name()}"
    unit = rng.choice(UNITS).format(rng.randint(1, 40))
    parts = [street, unit] if rng.random() < 0.3 else [unit, street] if rng.random() < 0.4 else [street]
    if fake is us:
        if rng.random() < 0.2:
            parts = [f"{rng.choice(['PO Box', 'P.O. Box', 'po box'])} {rng.randint(1, 99999)}"]
        code = f"{fake.state_abbr()} {fake.zipcode_plus4() if rng.random() < 0.4 else fake.zipcode()}"
    else:
        code = fake.postcode().replace(" ", "" if rng.random() < 0.3 else " ")
    pieces = [" ".join(parts), fake.city(), code] if rng.random() < 0.5 else [*parts, fake.city(), code]
    address = rng.choice([", ", " ", "\n"]).join(pieces)
    return rng.choice([address, address.lower(), address.lower(), address.upper()])


def test_recall_on_chat_style_faker_addresses() -> None:
    rng, us, gb = random.Random(5), Faker("en_US"), Faker("en_GB")
    us.seed_instance(5)
    gb.seed_instance(5)
    exact = covered = 0
    for _ in range(200):
        address = chat_address(rng, us, gb)
        text = rng.choice(CHAT).format(address)
        start = text.index(address)
        spans = [(s, e) for s, e, _ in find_addresses(text)]
        exact += (start, start + len(address)) in spans
        covered += any(s <= start and start + len(address) <= e for s, e in spans)
    assert covered >= 0.95 * 200 and exact >= 0.9 * 200, f"covered {covered}, exact {exact} of 200"


HOSTILE = [
    "my address is " + "1 " * 2500,
    "12 " + "a" * 5000,
    "flat " + "9." * 2500,
    "po box " + "1 " * 2500,
    "12 high street " + "leeds " * 800,
    "12 " + "new " * 1200 + "il 62704",
    "my address is " + "9." * 2500,
    "12 high st\n" + "x\n" * 2000,
    "unit " * 1000,
    "12 " + "1a " * 1600,
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
@pytest.mark.parametrize("case", [str, str.upper, str.title], ids=["as", "upper", "title"])
def test_hostile_text_takes_linear_time(text: str, case: Callable[[str], str]) -> None:
    AddressRecognizer().load()
    best = float("inf")
    for run in range(3):  # the best of three, unmemoised: another process may hold the processor
        started = time.perf_counter()
        find_addresses(case(text) + " " * run)
        best = min(best, time.perf_counter() - started)
    assert best < 0.05, f"{best * 1000:.0f} ms"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=200), st.sampled_from([str, str.upper, str.title]))
def test_any_text_is_handled(text: str, case: Callable[[str], str]) -> None:
    text = case(text)
    for start, end, score in find_addresses(text):
        assert 0 <= start < end <= len(text)
        assert 0.5 <= score <= 1.0


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789 ,.\nABab#/-Apt StreetRoad")), max_size=80))
def test_address_like_noise_is_handled(text: str) -> None:
    for start, end, _ in find_addresses(text):
        assert 0 <= start < end <= len(text)
