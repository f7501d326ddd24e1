"""PERSON recognizer: names in chat (any case, after cues, with particles and accents), and
the bank, product, place, month and everyday words that must reach the dialogue unchanged.

Every name here is made up or comes from Faker.
"""

from __future__ import annotations

import random
from typing import Iterator, List, Tuple

import pytest
from faker import Faker
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from presidio_analyzer import AnalyzerEngine, RecognizerResult

from bot.privacy.analyzer import build_analyzer
from bot.privacy.nlp import LANGUAGE, NerOnlyNlpEngine
from bot.privacy.recognizers import addresses, names
from bot.privacy.recognizers.names import PersonRecognizer, find_names

THRESHOLD = 0.5

# (message, the name exactly as it should be redacted)
FOUND: List[Tuple[str, str]] = [
    ("alba is very reliable", "alba"),
    # A capitalised common word after a cued or unmistakable first name is the surname ("Doe" is a word too).
    ("I am Jane Doe", "Jane Doe"),
    # "The name on <what holds one> is ...": the cue is a few words before the name.
    ("the name on the account is Bill Jackson", "Bill Jackson"),
    ("name of the payee was Hope Sanders", "Hope Sanders"),
    ("the name on the joint account reads Will Turner", "Will Turner"),
    ("my name is Rose Gold", "Rose Gold"),
    ("hi Danielle Bird here", "Danielle Bird"),
    ("transfer to danielle blamey", "danielle blamey"),
    ("MY NAME IS JOHN SMITH", "JOHN SMITH"),
    ("SEND 50 TO ALBA", "ALBA"),
    ("My name is Þórólfur", "Þórólfur"),
    ("Hello, this is Mr. Eric Costa. Who are you?", "Mr. Eric Costa"),
    ("Can you pay Gillian Mason £1,200 rent", "Gillian Mason"),
    ("send $300 to jessica n. melendez on Zelle", "jessica n. melendez"),
    ("Amy-leigh will pay me back tomorrow", "Amy-leigh"),
    ("my mother katie moon passed away, how do we close her account", "katie moon"),
    ("please correct it to Dr. Christopher Schmitt", "Dr. Christopher Schmitt"),
    ("correct it to Mr. Joshua Okamoto MD", "Mr. Joshua Okamoto MD"),
    ("payee: Donald van der Voet", "Donald van der Voet"),
    ("transfer 200 to Siobhán O'Brien", "Siobhán O'Brien"),
    ("Ms Zoë Ménard called about the loan", "Ms Zoë Ménard"),
    ("Dear Ms. Nguyen, I need help", "Ms. Nguyen"),
    ("please pay my landlord, Heather Smith", "Heather Smith"),
    ("send it to heather smith", "heather smith"),
    ("my name is will", "will"),
    ("my name is Mate Kovacs", "Mate Kovacs"),
    ("pay Rasa Jones 20 pounds", "Rasa Jones"),
    ("My name is May Chen", "May Chen"),
    ("Thanks for the help. Regards, Bill", "Bill"),
    ("It's under my partner's name Laura Lima", "Laura Lima"),
    ("i'm sarah and i lost my card", "sarah"),
    ("Karen's account is overdrawn", "Karen"),
    ("hi this is MARK YOUNG, I can't log in", "MARK YOUNG"),
    ("Add michael k. barber as an authorised user", "michael k. barber"),
    ("I sent money to Mark yesterday", "Mark"),
    ("Wire the deposit to José Ramírez please", "José Ramírez"),
    ("the loan is for my son Oliver", "Oliver"),
    ("Can I add Priya Patel as a joint holder?", "Priya Patel"),
    ("my sister is called Chloe", "Chloe"),
    ("she named him randy", "randy"),
    ("Her maiden name is Kvalheim", "Kvalheim"),
    ("Name: Jessica Brooks\nPhone: on file", "Jessica Brooks"),
    ("social security number on file, name david williams", "david williams"),
    ("Transfer to my savings then to (JONATHAN HERNANDEZ)", "JONATHAN HERNANDEZ"),
]

