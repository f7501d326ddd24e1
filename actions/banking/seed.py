"""Fake customers for the mock core bank, generated from the user id alone.

``generate_customer(user_id, today)`` is a pure function: Faker and the random
generator are seeded from a hash of the id, so the same id always gets the
same customer (given the day of first use, which anchors the ~90 days of
history), and different ids get unrelated ones. Nothing here is real: names
come from Faker, numbers are random, merchants are well-known brands.
"""

from __future__ import annotations

import calendar
import hashlib
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Dict, List, Optional, Sequence, Tuple

from faker import Faker

HISTORY_DAYS = 90
DEFAULT_DAILY_LIMIT_PENCE = 500_000  # £5,000 of payments to payees a day

# category -> (merchants, chance per day, lowest, highest amount in pounds)
CARD_SPENDING: Dict[str, Tuple[Tuple[str, ...], float, float, float]] = {
    "groceries": (("Tesco", "Sainsbury's", "Aldi", "Lidl", "Co-op", "Waitrose", "Morrisons"), 0.35, 6.0, 95.0),
    "transport": (("TfL", "Trainline", "Uber", "Shell", "BP", "National Express"), 0.45, 2.4, 38.0),
    "eating out": (("Pret A Manger", "Nando's", "Wagamama", "Costa Coffee", "Greggs", "Deliveroo"), 0.3, 3.0, 48.0),
    "shopping": (("Amazon", "Argos", "John Lewis", "Boots", "IKEA", "Primark", "Currys"), 0.15, 5.0, 160.0),
    "entertainment": (("Odeon", "Vue Cinema", "Steam", "Ticketmaster", "Waterstones"), 0.07, 7.0, 65.0),
}
ONLINE_MERCHANTS = frozenset({"Amazon", "Deliveroo", "Steam", "Ticketmaster", "Trainline"})
# (description, day of month, lowest, highest) paid by direct debit from the current account
BILLS: Tuple[Tuple[str, int, float, float], ...] = (
    ("Octopus Energy", 5, 55.0, 140.0),
    ("Thames Water", 10, 24.0, 46.0),
    ("Council Tax", 15, 110.0, 190.0),
    ("Vodafone", 20, 12.0, 45.0),
    ("BT Broadband", 22, 25.0, 45.0),
)
SUBSCRIPTIONS: Tuple[Tuple[str, int, int], ...] = (("Netflix", 8, 1099), ("Spotify", 12, 1199), ("Disney+", 17, 799))
# nickname -> whether the payee is a person (a Faker name) or a business (a Faker company)
OTHER_PAYEES: Tuple[Tuple[str, bool], ...] = (
    ("mum", True), ("dad", True), ("sister", True), ("brother", True), ("partner", True),
    ("flatmate", True), ("childminder", True), ("gym", False), ("builder", False), ("cleaner", True),
)


@dataclass(frozen=True)
class SeedCard:
    label: str
    brand: str
    last4: str


@dataclass(frozen=True)
class SeedPayee:
    name: str
    nickname: str
    last4: str


@dataclass(frozen=True)
class SeedTransaction:
    posted_at: datetime
    account_kind: str
    description: str
    category: str
    kind: str
    amount_pence: int
    card_label: Optional[str] = None
    payee_nickname: Optional[str] = None


@dataclass(frozen=True)
class CustomerSeed:
    first_name: str
    last_name: str
    accounts: Tuple[Tuple[str, str, int], ...]  # (kind, last4, balance in pence)
    cards: Tuple[SeedCard, ...]  # all on the current account
    payees: Tuple[SeedPayee, ...]
    transactions: Tuple[SeedTransaction, ...]  # oldest first


def user_key(user_id: str) -> str:
    """How the bank files a customer: a hash of the conversation's user id, never the id itself."""
    return hashlib.sha256(f"finbot-bank-customer\0{user_id}".encode()).hexdigest()


def seed_number(user_id: str) -> int:
    return int.from_bytes(hashlib.sha256(f"finbot-bank-seed\0{user_id}".encode()).digest()[:8], "big")


def _distinct_last4(rng: random.Random, taken: set) -> str:
    while True:
        candidate = f"{rng.randrange(10_000):04d}"
        if candidate not in taken:
            taken.add(candidate)
            return candidate


def _pence(rng: random.Random, low: float, high: float) -> int:
    return round(rng.uniform(low, high) * 100)


def _at(rng: random.Random, day: date, first_hour: int = 7, last_hour: int = 22) -> datetime:
    return datetime.combine(day, time(rng.randint(first_hour, last_hour), rng.randrange(60), rng.randrange(60)))


