"""Banking identifier recognizers: IBAN, account, routing, sort code, SWIFT/BIC, wallets, references."""

from __future__ import annotations

from typing import Callable, List, Optional

import pytest
from faker import Faker
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from presidio_analyzer import RecognizerResult
from spacy.lang.en.stop_words import STOP_WORDS
from stdnum import iban
from stdnum.us import rtn

from bot.privacy.entities import ALL_ENTITIES
from bot.privacy.nlp import LANGUAGE, NerOnlyNlpEngine
from bot.privacy.recognizers import banking

Detect = Callable[[str, str], List[RecognizerResult]]
AssertDetected = Callable[[str, str, str, str], None]
AssertNotDetected = Callable[[str, str, Optional[str]], None]

FOUND = [
    # IBAN: documentation examples, any spacing and case.
    ("IBAN GB82 WEST 1234 5698 7654 32 please", "IBAN_CODE", "GB82 WEST 1234 5698 7654 32"),
    ("iban gb82west12345698765432", "IBAN_CODE", "gb82west12345698765432"),
    ("send it to DE89 3704 0044 0532 0130 00.", "IBAN_CODE", "DE89 3704 0044 0532 0130 00"),
    ("DE89370400440532013000 from me", "IBAN_CODE", "DE89370400440532013000"),
    ("NL91 ABNA 0417 1643 00 from me", "IBAN_CODE", "NL91 ABNA 0417 1643 00"),
    ("norway NO93 8601 1117 947", "IBAN_CODE", "NO93 8601 1117 947"),
    ("FR14 2004 1010 0505 0001 3M02 606 is mine", "IBAN_CODE", "FR14 2004 1010 0505 0001 3M02 606"),
    ("MT84 MALT 0110 0001 2345 MTLC AST0 01S", "IBAN_CODE", "MT84 MALT 0110 0001 2345 MTLC AST0 01S"),
    # Account numbers, with a cue or a context word.
    ("my account number is 12345678", "ACCOUNT_NUMBER", "12345678"),
    ("acct#12345678", "ACCOUNT_NUMBER", "12345678"),
    ("a/c 87654321", "ACCOUNT_NUMBER", "87654321"),
    ("account no. 000123456789", "ACCOUNT_NUMBER", "000123456789"),
    ("checking: 123456789012", "ACCOUNT_NUMBER", "123456789012"),
    ("my savings account 98765432 at Chase", "ACCOUNT_NUMBER", "98765432"),
    ("savings: 11223344", "ACCOUNT_NUMBER", "11223344"),
    ("12345678 is my account number", "ACCOUNT_NUMBER", "12345678"),
    ("acc no 4839201745 at Chase", "ACCOUNT_NUMBER", "4839201745"),
    # Routing numbers: checksum and context.
    ("routing number 021000021", "ROUTING_NUMBER", "021000021"),
    ("ABA 011000015 for wires", "ROUTING_NUMBER", "011000015"),
    ("my routing is 026009593", "ROUTING_NUMBER", "026009593"),
    ("RTN: 121000358", "ROUTING_NUMBER", "121000358"),
    ("routing number 021000021 and account 123456789", "ROUTING_NUMBER", "021000021"),
    ("routing number 021000021 and account 123456789", "ACCOUNT_NUMBER", "123456789"),
    # Sort codes.
    ("sort code 12-34-56", "SORT_CODE", "12-34-56"),
    ("sort code: 12 34 56", "SORT_CODE", "12 34 56"),
    ("my sort code is 123456", "SORT_CODE", "123456"),
    ("sort code 123456 and account number 12345678", "SORT_CODE", "123456"),
    ("sort code 123456 and account number 12345678", "ACCOUNT_NUMBER", "12345678"),
    ("sort code for my account: 654321", "SORT_CODE", "654321"),
    ("12 34 56 is the sort code", "SORT_CODE", "12 34 56"),
    # SWIFT/BIC.
    ("SWIFT code DEUTDEFF", "SWIFT_CODE", "DEUTDEFF"),
    ("BIC: NWBKGB2L", "SWIFT_CODE", "NWBKGB2L"),
    ("pay HBUKGB4B today", "SWIFT_CODE", "HBUKGB4B"),
    ("use DEUTDEFF500", "SWIFT_CODE", "DEUTDEFF500"),
    ("swift BOFAUS3N", "SWIFT_CODE", "BOFAUS3N"),
    # Crypto wallets.
    ("send BTC to 1NEDqZPvTWRaoho48qXuLLsrYomMXPABfD", "CRYPTO_WALLET", "1NEDqZPvTWRaoho48qXuLLsrYomMXPABfD"),
    ("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy is mine", "CRYPTO_WALLET", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"),
    ("to bc1qardv855yjngspvxuttq897aqca3lxju2y69jce", "CRYPTO_WALLET", "bc1qardv855yjngspvxuttq897aqca3lxju2y69jce"),
    ("to BC1QARDV855YJNGSPVXUTTQ897AQCA3LXJU2Y69JCE", "CRYPTO_WALLET", "BC1QARDV855YJNGSPVXUTTQ897AQCA3LXJU2Y69JCE"),
    (
        "taproot bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297",
        "CRYPTO_WALLET",
        "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297",
    ),
    ("eth 0x52908400098527886E0F7030069857D2E4169EE7", "CRYPTO_WALLET", "0x52908400098527886E0F7030069857D2E4169EE7"),
    # Reference numbers named by a cue.
    ("my customer number is CUST-48213", "REFERENCE_NUMBER", "CUST-48213"),
    ("case number: 2024-00123", "REFERENCE_NUMBER", "2024-00123"),
    ("ref ABC123XYZ", "REFERENCE_NUMBER", "ABC123XYZ"),
    ("policy no. PL998877", "REFERENCE_NUMBER", "PL998877"),
    ("claim #CLM-55512 was denied", "REFERENCE_NUMBER", "CLM-55512"),
    ("member ID M1234567", "REFERENCE_NUMBER", "M1234567"),
    ("reference number is 7788990", "REFERENCE_NUMBER", "7788990"),
]

NOT_FOUND = [
    ("IBAN GB82 WEST 1234 5698 7654 33", "IBAN_CODE"),  # check digits wrong
    ("GB00 WEST 1234 5698 7654 32", "IBAN_CODE"),
    ("BE68 5390 0754 7035", "IBAN_CODE"),
    ("I want to move 250000 from my savings account", "ACCOUNT_NUMBER"),
    ("I have 150000 dollars in my savings account", "ACCOUNT_NUMBER"),
    ("my account balance is $12,345,678", "ACCOUNT_NUMBER"),
    ("customer number 12345678", "ACCOUNT_NUMBER"),
    ("the number 12345678 means nothing", "ACCOUNT_NUMBER"),
    ("account 2024", "ACCOUNT_NUMBER"),
    ("routing number 021000022", "ROUTING_NUMBER"),  # checksum fails
    ("order 021000021 shipped", "ROUTING_NUMBER"),  # no context
    ("the code is 12-34-56", "SORT_CODE"),
    ("on 12-03-24 I paid", "SORT_CODE"),
    ("my sort of problem is that 123456 people use it", "SORT_CODE"),
    ("open a savings account with 100000", "ACCOUNT_NUMBER"),
    ("swift code ABCDXX12", "SWIFT_CODE"),  # XX is no country
    ("BUSINESS STANDARD TRANSFER", "SWIFT_CODE"),
    ("send 1NEDqZPvTWRaoho48qXuLLsrYomMXPABfX", "CRYPTO_WALLET"),  # checksum fails
    ("address 0x1234abcd", "CRYPTO_WALLET"),
    ("in case 2024 happens", "REFERENCE_NUMBER"),
    ("with reference to the meeting", "REFERENCE_NUMBER"),
    ("case number is pending", "REFERENCE_NUMBER"),
    ("ref ABCDEF", "REFERENCE_NUMBER"),
]

# What the dialogue needs must survive every recognizer of this suite.
NEEDED = [
    "Can I move $1,200 to savings? That's 1200 dollars, or £50 and €30.",
    "Is 4.5% good, or 19.9% APR on my checking overdraft?",
    "A 30 years mortgage from 2024, paid next Friday, or on 12/03, or in March.",
    "Should I open a Roth IRA or a 401(k), use Apple Pay, or buy AAPL and VTI?",
    "I bank with HSBC, Chase, BARCLAYS and STANDARD CHARTERED in London and NEW YORK.",
    "I have 3 accounts and 2 cards, my savings grew 12% this year.",
]


@pytest.mark.parametrize(("text", "entity", "value"), FOUND)
def test_found(assert_detected: AssertDetected, text: str, entity: str, value: str) -> None:
    assert_detected("banking", text, entity, value)


@pytest.mark.parametrize(("text", "entity"), NOT_FOUND)
def test_not_found(assert_not_detected: AssertNotDetected, text: str, entity: str) -> None:
    assert_not_detected("banking", text, entity)


@pytest.mark.parametrize("text", NEEDED)
def test_dialogue_tokens_kept(assert_not_detected: AssertNotDetected, text: str) -> None:
    assert_not_detected("all", text, None)


def test_faker_ibans() -> None:
    """Faker's IBANs for several countries are valid, and found whole."""
    recognizer = banking.IbanCodeRecognizer()
    for locale in ("en_GB", "de_DE", "fr_FR", "nl_NL", "es_ES", "it_IT", "pl_PL"):
        fake = Faker(locale)
        fake.seed_instance(7)
        for _ in range(5):
            value = fake.iban()
            text = f"my IBAN is {value}, thanks"
            spans = [(r.start, r.end) for r in recognizer.analyze(text, ["IBAN_CODE"])]
            assert spans == [(11, 11 + len(value))], value


def test_project_engine_feeds_context_words_to_presidio() -> None:
    """Presidio matches context words against ``artifacts.keywords``; the project engine must fill them.

    Fails while bot/privacy/nlp.py derives keywords from spaCy's empty lemmas:
    then no context word (account, routing, sort, passport, ...) ever raises a score.
    """
    engine = NerOnlyNlpEngine()
    engine.load()
    artifacts = engine.process_text("my account number is 12345678", LANGUAGE)
    assert "account" in artifacts.keywords


def test_recognizers_are_fresh_and_typed() -> None:
    first, second = banking.recognizers(), banking.recognizers()
    assert len(first) == len(second) and all(a is not b for a, b in zip(first, second))
    entities = {e for r in first for e in r.supported_entities}
    assert entities == {
        "IBAN_CODE", "ACCOUNT_NUMBER", "ROUTING_NUMBER", "SORT_CODE", "SWIFT_CODE", "CRYPTO_WALLET",
        "REFERENCE_NUMBER",
    }  # fmt: skip
    assert entities <= ALL_ENTITIES
    assert not [w for r in first for w in r.context if w in STOP_WORDS]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    bank=st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=4, max_size=4),
    digits=st.text("0123456789", min_size=14, max_size=14),
    spaced=st.booleans(),
)
def test_generated_gb_ibans_found(detect: Detect, bank: str, digits: str, spaced: bool) -> None:
    bban = bank + digits
    value = "GB" + iban.calc_check_digits("GB00" + bban) + bban
    if spaced:
        value = " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    text = f"IBAN {value} thanks"
    spans = {(r.start, r.end) for r in detect("banking", text) if r.entity_type == "IBAN_CODE"}
    assert (5, 5 + len(value)) in spans


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(prefix=st.sampled_from(["01", "02", "11", "12", "21", "26", "32", "61", "72", "80"]),
       middle=st.text("0123456789", min_size=6, max_size=6))  # fmt: skip
