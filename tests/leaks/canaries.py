"""Canary identifiers of every type the engine detects, in many formats, and how to find them in a sink.

Every value is fake (Faker with a fixed seed, published test card numbers,
generated checksums). A canary knows the forms a leak could take: the value
as typed, digits only, lower case, without separators; short secrets are
searched together with their cue, so that "4821" in a timestamp is no hit.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterator, List, Optional, Pattern, Tuple

from faker import Faker
from stdnum import iban, luhn
from stdnum.us import rtn

SEPARATORS = re.compile(r"[\s.\-/()]")
NOT_ALNUM = re.compile(r"[\W_]+")
ANY_SEPARATOR = r"[\W_]{0,3}"
# Between the digits of a number: no identifier is written with a colon, and a log line's time
# ("10:16:28") would otherwise read as the first six digits of a canary typed at that second.
# A comma stays: an amount ("1,016,281,234.00") can echo a number.
NUMBER_SEPARATOR = r"[^\w:]{0,3}"


# Not inside a longer number, nor inside a run of hex digits: a message id ("...cfb7dd854892fe7a3b") may hold
# any six digits in a row (CI once read one as the first six digits of a canary account number).
NOT_IN_HEX_BEFORE = r"(?<!\d)(?<![0-9a-f]{4})"
NOT_IN_HEX_AFTER = r"(?!\d)(?![0-9a-f]{4})"


# Not inside a longer number, nor the decimals of one: an event's timestamp ("1765123456.123456") holds six
# digits after its point, which CI once found equal to a canary sort code's.
NOT_A_FRACTION = r"(?<!\d)(?<!\d\.)"


def flexible(value: str, separator: str = ANY_SEPARATOR) -> str:
    """A regex for ``value``'s letters and digits in order, with up to 3 separators between them."""
    chars = [ch for ch in value.lower() if ch.isalnum()]
    return separator.join(re.escape(ch) for ch in chars)


@dataclass
class Canary:
    """One fake identifier, the message that carries it, and the patterns that find a leak of it."""

    kind: str
    value: str
    message: str
    cue_patterns: List[Tuple[Pattern[str], str]] = field(default_factory=list)  # with each one's needle
    followup: Optional[str] = None  # the rest of a value split over two messages

    @property
    def messages(self) -> List[str]:
        return [self.message] + ([self.followup] if self.followup else [])

    def patterns(self) -> List[Tuple[Pattern[str], str]]:
        """How a leak would look in a lower-cased sink, in any normalised form, each with its needle.

        Long numbers: their digits in order, any separators but a colon
        between, not inside a longer run of digits; also all but the last 4 digits. Values with letters:
        their letters and digits in order. Short numbers (a PIN) only with their cue.
        The needle is what any match must contain once the sink is compacted
        (lower case, letters and digits only): a fast test before the regex.
        """
        found = list(self.cue_patterns)
        digits = re.sub(r"\D", "", self.value)
        if any(ch.isalpha() for ch in self.value):
            found.append((re.compile(flexible(self.value)), compact(self.value)))
        elif len(digits) >= 8:
            for part in (digits, digits[:-4]):
                if len(part) >= 6:
                    pattern = NOT_IN_HEX_BEFORE + flexible(part, NUMBER_SEPARATOR) + NOT_IN_HEX_AFTER
                    found.append((re.compile(pattern), part))
        return found


def compact(text: str) -> str:
    """Lower case, letters and digits only: every match of a ``flexible`` pattern survives as a substring."""
    return NOT_ALNUM.sub("", text.lower())


def normalise(text: str) -> str:
    return SEPARATORS.sub("", text.lower())


def _cards(rng: random.Random) -> Iterator[str]:
    for prefix, length in [("4", 16), ("51", 16), ("2221", 16), ("34", 15), ("6011", 16), ("4", 19), ("6759", 16)]:
        body = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1))
        yield body + luhn.calc_check_digit(body)


def _group(number: str, separator: str) -> str:
    return separator.join(number[i:i + 4] for i in range(0, len(number), 4))