# Messages with no name in them: banks, products, places, months, tickers and words
# that are also names, in ordinary questions about money.
NOT_FOUND: List[str] = [
    "session c7IVUq5-Kevin connected",  # a part of a session id, glued by a dash to letters and digits
    "sid=bh13-Kowalski",
    "the name of the fund is Vanguard Total",
    "name of my account is Holiday Savings",
    "what is the name of the bank on the statement",
    "Starting Rasa server on port 5005",  # the software, in its own logs
    "hey bot, quick question",  # addressing someone is not naming them
    "cheers mate",
    "thanks guys",
    "translate thank you into German",
    "I bank with Chase",
    "Is Wells Fargo better than HSBC?",
    "Should I pick Barclays or Ally for savings?",
    "Is the Capital One Venture card worth it?",
    "Discover it has cashback",
    "Citi double cash vs Chase Freedom",
    "Should I open a Roth IRA or a traditional IRA?",
    "how much should i put in my 401(k) to get the match",
    "Can I pay with Apple Pay or Google Pay?",
    "Visa or Mastercard for travel?",
    "Is the Amex Gold card worth the fee?",
    "I'm moving to Paris next May",
    "a trip to London in June, will my card work?",
    "I need to wire money to Jordan",
    "My August payment bounced",
    "will i get a refund",
    "Will I get a refund?",
    "may i close my account",
    "mark the transaction as fraud",
    "how do i pay my bill",
    "can you grant access to my accountant",
    "can I sue the merchant",
    "a penny saved is a penny earned",
    "I need to chase the refund",
    "I want to get rich quick",
    "to be frank the fees are too high",
    "I spent a lot on art supplies",
    "summer holiday budget tips",
    "hope you can help",
    "the joy of saving",
    "I have faith in index funds",
    "amber warning on my credit report",
    "is the rose gold card still available",
    "dawn raid on the bank",
    "bob's your uncle",
    "Is AAPL a good long term buy or should I stick to ETFs?",
    "TSLA or NVDA for growth?",
    "Is a 6 month T-bill better than a CD at 5%?",
    "What is a good credit score?",
    "How much should I save for retirement?",
    "Can I afford a $300k mortgage on 80k salary?",
    "Should I buy Tesla stock?",
    "Is Wise cheaper than Western Union?",
    "What is the Dow Jones at today?",
    "How does Robinhood make money?",
    "Can I use Venmo or Zelle to pay rent?",
    "Is Marcus by Goldman Sachs a good savings account?",
    "Should I pay off my Sallie Mae loans or invest?",
    "What are Fannie Mae and Freddie Mac?",
    "Should I refinance with SoFi or Rocket Mortgage?",
    "How do I dispute a charge with Experian?",
    "Does Bank of America charge overdraft fees?",
    "Will interest rates drop in December?",
    "What is the best CD rate right now?",
    "Can I get a loan from Lloyds in Manchester?",
    "What's the max I can top up?",
    "Is there a fee for a SWIFT transfer?",
    "Can this app exchange American and English currency?",
    "I tried to withdraw cash at the ATM in Notting Hill",
    "How do I set up Bill Pay?",
    "I bought Rose Gold earrings with my card",
    "What is the grace period on my card?",
    "How long does a bank transfer take?",
    "What's the difference between a debit and a credit card?",
    "How do I top up with a bank transfer?",
    "Why was I charged a foreign transaction fee in Sydney?",
    "How do I build an emergency fund?",
    "Should I pay my mortgage biweekly?",
    "What happens to my pension if I move to Victoria?",
    "Is it worth getting a financial advisor?",
    "How are dividends taxed in the UK?",
    "my card expires in april",
    "I was charged twice on friday",
    "WHY WAS MY CARD DECLINED AT THE ATM",
    "HOW DO I ORDER A NEW PIN",
    "Does the Sterling account pay interest?",
    "Can I open an ISA in Hope Street branch?",
]


@pytest.fixture(scope="module")
def person_analyzer() -> AnalyzerEngine:
    """An analyzer running the PERSON and ADDRESS recognizers on the real NER-only pipeline."""
    engine = NerOnlyNlpEngine()
    engine.load()
    return build_analyzer(names.recognizers() + addresses.recognizers(), engine)


def people(analyzer: AnalyzerEngine, text: str) -> List[RecognizerResult]:
    """The PERSON results the engine would keep."""
    results: List[RecognizerResult] = analyzer.analyze(text, LANGUAGE, score_threshold=THRESHOLD)
    return [r for r in results if r.entity_type == "PERSON"]