def test_generated_routing_numbers_found(detect: Detect, prefix: str, middle: str) -> None:
    body = prefix + middle
    value = body + rtn.calc_check_digit(body)
    text = f"the routing number is {value}"
    best = max(detect("banking", text), key=lambda r: r.score)
    assert (best.entity_type, text[best.start : best.end]) == ("ROUTING_NUMBER", value)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=200))
def test_arbitrary_text_never_raises(detect: Detect, text: str) -> None:
    for result in detect("banking", text):
        assert 0 <= result.start < result.end <= len(text)


_AMOUNTS = st.one_of(
    st.integers(0, 10**9).map(lambda n: f"${n:,}"),
    st.integers(0, 10**9).map(lambda n: f"${n}"),
    st.integers(0, 10**9).map(lambda n: f"{n} dollars"),
    st.integers(0, 10**7).map(lambda n: f"£{n / 100:,.2f}"),
    st.integers(0, 999).map(lambda n: f"{n / 10:.1f}% APR"),
    st.integers(1, 40).map(lambda n: f"{n} years"),
    st.integers(1990, 2040).map(lambda n: f"in {n}"),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amount=_AMOUNTS, template=st.sampled_from([
    "please move {} to my savings account", "my checking account has {}", "I owe {} on my card",
    "can I borrow {} against my savings?", "the routing fee was {}", "transfer {} on 12/03",
]))  # fmt: skip
def test_money_rates_and_years_kept(detect: Detect, amount: str, template: str) -> None:
    text = template.format(amount)
    assert not detect("all", text), text