def _iban(rng: random.Random) -> str:
    country, bank = rng.choice([("DE", ""), ("GB", "NWBK"), ("NL", "ABNA"), ("FR", ""), ("ES", "")])
    length = {"DE": 18, "GB": 14, "NL": 10, "FR": 23, "ES": 20}[country]
    for _ in range(50):
        bban = bank + "".join(rng.choice("0123456789") for _ in range(length))
        value = country + iban.calc_check_digits(country + "00" + bban) + bban
        if iban.is_valid(value):
            return value
    return "DE89370400440532013000"


def _routing(rng: random.Random) -> str:
    while True:
        body = rng.choice(["02", "01", "11", "12", "26", "07"]) + "".join(rng.choice("0123456789") for _ in range(6))
        value = body + rtn.calc_check_digit(body)
        if rtn.is_valid(value):
            return value


def generate(seed: int = 20261129, count: int = 220) -> List[Canary]:
    """``count`` canary messages, cycling through every kind and format."""
    fake = Faker(["en_US", "en_GB"])
    fake.seed_instance(seed)
    rng = random.Random(seed)
    makers: List[Callable[[], Canary]] = []

    def card() -> Canary:
        number = next(_cards(rng)) if rng.random() < 0.3 else rng.choice(list(_cards(rng)))
        typed = rng.choice([number, _group(number, " "), _group(number, "-")])
        message = rng.choice([
            "my card number is {v}, can you check it?", "Card {v} was declined at the shop",
            "I lost my card ({v}) yesterday", "please freeze {v} now",
        ]).format(v=typed)
        return Canary("CREDIT_CARD", typed, message)

    def iban_() -> Canary:
        value = _iban(rng)
        typed = rng.choice([value, " ".join(value[i:i + 4] for i in range(0, len(value), 4)), value.lower()])
        return Canary("IBAN_CODE", typed, f"send 200 euros to {typed} please")

    def ssn() -> Canary:
        area, group, serial = rng.randint(100, 665), rng.randint(10, 99), rng.randint(1000, 9999)
        sep = rng.choice(["-", " ", "."])
        typed = f"{area}{sep}{group}{sep}{serial}"
        return Canary("US_SSN", typed, rng.choice(["my SSN is {v}", "social security number: {v}"]).format(v=typed))

    def phone() -> Canary:
        typed = rng.choice([
            f"(212) 555-01{rng.randint(10, 99)}", f"+1 415 555 01{rng.randint(10, 99)}",
            f"07700 900{rng.randint(100, 999)}", f"+44 20 7946 0{rng.randint(100, 999)}",
        ])
        return Canary("PHONE_NUMBER", typed, f"call me on {typed} after 5pm")

    def email() -> Canary:
        typed = fake.user_name() + str(rng.randint(10, 99)) + "@" + fake.free_email_domain()
        return Canary("EMAIL_ADDRESS", typed, f"my email is {typed}, write to me there")

    def person() -> Canary:
        name = f"{fake.first_name()} {fake.last_name()}"
        typed = rng.choice([name, name.lower(), name.upper()])
        message = rng.choice(["my name is {v}", "please send it to {v}", "hi, I'm {v} and I need help"]).format(v=typed)
        return Canary("PERSON", typed, message)

    def address() -> Canary:
        typed = rng.choice([
            f"{rng.randint(10, 9999)} {fake.street_name()}, {fake.city()}",
            f"Flat {rng.randint(1, 40)}, {rng.randint(1, 200)} {fake.last_name()} Road, London SW1A 1AA",
        ])
        return Canary("ADDRESS", typed, f"I moved to {typed} last month")

    def routing() -> Canary:
        typed = _routing(rng)
        return Canary("ROUTING_NUMBER", typed, f"the routing number is {typed}")

    def account() -> Canary:
        typed = "".join(rng.choice("0123456789") for _ in range(rng.choice([8, 10, 12])))
        return Canary("ACCOUNT_NUMBER", typed, rng.choice(["my account number is {v}", "acct no. {v}"]).format(v=typed))

    def sort_code() -> Canary:
        a, b, c = (rng.randint(10, 99) for _ in range(3))
        typed = f"{a}-{b}-{c}"
        cue = re.compile(rf"{NOT_A_FRACTION}{a}\W?{b}\W?{c}(?!\d)")
        return Canary("SORT_CODE", typed, f"sort code {typed}", [(cue, f"{a}{b}{c}")])

    def nino() -> Canary:
        typed = rng.choice(["AB", "CE", "JH", "PR"]) + f"{rng.randint(100000, 999999)}" + rng.choice("ABCD")
        return Canary("UK_NINO", typed, f"my national insurance number is {typed}")

    def passport() -> Canary:
        typed = f"{rng.randint(500000000, 599999999)}"
        return Canary("PASSPORT", typed, f"my passport number is {typed}")

    def licence() -> Canary:
        typed = rng.choice("ABCDEFGHJKMNPRSTWY") + f"{rng.randint(1000000, 9999999)}"
        return Canary("DRIVER_LICENSE", typed, f"my driver's license is {typed}")

    def birth() -> Canary:
        day, month, year = rng.randint(10, 28), rng.randint(10, 12), rng.randint(1950, 1999)
        typed = rng.choice([f"{month}/{day}/{year}", f"{year}-{month}-{day}"])
        cue = re.compile(rf"born\W+on\W+{flexible(typed)}")
        return Canary("DATE_OF_BIRTH", typed, f"I was born on {typed}", [(cue, compact(typed))])

    def ip() -> Canary:
        typed = f"{rng.randint(11, 99)}.{rng.randint(100, 250)}.{rng.randint(100, 250)}.{rng.randint(2, 250)}"
        return Canary("IP_ADDRESS", typed, f"I logged in from {typed} today")

    def pin() -> Canary:
        typed = f"{rng.randint(10000, 999999)}"
        return Canary("PIN", typed, f"my PIN is {typed}", [(re.compile(rf"{NOT_A_FRACTION}{typed}(?!\d)"), typed)])

    def password() -> Canary:
        typed = fake.password(length=12, special_chars=False)
        return Canary("PASSWORD", typed, f"my password is {typed}")

    def otp() -> Canary:
        typed = f"{rng.randint(100, 999)} {rng.randint(100, 999)}"
        return Canary("ONE_TIME_CODE", typed, f"the code you sent is {typed}",
                      [(re.compile(rf"code\W*(?:you\W*sent\W*)?(?:is\W*)?{flexible(typed)}"), compact(typed))])

    def security_answer() -> Canary:
        typed = fake.last_name() + fake.last_name().lower()
        return Canary("SECURITY_ANSWER", typed, f"my mother's maiden name is {typed}")

    def card_with_budget() -> Canary:
        number = next(_cards(rng))
        typed = _group(number, " ")
        return Canary("CREDIT_CARD", typed, f"I earn 3200 a month and my card is {typed}, how should I budget?")

    def split_card() -> Canary:
        number = next(_cards(rng))
        while len(number) != 16:
            number = next(_cards(rng))
        first, second = _group(number[:8], " "), _group(number[8:], " ")
        halves = [(re.compile(NOT_A_FRACTION + flexible(half) + r"(?!\d)"), compact(half)) for half in (first, second)]
        return Canary("CREDIT_CARD", number, f"my card number is {first}", halves, followup=second)

    def split_account() -> Canary:
        typed = "".join(rng.choice("0123456789") for _ in range(10))
        return Canary("ACCOUNT_NUMBER", typed, "my account number is", followup=typed)

    def split_iban() -> Canary:
        value = _iban(rng)
        first, second = value[:12], value[12:]
        pattern = re.compile(flexible(first))
        return Canary("IBAN_CODE", value, f"IBAN {first}", [(pattern, compact(first))], followup=second)

    makers = [
        split_card, split_account, split_iban, card, iban_, ssn, phone, email, person, address, routing, account,
        sort_code, nino, passport, licence, birth, ip, pin, password, otp, security_answer, card_with_budget,
    ]
    return [makers[index % len(makers)]() for index in range(count)]