def spans(text: str, results: List[RecognizerResult]) -> List[str]:
    """The detected strings, in the order they stand in ``text``."""
    return [text[r.start : r.end] for r in sorted(results, key=lambda r: r.start)]


@pytest.mark.parametrize(("text", "name"), FOUND)
def test_finds_the_name_exactly(person_analyzer: AnalyzerEngine, text: str, name: str) -> None:
    assert spans(text, people(person_analyzer, text)) == [name]


@pytest.mark.parametrize("text", NOT_FOUND)
def test_leaves_ordinary_questions_alone(person_analyzer: AnalyzerEngine, text: str) -> None:
    assert spans(text, people(person_analyzer, text)) == []


def test_negative_set_is_large_enough() -> None:
    assert len(NOT_FOUND) >= 70
    assert sum(text.endswith("?") for text in NOT_FOUND) >= 40


def test_names_in_a_list_are_all_found(person_analyzer: AnalyzerEngine) -> None:
    text = "Acme is the brainchild of our 3 founders: Kovalev, Lee and Phillips."
    assert spans(text, people(person_analyzer, text)) == ["Kovalev", "Lee", "Phillips"]


def test_street_named_after_a_person_is_the_address(person_analyzer: AnalyzerEngine) -> None:
    text = "please send the card to 9 Johnson Overpass, East Geoffreybury G7H 7GF"
    assert people(person_analyzer, text) == []


def test_e_mail_and_password_parts_are_not_names(person_analyzer: AnalyzerEngine) -> None:
    text = "my email is anthony+bank@example.com and my password is Kestrel!0965"
    assert people(person_analyzer, text) == []


def test_recognizer_declares_person_only() -> None:
    recognizer = PersonRecognizer()
    assert recognizer.supported_entities == ["PERSON"]
    assert recognizer.analyze("pay danielle blamey", ["ADDRESS"]) == []
    assert [type(r) for r in names.recognizers()] == [PersonRecognizer]
    assert names.recognizers()[0] is not names.recognizers()[0]


def test_works_without_spacy_artifacts() -> None:
    results = PersonRecognizer().analyze("transfer to danielle blamey", ["PERSON"], None)
    assert [(r.start, r.end) for r in results] == [(12, 27)]


def _faker_names(count: int) -> Iterator[Tuple[str, str]]:
    """(first name, full name) pairs from Faker's English, German, Spanish and Polish locales."""
    fake = Faker(["en_US", "en_GB", "de_DE", "es_ES", "pl_PL"])
    fake.seed_instance(7)
    for _ in range(count):
        yield fake.first_name(), f"{fake.first_name()} {fake.last_name()}"


TEMPLATES = [
    "my name is {}",
    "please transfer £40 to {} tomorrow",
    "can you pay {} back for dinner",
    "the account holder is {}",
    "hi, this is {}, I can't log in",
]


@pytest.mark.parametrize("case", ["as written", "lower", "upper"])
def test_recall_on_faker_names_after_cues(person_analyzer: AnalyzerEngine, case: str) -> None:
    rng = random.Random(case)
    total = caught = 0
    for _, name in _faker_names(120):
        value = {"as written": name, "lower": name.lower(), "upper": name.upper()}[case]
        text = rng.choice(TEMPLATES).format(value)
        start = text.index(value)
        total += 1
        caught += any(r.start <= start and start + len(value) <= r.end for r in people(person_analyzer, text))
    assert caught / total >= 0.95, f"{caught} of {total}"


def test_recall_on_lower_case_faker_names_without_cue() -> None:
    found = total = 0
    for _, name in _faker_names(150):
        text = f"{name.lower()} is very reliable"
        total += 1
        found += any(start == 0 and end >= len(name) for start, end, _, _ in find_names(text))
    assert found / total >= 0.9, f"{found} of {total}"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=200))
def test_any_text_is_handled(text: str) -> None:
    for start, end, score, _ in find_names(text):
        assert 0 <= start < end <= len(text)
        assert 0.5 <= score <= 1.0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=120))
def test_any_text_is_handled_by_the_engine(person_analyzer: AnalyzerEngine, text: str) -> None:
    for result in person_analyzer.analyze(text, LANGUAGE):
        assert 0 <= result.start < result.end <= len(text)
