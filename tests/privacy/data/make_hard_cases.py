"""Generate ``hard_cases.json``: chat-style banking messages with labelled identifiers.

Run from the repository root::

    python tests/privacy/data/make_hard_cases.py

The output is reproducible (seeded ``random`` and Faker; same pinned Faker,
same file). Every value is fake: names and addresses from Faker; card numbers
random but Luhn-valid (plus the networks' published test numbers); IBANs,
routing numbers, SSNs and BICs random with valid check digits or structure;
phone numbers from the fictional ranges (US 555-01xx, Ofcom's drama ranges);
e-mail domains reserved for examples; IPs from the documentation ranges.

The format is the pii-dev one: ``{"full_text", "spans": [{"entity_type",
"entity_value", "start_position", "end_position"}], "template_id"}``, end
exclusive; every offset is checked before the file is written. Entity types
are ours (``bot/privacy/entities.py``); ORGANIZATION, LOCATION and DATE_TIME
label things the dialogue keeps.
"""

from __future__ import annotations

import datetime
import json
import random
import string
import sys
from pathlib import Path
from typing import Callable, Dict, List, Sequence, Tuple, Union

import stdnum.bic
import stdnum.iban
import stdnum.us.rtn
import stdnum.us.ssn
from faker import Faker
from faker.providers.date_time import change_year

OUTPUT = Path(__file__).with_name("hard_cases.json")
SEED = 20240611
ROUNDS = 3  # each template is used this many times, with fresh values
# Dates of birth are drawn for ages MIN_AGE to MAX_AGE on this day (never today's date: the file must not change).
REFERENCE_DATE = datetime.date(2026, 11, 29)
MIN_AGE, MAX_AGE = 18, 85

Part = Union[str, Tuple[str, str]]  # literal text, or (entity type, value)