class _History:
    """Builds the transactions of one customer, day by day."""

    def __init__(self, rng: random.Random, cards: Sequence[SeedCard], employer: str, landlord: SeedPayee) -> None:
        self.rng = rng
        self.cards = cards
        self.employer = employer
        self.landlord = landlord
        self.salary = _pence(rng, 1900, 4600)
        self.rent = _pence(rng, 650, 1500) // 100 * 100
        self.saving = rng.randrange(100, 700, 50) * 100
        self.subscriptions = [s for s in SUBSCRIPTIONS if rng.random() < 0.6]
        self.rows: List[SeedTransaction] = []

    def card_for(self, merchant: str) -> str:
        virtual = [c for c in self.cards if c.label == "virtual card"]
        return virtual[0].label if virtual and merchant in ONLINE_MERCHANTS else self.cards[0].label

    def add(self, posted_at: datetime, account_kind: str, description: str, category: str, kind: str,
            amount_pence: int, card_label: Optional[str] = None, payee_nickname: Optional[str] = None) -> None:
        self.rows.append(SeedTransaction(posted_at, account_kind, description, category, kind, amount_pence,
                                         card_label, payee_nickname))

    def day(self, day: date) -> None:
        rng = self.rng
        last_day = calendar.monthrange(day.year, day.month)[1]
        if day.day == 1:
            self.add(posted_at=datetime.combine(day, time(6, 0)), account_kind="current",
                     description="Rent, standing order to landlord", category="rent", kind="standing order",
                     amount_pence=-self.rent, payee_nickname=self.landlord.nickname)
        for name, bill_day, low, high in BILLS:
            if day.day == bill_day:
                self.add(posted_at=datetime.combine(day, time(6, 30)), account_kind="current", description=name,
                         category="bills", kind="direct debit", amount_pence=-_pence(rng, low, high))
        for name, bill_day, pence in self.subscriptions:
            if day.day == bill_day:
                self.add(posted_at=_at(rng, day, 3, 5), account_kind="current", description=name,
                         category="entertainment", kind="card", amount_pence=-pence, card_label=self.card_for(name))
        for category, (merchants, chance, low, high) in CARD_SPENDING.items():
            if rng.random() < chance:
                merchant = rng.choice(merchants)
                self.add(posted_at=_at(rng, day), account_kind="current", description=merchant, category=category,
                         kind="card", amount_pence=-_pence(rng, low, high), card_label=self.card_for(merchant))
        if day.day == min(28, last_day):
            self.add(posted_at=datetime.combine(day, time(0, 5)), account_kind="current",
                     description=f"Salary, {self.employer}", category="salary", kind="credit",
                     amount_pence=self.salary)
            moved_at = datetime.combine(day, time(9, 0))
            self.add(posted_at=moved_at, account_kind="current", description="Transfer to savings account",
                     category="transfers", kind="own transfer", amount_pence=-self.saving)
            self.add(posted_at=moved_at, account_kind="savings", description="Transfer from current account",
                     category="transfers", kind="own transfer", amount_pence=self.saving)
        if day.day == last_day:
            self.add(posted_at=datetime.combine(day, time(23, 0)), account_kind="savings", description="Interest",
                     category="interest", kind="interest", amount_pence=rng.randint(150, 2500))


def generate_customer(user_id: str, today: date) -> CustomerSeed:
    """A fake customer for ``user_id``, with history for the ``HISTORY_DAYS`` days before ``today``."""
    seed = seed_number(user_id)
    rng = random.Random(seed)
    fake = Faker("en_GB")
    fake.seed_instance(seed)

    numbers: set = set()
    first_name, last_name = fake.first_name(), fake.last_name()
    brand = rng.choice(("Visa", "Mastercard"))
    cards = [SeedCard("debit card", brand, _distinct_last4(rng, numbers))]
    if rng.random() < 0.5:
        cards.append(SeedCard("virtual card", brand, _distinct_last4(rng, numbers)))
    landlord = SeedPayee(fake.name(), "landlord", _distinct_last4(rng, numbers))
    others = rng.sample(OTHER_PAYEES, rng.randint(2, 4))
    payees = [landlord] + [
        SeedPayee(fake.name() if person else fake.company(), nickname, _distinct_last4(rng, numbers))
        for nickname, person in others
    ]
    history = _History(rng, cards, fake.company(), landlord)
    for offset in range(HISTORY_DAYS, 0, -1):
        history.day(today - timedelta(days=offset))
    rows = sorted(history.rows, key=lambda row: row.posted_at)

    # Today's balances; the bank keeps no running balance, so the history need not add up to them.
    targets = {"current": _pence(rng, 350, 3800), "savings": _pence(rng, 1200, 26000)}
    accounts = tuple((kind, _distinct_last4(rng, numbers), targets[kind]) for kind in ("current", "savings"))
    return CustomerSeed(first_name, last_name, accounts, tuple(cards), tuple(payees), tuple(rows))