@pytest.mark.parametrize(
    "text, entity, value",
    [
        ("please send it to IBAN CH6290084D0SMA2SLLQYC by Friday", "IBAN_CODE", "CH6290084D0SMA2SLLQYC"),
        ("Can you pay Gillian Mason - 342026 / 84965100 - £1,200 rent", "SORT_CODE", "342026"),
        ("Can you pay Gillian Mason - 342026 / 84965100 - £1,200 rent", "ACCOUNT_NUMBER", "84965100"),
        ("pay KEITH MILLS 17-82-91 67059094 for the rent", "SORT_CODE", "17-82-91"),
        ("pay KEITH MILLS 17-82-91 67059094 for the rent", "ACCOUNT_NUMBER", "67059094"),
        ("my account no. is 89068808, sort 65 05 06, bank is Chase", "SORT_CODE", "65 05 06"),
    ],
)
def test_uk_payee_details_and_compact_ibans(
    assert_detected: AssertDetected, text: str, entity: str, value: str
) -> None:
    assert_detected("banking", text, entity, value)


@pytest.mark.parametrize(
    "text",
    [
        "sort of 12 34 56 people asked",
        "sort the 3 files by date",
        "we moved 12-03-20 and 12345678 is just a count",
    ],
)
def test_sort_word_without_a_sort_code_shape(assert_not_detected: AssertNotDetected, text: str) -> None:
    assert_not_detected("banking", text, "SORT_CODE")