class Values:
    """Fake identifiers of every kind, from one seeded generator."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.us = Faker("en_US")
        self.us.seed_instance(seed)
        self.uk = Faker("en_GB")
        self.uk.seed_instance(seed + 1)

    # -- helpers
    def digits(self, count: int) -> str:
        return "".join(self.rng.choice(string.digits) for _ in range(count))

    def letters(self, count: int) -> str:
        return "".join(self.rng.choice(string.ascii_uppercase) for _ in range(count))

    def pick(self, options: Sequence[str]) -> str:
        return self.rng.choice(list(options))

    @staticmethod
    def group(value: str, sizes: Sequence[int], separator: str) -> str:
        pieces, at = [], 0
        for size in sizes:
            if at >= len(value):
                break
            pieces.append(value[at:at + size])
            at += size
        if at < len(value):
            pieces.append(value[at:])
        return separator.join(pieces)

    # -- cards
    CARD_BRANDS: Dict[str, Tuple[Tuple[str, ...], Tuple[int, ...], Tuple[int, ...]]] = {
        # brand: (prefixes, lengths, grouping for the most common length)
        "visa": (("4",), (16, 13, 19), (4, 4, 4, 4, 3)),
        "mastercard": (("51", "52", "53", "54", "55", "2221", "2501", "2720"), (16,), (4, 4, 4, 4)),
        "amex": (("34", "37"), (15,), (4, 6, 5)),
        "discover": (("6011", "644", "65"), (16, 19), (4, 4, 4, 4, 3)),
        "diners": (("36", "300", "305"), (14,), (4, 6, 4)),
        "jcb": (("3528", "3589"), (16,), (4, 4, 4, 4)),
        "maestro": (("6759", "6761", "5018", "5038", "6304"), (12, 16, 18, 19), (4, 4, 4, 4, 3)),
        "unionpay": (("62",), (16, 19), (4, 4, 4, 4, 3)),
    }
    TEST_CARDS = ("4111111111111111", "5555555555554444", "378282246310005", "6011111111111117",
                  "4000056655665556", "2223003122003222", "3056930009020004", "6200000000000005")

    @staticmethod
    def luhn_digit(body: str) -> str:
        total = 0
        for index, char in enumerate(reversed(body)):
            digit = int(char)
            if index % 2 == 0:  # doubled: the check digit will sit to the right
                digit = digit * 2 - 9 if digit > 4 else digit * 2
            total += digit
        return str((10 - total % 10) % 10)

    def card_digits(self, brand: str = "") -> str:
        brand = brand or self.pick(sorted(self.CARD_BRANDS))
        prefixes, lengths, _ = self.CARD_BRANDS[brand]
        prefix, length = self.pick(prefixes), self.rng.choice(lengths)
        body = prefix + self.digits(length - len(prefix) - 1)
        return body + self.luhn_digit(body)

    def card(self, brand: str = "") -> str:
        if not brand and self.rng.random() < 0.15:
            number = self.pick(self.TEST_CARDS)
        else:
            number = self.card_digits(brand)
        separator = self.pick([" ", " ", "-", ""])
        if len(number) == 15:
            sizes: Sequence[int] = (4, 6, 5)
        elif len(number) == 14:
            sizes = (4, 6, 4)
        else:
            sizes = (4,) * 5
        return self.group(number, sizes, separator) if separator else number

    def expiry(self) -> str:
        month, year = self.rng.randint(1, 12), self.rng.randint(26, 31)
        return self.pick([f"{month:02d}/{year}", f"{month:02d}/20{year}", f"{month:02d}-{year}"])

    def cvv(self, length: int = 3) -> str:
        return self.digits(length)

    # -- bank identifiers
    IBAN_STRUCTURES = {  # country: BBAN pieces (a: letters, n: digits, c: letters or digits)
        "GB": "4a6n8n", "DE": "18n", "FR": "5n5n11c2n", "NL": "4a10n", "IE": "4a6n8n",
        "ES": "4n4n1n1n10n", "IT": "1a5n5n12c", "CH": "5n12c", "BE": "3n7n2n", "AT": "5n11n",
    }

    def bban(self, country: str) -> str:
        structure, out, count = self.IBAN_STRUCTURES[country], [], ""
        for char in structure:
            if char.isdigit():
                count += char
                continue
            alphabet = {"a": string.ascii_uppercase, "n": string.digits,
                        "c": string.ascii_uppercase + string.digits}[char]
            out.append("".join(self.rng.choice(alphabet) for _ in range(int(count))))
            count = ""
        return "".join(out)

    def iban(self, country: str = "") -> str:
        country = country or self.pick(sorted(self.IBAN_STRUCTURES))
        for _ in range(10000):
            draft = country + "00" + self.bban(country)
            number = country + stdnum.iban.calc_check_digits(draft) + draft[4:]
            if stdnum.iban.is_valid(number):  # national checks too (ES, BE)
                break
        else:
            raise RuntimeError(f"no valid IBAN for {country}")
        style = self.rng.random()
        if style < 0.6:
            return self.group(number, (4,) * 9, " ")
        if style < 0.9:
            return number
        return number.lower()

    def routing(self) -> str:
        while True:
            prefix = f"{self.pick(['0', '1', '2', '3'])}{self.rng.randint(0, 9)}"
            if not (0 <= int(prefix) <= 12 or 21 <= int(prefix) <= 32):
                continue
            body = prefix + self.digits(6)
            weights = (3, 7, 1, 3, 7, 1, 3, 7)
            check = (10 - sum(int(d) * w for d, w in zip(body, weights)) % 10) % 10
            number = body + str(check)
            if stdnum.us.rtn.is_valid(number):
                return number

    def sort_code(self) -> str:
        code = f"{self.rng.randint(10, 99)}{self.digits(4)}"
        return self.pick([self.group(code, (2, 2, 2), "-"), self.group(code, (2, 2, 2), " "), code])

    def uk_account(self) -> str:
        return str(self.rng.randint(1, 9)) + self.digits(7)

    def us_account(self) -> str:
        return str(self.rng.randint(1, 9)) + self.digits(self.rng.randint(9, 11))

    COUNTRIES = ("GB", "US", "DE", "FR", "NL", "IE", "ES", "IT", "CH", "CA")

    def bic(self) -> str:
        while True:
            code = self.letters(4) + self.pick(self.COUNTRIES) + self.pick(string.ascii_uppercase + "23456789") \
                + self.pick(string.ascii_uppercase + string.digits)
            if self.rng.random() < 0.4:
                code += self.pick(["XXX", self.letters(1) + self.digits(2)])
            if stdnum.bic.is_valid(code):
                return code if self.rng.random() < 0.85 else code.lower()

    # -- government identifiers
    def ssn(self) -> str:
        while True:
            area = self.rng.randint(1, 899)
            if area == 666:
                continue
            number = f"{area:03d}{self.rng.randint(1, 99):02d}{self.rng.randint(1, 9999):04d}"
            if stdnum.us.ssn.is_valid(number):
                break
        separator = self.pick(["-", "-", " ", ".", ""])
        return self.group(number, (3, 2, 4), separator) if separator else number

    def itin(self) -> str:
        middle = self.pick([str(n) for n in [*range(70, 89), *range(90, 93), *range(94, 100)]])
        return f"9{self.digits(2)}-{middle}-{self.digits(4)}"

    NINO_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
    NINO_SECOND = "ABCEGHJKLMNPRSTWXYZ"

    def nino(self) -> str:
        while True:
            prefix = self.pick(self.NINO_FIRST) + self.pick(self.NINO_SECOND)
            if prefix not in {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}:
                break
        body, suffix = self.digits(6), self.pick("ABCD")
        if self.rng.random() < 0.5:
            return f"{prefix} {body[:2]} {body[2:4]} {body[4:]} {suffix}"
        value = prefix + body + suffix
        return value if self.rng.random() < 0.8 else value.lower()

    def passport(self) -> str:
        return self.pick([self.digits(9), self.letters(1) + self.digits(8)])

    def driver_license(self) -> str:
        if self.rng.random() < 0.5:  # California style
            return self.letters(1) + self.digits(7)
        surname = (self.uk.last_name().upper().replace("'", "") + "99999")[:5]
        return f"{surname}{self.digits(6)}{self.letters(2)}9{self.letters(2)}"

    # -- contact and identity
    def person(self, uk: bool = False) -> str:
        faker = self.uk if uk else self.us
        name = self.pick([f"{faker.first_name()} {faker.last_name()}", f"{faker.first_name()} {faker.last_name()}",
                          f"{faker.first_name()} {faker.first_name()[0]}. {faker.last_name()}"])
        style = self.rng.random()
        if style < 0.25:
            return name.lower()
        if style < 0.4:
            return name.upper()
        return name

    def first_name(self) -> str:
        return self.us.first_name()

    EMAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example.com", "example.co.uk")

    def email(self) -> str:
        first, last = self.us.first_name().lower(), self.us.last_name().lower()
        user = self.pick([f"{first}.{last}", f"{first[0]}{last}", f"{first}_{last}{self.digits(2)}",
                          f"{last}{self.rng.randint(1, 99)}", f"{first}+bank"])
        value = f"{user}@{self.pick(self.EMAIL_DOMAINS)}"
        return value if self.rng.random() < 0.85 else value.upper()

    def us_phone(self) -> str:
        area = self.pick(["212", "415", "312", "617", "206", "305", "512", "702"])
        line = f"01{self.digits(2)}"
        return self.pick([
            f"({area}) 555-{line}", f"{area}-555-{line}", f"{area}.555.{line}", f"+1 {area} 555 {line}",
            f"{area}555{line}", f"1-{area}-555-{line}", f"+1 ({area}) 555-{line}", f"{area} 555 {line}",
        ])

    def uk_phone(self) -> str:
        tail = f"0{self.digits(3)}"
        return self.pick([
            f"020 7946 {tail}", f"+44 20 7946 {tail}", f"0161 496 {tail}", f"+44 161 496 {tail}",
            f"0113 496{tail}", f"07700 900{self.digits(3)}", f"+44 7700 900{self.digits(3)}",
            f"(0117) 496 {tail}", f"0044 20 7946 {tail}",
        ])

    def us_address(self) -> str:
        street = self.us.street_address()
        return f"{street}, {self.us.city()}, {self.us.state_abbr()} {self.us.zipcode()}"

    def uk_address(self) -> str:
        return self.pick([
            f"{self.uk.building_number()} {self.uk.street_name()}, {self.uk.city()} {self.uk.postcode()}",
            f"Flat {self.rng.randint(1, 40)}, {self.uk.building_number()} {self.uk.street_name()}, "
            f"{self.uk.city()}, {self.uk.postcode()}",
            f"{self.uk.building_number()} {self.uk.street_name()} {self.uk.postcode().lower()}",
        ])

    def dob(self) -> str:
        # Faker's date_of_birth counts ages back from today: the same seed would give another date tomorrow.
        # The same draw, counted back from a fixed day, is the same on any day.
        start, end = change_year(REFERENCE_DATE, -(MAX_AGE + 1)), change_year(REFERENCE_DATE, -MIN_AGE)
        date = self.us.date_time_ad(start_datetime=start, end_datetime=end).date()
        date = date if date != start else date + datetime.timedelta(days=1)
        return self.pick([
            date.strftime("%m/%d/%Y"), date.strftime("%d/%m/%Y"), date.strftime("%Y-%m-%d"),
            date.strftime("%B %d, %Y").replace(" 0", " "), date.strftime("%d %b %Y").lstrip("0"),
            date.strftime("%d.%m.%Y"),
        ])

    def ip(self) -> str:
        if self.rng.random() < 0.8:
            net = self.pick(["192.0.2", "198.51.100", "203.0.113"])
            return f"{net}.{self.rng.randint(1, 254)}"
        return f"2001:db8:{self.rng.randint(1, 0xffff):x}::{self.rng.randint(1, 0xffff):x}"

    # -- secrets
    def pin(self) -> str:
        return self.digits(self.rng.choice((4, 4, 4, 6)))

    def password(self) -> str:
        word = self.pick(["Sunflower", "bluefish", "Maple", "tigerLily", "Harbor", "orangeSky", "Kestrel"])
        return word + self.pick(["!", "#", "$", "_", ""]) + self.digits(self.rng.randint(2, 4)) \
            + self.pick(["", "?", "*"])

    def otp(self) -> str:
        code = self.digits(6)
        return self.pick([code, code, f"{code[:3]} {code[3:]}", f"{code[:3]}-{code[3:]}"])

    def reference(self) -> str:
        return self.pick([f"CUS-{self.digits(4)}-{self.digits(4)}", f"REF{self.digits(8)}", self.digits(9)])


# --------------------------------------------------------------------------- templates

Template = Callable[[Values], List[Part]]


def _bank(v: Values) -> Part:
    return ("ORGANIZATION", v.pick(["Chase", "Barclays", "HSBC", "Wells Fargo", "Monzo", "Capital One"]))


def _city(v: Values) -> Part:
    return ("LOCATION", v.pick(["Chicago", "London", "Manchester", "New York", "Denver", "Leeds"]))


def _when(v: Values) -> Part:
    return ("DATE_TIME", v.pick(["next Friday", "March 3rd", "tomorrow", "on the 15th", "last Tuesday"]))


TEMPLATES: List[Template] = [
    # cards
    lambda v: ["my card number is ", ("CREDIT_CARD", v.card()), " can you check why it got declined"],
    lambda v: [("CREDIT_CARD", v.card()), " exp ", ("CARD_EXPIRY", v.expiry()), " cvv ", ("CARD_CVV", v.cvv())],
    lambda v: ["Hi, I lost my Amex ", ("CREDIT_CARD", v.card("amex")), ", please block it asap"],
    lambda v: ["card: ", ("CREDIT_CARD", v.card("maestro")), " - is this a maestro or a debit mastercard?"],
    lambda v: ["Can you refund the charge on ", ("CREDIT_CARD", v.card("visa")), "? it was $49.99 ",
               _when(v)],
    lambda v: ["pay my bill with the card ", ("CREDIT_CARD", v.card("discover")), " security code ",
               ("CARD_CVV", v.cvv()), " thanks"],
    lambda v: ["The diners club card ", ("CREDIT_CARD", v.card("diners")), " expires ",
               ("CARD_EXPIRY", v.expiry()), ", will a new one come?"],
    lambda v: ["new card came today ", ("CREDIT_CARD", v.card("mastercard")), " how do i activate it"],
    lambda v: ["MY CARD ", ("CREDIT_CARD", v.card("jcb")), " WAS CHARGED TWICE IN ", _city(v)],
    lambda v: ["unionpay card ", ("CREDIT_CARD", v.card("unionpay")), " not working abroad"],
    lambda v: ["Amex ", ("CREDIT_CARD", v.card("amex")), " with CID ", ("CARD_CVV", v.cvv(4)),
               ", add it to Apple Pay please"],
    # IBANs and account numbers
    lambda v: ["please send €2,000 to IBAN ", ("IBAN_CODE", v.iban()), " by ", _when(v)],
    lambda v: ["my iban is ", ("IBAN_CODE", v.iban("GB")), " and my name is ", ("PERSON", v.person(uk=True))],
    lambda v: ["Transfer to ", ("IBAN_CODE", v.iban("DE")), " (", ("PERSON", v.person()), ")"],
    lambda v: ["is ", ("IBAN_CODE", v.iban("FR")), " a valid french iban?"],
    lambda v: ["Beneficiary IBAN: ", ("IBAN_CODE", v.iban()), "\nBIC: ", ("SWIFT_CODE", v.bic())],
    lambda v: ["I want to receive my salary into ", ("IBAN_CODE", v.iban("NL")), " from next month"],
    lambda v: ["wire $5,000 to account ", ("ACCOUNT_NUMBER", v.us_account()), " routing ",
               ("ROUTING_NUMBER", v.routing())],
    lambda v: ["My routing number is ", ("ROUTING_NUMBER", v.routing()), " and account number ",
               ("ACCOUNT_NUMBER", v.us_account()), ", set up direct deposit"],
    lambda v: ["ABA ", ("ROUTING_NUMBER", v.routing()), " acct ", ("ACCOUNT_NUMBER", v.us_account())],
    lambda v: ["sort code ", ("SORT_CODE", v.sort_code()), " account ", ("ACCOUNT_NUMBER", v.uk_account()),
               " pls pay £50 into it"],
    lambda v: ["Can you pay ", ("PERSON", v.person(uk=True)), " - ", ("SORT_CODE", v.sort_code()), " / ",
               ("ACCOUNT_NUMBER", v.uk_account()), " - £1,200 rent"],
    lambda v: ["my account no. is ", ("ACCOUNT_NUMBER", v.uk_account()), ", sort ",
               ("SORT_CODE", v.sort_code()), ", bank is ", _bank(v)],
    lambda v: [("ACCOUNT_NUMBER", v.us_account()), " is my checking account, why is it frozen?"],
    lambda v: ["the swift code is ", ("SWIFT_CODE", v.bic()), " for my ", _bank(v), " account"],
    lambda v: ["What's the fee to send money to BIC ", ("SWIFT_CODE", v.bic()), "?"],
    # government identifiers
    lambda v: ["my ssn is ", ("US_SSN", v.ssn()), ", do you need anything else?"],
    lambda v: ["SSN ", ("US_SSN", v.ssn()), " DOB ", ("DATE_OF_BIRTH", v.dob())],
    lambda v: ["social security number: ", ("US_SSN", v.ssn()), " name ", ("PERSON", v.person())],
    lambda v: ["for the tax form my ITIN is ", ("US_ITIN", v.itin())],
    lambda v: ["NI number ", ("UK_NINO", v.nino()), ", I'm opening an ISA"],
    lambda v: ["my national insurance no is ", ("UK_NINO", v.nino()), " and I live at ",
               ("ADDRESS", v.uk_address())],
    lambda v: ["passport number ", ("PASSPORT", v.passport()), ", expires in 2031"],
    lambda v: ["I can verify with my passport ", ("PASSPORT", v.passport()), " if that helps"],
    lambda v: ["driver's license ", ("DRIVER_LICENSE", v.driver_license()), " for the car loan application"],
    lambda v: ["My driving licence number is ", ("DRIVER_LICENSE", v.driver_license())],
    # contact and identity
    lambda v: ["hi this is ", ("PERSON", v.person()), ", I can't log in"],
    lambda v: ["Name: ", ("PERSON", v.person()), "\nPhone: ", ("PHONE_NUMBER", v.us_phone()),
               "\nEmail: ", ("EMAIL_ADDRESS", v.email())],
    lambda v: ["call me back on ", ("PHONE_NUMBER", v.us_phone()), " after 5pm"],
    lambda v: ["my mobile is ", ("PHONE_NUMBER", v.uk_phone()), ", text me when the transfer lands"],
    lambda v: ["Update my number to ", ("PHONE_NUMBER", v.uk_phone()), " please"],
    lambda v: ["email me the statement at ", ("EMAIL_ADDRESS", v.email())],
    lambda v: ["I changed my email to ", ("EMAIL_ADDRESS", v.email()), " from ", ("EMAIL_ADDRESS", v.email())],
    lambda v: ["please send the card to ", ("ADDRESS", v.us_address())],
    lambda v: ["I moved to ", ("ADDRESS", v.uk_address()), " last month, update my address"],
    lambda v: ["my address is ", ("ADDRESS", v.us_address()), " and phone ", ("PHONE_NUMBER", v.us_phone())],
    lambda v: ["Add ", ("PERSON", v.person()), " as an authorised user, date of birth ",
               ("DATE_OF_BIRTH", v.dob())],
    lambda v: ["i was born on ", ("DATE_OF_BIRTH", v.dob()), " does that matter for the ISA"],
    lambda v: ["my mother ", ("PERSON", v.person()), " passed away, how do we close her account"],
    lambda v: ["send $300 to ", ("PERSON", v.person()), " on Zelle, her email is ",
               ("EMAIL_ADDRESS", v.email())],
    lambda v: ["Login alert from IP ", ("IP_ADDRESS", v.ip()), " - that wasn't me"],
    lambda v: ["I only ever log in from ", ("IP_ADDRESS", v.ip()), ", who is ", ("IP_ADDRESS", v.ip()), "?"],
    # secrets
    lambda v: ["my pin is ", ("PIN", v.pin()), " but the atm keeps rejecting it"],
    lambda v: ["I forgot whether my PIN was ", ("PIN", v.pin()), " or ", ("PIN", v.pin())],
    lambda v: ["password: ", ("PASSWORD", v.password()), " why can't i log in"],
    lambda v: ["my online banking password is ", ("PASSWORD", v.password()), ", is it strong enough?"],
    lambda v: ["the code you sent me is ", ("ONE_TIME_CODE", v.otp())],
    lambda v: ["OTP ", ("ONE_TIME_CODE", v.otp()), " didn't work, send another"],
    lambda v: ["verification code ", ("ONE_TIME_CODE", v.otp()), " for ", ("EMAIL_ADDRESS", v.email())],
    lambda v: ["my customer number is ", ("REFERENCE_NUMBER", v.reference()), ", where is my refund?"],
    # mixed, long
    lambda v: ["Hello, I'm ", ("PERSON", v.person(uk=True)), " of ", ("ADDRESS", v.uk_address()),
               ". My card ", ("CREDIT_CARD", v.card()), " was stolen in ", _city(v), " ", _when(v),
               ". Call me on ", ("PHONE_NUMBER", v.uk_phone()), "."],
    lambda v: [("PERSON", v.person()), " | ", ("EMAIL_ADDRESS", v.email()), " | ", ("US_SSN", v.ssn()),
               " | ", ("ADDRESS", v.us_address())],
    # only things the dialogue keeps
    lambda v: ["Can I move $1,200 from ", _bank(v), " to my savings ", _when(v), "?"],
    lambda v: ["Is the ", _bank(v), " branch in ", _city(v), " open ", _when(v), "?"],
    lambda v: ["what's the fee for a wire from ", _bank(v), " to ", _bank(v), ", about 3.5k"],
]


def build(parts: Sequence[Part]) -> Tuple[str, List[Dict[str, object]]]:
    """The text of ``parts`` and the spans of its labelled parts (end exclusive)."""
    pieces: List[str] = []
    spans: List[Dict[str, object]] = []
    at = 0
    for part in parts:
        if isinstance(part, str):
            pieces.append(part)
            at += len(part)
            continue
        kind, value = part
        spans.append({"entity_type": kind, "entity_value": value, "start_position": at,
                      "end_position": at + len(value)})
        pieces.append(value)
        at += len(value)
    return "".join(pieces), spans


def generate(seed: int = SEED, rounds: int = ROUNDS) -> List[Dict[str, object]]:
    """Every record, each template ``rounds`` times with fresh values; offsets verified."""
    values = Values(seed)
    records: List[Dict[str, object]] = []
    for _ in range(rounds):
        for template_id, template in enumerate(TEMPLATES):
            text, spans = build(template(values))
            for span in spans:
                start, end = span["start_position"], span["end_position"]
                assert isinstance(start, int) and isinstance(end, int)
                if text[start:end] != span["entity_value"] or not text[start:end].strip():
                    raise AssertionError(f"template {template_id}: bad span {span}")
            records.append({"full_text": text, "spans": spans, "template_id": template_id})
    return records


def render(records: List[Dict[str, object]]) -> str:
    """The file's exact contents."""
    return json.dumps(records, indent=1, ensure_ascii=False) + "\n"


def main() -> int:
    records = generate()
    OUTPUT.write_text(render(records), encoding="utf-8")
    spans = sum(len(record["spans"]) for record in records if isinstance(record["spans"], list))
    print(f"wrote {OUTPUT}: {len(records)} records, {spans} spans", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