def chat_style(seed: int = 20261207, count: int = 48) -> List[Canary]:
    """Canaries typed the way people type in a chat box: odd spacing, dots, line breaks, lower case,
    codes glued to their cue, numbers with no cue at all (issue 13's classes; fake values)."""
    rng = random.Random(seed)

    def digits(count: int) -> str:
        return "".join(rng.choice("0123456789") for _ in range(count))

    def short(kind: str, typed: str, message: str, cue: str) -> Canary:
        pattern = re.compile(rf"{cue}\W{{0,3}}{flexible(typed)}(?!\d)")
        return Canary(kind, typed, message, [(pattern, compact(cue + typed))])

    def odd_card() -> Canary:
        number = next(_cards(rng))
        while len(number) != 16:
            number = next(_cards(rng))
        groups = [number[i:i + 4] for i in range(0, 16, 4)]
        typed = rng.choice(["  ".join(groups), ".".join(groups), ".".join(groups[:3]) + " " + groups[3],
                            " ".join(groups[:2]) + "\n" + " ".join(groups[2:])])
        message = rng.choice(["ok so {v} is the card", "card no {v} pls check"]).format(v=typed)
        return Canary("CREDIT_CARD", typed, message)

    def two_cards() -> Canary:
        first, second = next(_cards(rng)), next(_cards(rng))
        both = [(re.compile(NOT_A_FRACTION + flexible(c, NUMBER_SEPARATOR) + r"(?!\d)"), c) for c in (first, second)]
        return Canary("CREDIT_CARD", second, f"cards {_group(first, ' ')} {_group(second, ' ')} both blocked", both)

    def uncued_account() -> Canary:
        typed = digits(rng.choice([8, 11]))
        return Canary("ACCOUNT_NUMBER", typed, rng.choice(["balance on {v}?", "i pay rent by standing order every "
                                                           "month from {v}"]).format(v=typed))

    def sort_and_account() -> Canary:
        code, account = digits(6), digits(8)
        return Canary("ACCOUNT_NUMBER", account, f"s/c {code} a/c {account} thx",
                      [(re.compile(rf"{NOT_A_FRACTION}{code}(?!\d)"), code)])

    def lower_bic() -> Canary:
        bank = "".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(4))
        typed = bank + rng.choice(["gb", "de", "fr", "nl", "it"]) + rng.choice("abcdefgh") + rng.choice("123456789")
        return Canary("SWIFT_CODE", typed, rng.choice(["swift {v} pls", "the bic is {v}", "bic{v}"]).format(v=typed))

    def glued_cvc() -> Canary:
        typed = digits(3)
        return short("CARD_CVV", typed, f"exp 04/29 cvc{typed}", "cvc")

    def separated_otp() -> Canary:
        typed = f"{digits(3)}{rng.choice([' ', '-'])}{digits(3)}"
        return short("ONE_TIME_CODE", typed, f"otp {typed} didnt work", "otp")

    def worded_dob() -> Canary:
        typed = f"{rng.randint(10, 28)}-{rng.choice(['jan', 'feb', 'mar', 'sept', 'oct'])}-{rng.randint(1950, 1999)}"
        return Canary("DATE_OF_BIRTH", typed, f"dob {typed} if u need it")

    def letter_passport() -> Canary:
        typed = rng.choice("acegkmx") + digits(8)
        return Canary("PASSPORT", typed, f"Passport number {typed}")

    def lower_nino() -> Canary:
        typed = f"{rng.choice(['ab', 'ce', 'jh', 'pr'])} {digits(2)} {digits(2)} {digits(2)} {rng.choice('abcd')}"
        return Canary("UK_NINO", typed, f"my ni number is {typed}")

    def glued_phone() -> Canary:
        typed = f"07700900{digits(3)}"
        return Canary("PHONE_NUMBER", typed, f"call me on{typed} after 5")

    makers = [odd_card, two_cards, uncued_account, sort_and_account, lower_bic, glued_cvc, separated_otp, worded_dob,
              letter_passport, lower_nino, glued_phone]
    return [makers[index % len(makers)]() for index in range(count)]


def search(sinks: Dict[str, str], canaries: List[Canary]) -> List[str]:
    """Every "KIND value-hash in SINK" where a canary is found (the value itself is not repeated)."""
    lowered = {name: text.lower() for name, text in sinks.items()}
    compacted = {name: compact(text) for name, text in lowered.items()}
    hits = []
    for index, canary in enumerate(canaries):
        checks = canary.patterns()
        for name, text in lowered.items():
            if any(needle in compacted[name] and pattern.search(text) for pattern, needle in checks):
                hits.append(f"canary #{index} ({canary.kind}) in {name}")
    return hits