def _iban(country: str, bban: str, *, grouped: bool = True, wrong: bool = False) -> str:
    """An IBAN with check digits computed by stdnum (or deliberately off by one), in groups of four."""
    check = int(iban.calc_check_digits(f"{country}00{bban}"))
    value = f"{country}{(check % 97 + 2 if wrong else check):02d}{bban}"
    return " ".join(value[i : i + 4] for i in range(0, len(value), 4)) if grouped else value


# National formats whose last groups hold letters, and a Belgian IBAN whose bank code stdnum does not know.
LETTER_TAILS = [
    ("LI", "088100002324013AA"),
    ("MU", "BOMM0101101030300200000MUR"),
    ("QA", "DOHB00001234567890ABCDEFG"),
    ("SC", "SSCB11010000000000001497USD"),
    ("BE", "539007547034"),
]


@pytest.mark.parametrize(("country", "bban"), LETTER_TAILS)
@pytest.mark.parametrize("template", ["my iban is {} thanks", "{}", "pay {}.", "IBAN: {} from me"])
def test_grouped_ibans_found_whole(assert_detected: AssertDetected, country: str, bban: str, template: str) -> None:
    for value in (_iban(country, bban), _iban(country, bban).lower(), _iban(country, bban, grouped=False)):
        assert_detected("banking", template.format(value), "IBAN_CODE", value)


@pytest.mark.parametrize(("country", "bban"), LETTER_TAILS)
def test_grouped_ibans_with_wrong_check_digits(assert_not_detected: AssertNotDetected, country: str, bban: str) -> None:
    assert_not_detected("banking", f"iban {_iban(country, bban, wrong=True)}", "IBAN_CODE")


BICS = [
    ("swift deutdeff500", "deutdeff500"),
    ("send it to barcgb22 please", "barcgb22"),
    ("swift: Deutdeff", "Deutdeff"),
    ("bic code nwbkgb2l", "nwbkgb2l"),
    ("the swift code for my bank is deutdeff", "deutdeff"),
    ("BIC BofaUS3N", "BofaUS3N"),
]


@pytest.mark.parametrize(("text", "value"), BICS)
def test_bics_in_any_case(assert_detected: AssertDetected, text: str, value: str) -> None:
    assert_detected("banking", text, "SWIFT_CODE", value)


# Common English words of 8 and 11 letters; several are valid BICs in form ("transfer": ER, Eritrea).
ENGLISH_WORDS = (
    "sameness anything marketing discount business personal transfer question interest mortgage property "
    "children shopping everyone whatever complete tomorrow continue yourself security possible pleasure "
    "standard overseas payments customer payables transfers informative information transaction independent "
    "opportunity outstanding certificate immediately beneficiary withdrawals investments application"
).split()


@pytest.mark.parametrize("word", ENGLISH_WORDS)
def test_english_words_are_not_bics(assert_not_detected: AssertNotDetected, word: str) -> None:
    for text in (f"what about the {word} today", f"a swift {word} please", word.upper(), word.title()):
        assert_not_detected("banking", text, "SWIFT_CODE")
