"""What the simulated users type: a fixed mix for the end-to-end benchmark, conversations for the load test.

Every identifier is fake (Faker, seeded, so two runs send the same text). Each
line carries the fake values it holds, so that a run can check none of them was
stored as typed, without ever printing them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable, List, Sequence, Tuple

from faker import Faker

SEED = 7


@dataclass(frozen=True)
class Line:
    """One message as typed, and the fake identifiers in it (empty when it holds none)."""

    text: str
    values: Tuple[str, ...] = ()


def _faker(seed: int) -> Faker:
    fake = Faker(["en_GB", "en_US"])
    fake.seed_instance(seed)
    return fake


def _account(fake: Faker) -> str:
    return str(fake.numerify("########"))


def e2e_mix(count: int, seed: int = SEED) -> List[Line]:
    """``count`` messages: greetings, balance and transaction questions, budget questions; 5 in 12 overshare.

    The same ``count`` and ``seed`` give the same list, so redaction on and off are sent the same text.
    """
    fake = _faker(seed)
    lines: List[Line] = []
    while len(lines) < count:
        name, card, email = fake["en_GB"].name(), fake.credit_card_number(card_type="visa16"), fake.email()
        # 555-01xx: numbers set aside for fiction
        phone, account = f"({fake.numerify('2##')}) 555-01{fake.numerify('##')}", _account(fake)
        income = fake.random_int(18, 60) * 100
        lines.extend([
            Line("hi"),
            Line("what's my balance"),
            Line(f"hi, I'm {name}, how much is in my savings account?", (name,)),
            Line(f"I earn {income} a month, how should I budget it?"),
            Line(f"my card number is {card}, can you show me my recent transactions?", (card,)),
            Line("what is the 50/30/20 rule?"),
            Line("hello there"),
            Line(f"my email is {email} and I earn {income + 400} a month, how do I budget?", (email,)),
            Line("how much did I spend last month"),
            Line(f"call me on {phone}, what's my balance?", (phone,)),
            Line("how can I save more money?"),
            Line(f"my account number is {account}, what's the balance?", (account,)),
        ])
    return lines[:count]


Script = Callable[[Faker], List[Line]]


def _banking(fake: Faker) -> List[Line]:
    return [Line("hi"), Line("what's my balance"), Line("show me my recent transactions"),
            Line("how much did I spend last month"), Line("thanks")]


def _budget_form(fake: Faker) -> List[Line]:
    income = fake.random_int(20, 60) * 100
    rent, groceries, car = fake.random_int(6, 14) * 100, fake.random_int(15, 40) * 10, fake.random_int(10, 30) * 10
    return [Line("hello"), Line(f"I earn {income} a month, how should I budget it?"),
            Line(f"rent {rent}, groceries {groceries}, car {car}"), Line("thanks")]


def _savings_goal_form(fake: Faker) -> List[Line]:
    target = fake.random_int(20, 100) * 100
    return [Line("how can I save more money?"), Line(f"I want to save {target} for a car"),
            Line(str(fake.random_int(1, 9) * 100)), Line(f"in {fake.random_int(6, 36)} months")]


def _transfer_own_corrected(fake: Faker) -> List[Line]:
    amount = fake.random_int(10, 40) * 10
    return [Line(f"move £{amount} to my savings"), Line(f"actually make it £{amount - 50}"), Line("yes")]


def _transfer_step_by_step(fake: Faker) -> List[Line]:
    return [Line("pay my landlord"), Line(f"£{fake.random_int(5, 30) * 10}"), Line("from my current account"),
            Line("yes")]


def _overshare_then_transfer(fake: Faker) -> List[Line]:
    name, account = fake["en_GB"].name(), _account(fake)
    sort_code = str(fake.numerify("##-##-##"))
    return [Line(f"hi, I'm {name}", (name,)),
            Line(f"transfer £{fake.random_int(2, 20) * 10} to account {account} sort code {sort_code} "
                 f"from my current account", (account, sort_code)),
            Line("yes")]


def _emergency_fund_form(fake: Faker) -> List[Line]:
    return [Line("how big should my emergency fund be?"), Line(f"about {fake.random_int(10, 40) * 100}"),
            Line("yes, I'm self-employed"), Line("none yet"), Line(f"{fake.random_int(1, 8) * 100} a month")]


# Greeting and questions, three forms filled over several turns, and transfers with confirmation.
SCRIPTS: Sequence[Script] = (
    _banking, _budget_form, _transfer_own_corrected, _savings_goal_form, _transfer_step_by_step,
    _overshare_then_transfer, _emergency_fund_form,
)


class UserScript:
    """One simulated user's conversations, in an order of its own, endless."""

    def __init__(self, user: int, seed: int = SEED) -> None:
        self.fake = _faker(seed * 100_003 + user)
        self.rng = random.Random(seed * 7919 + user)
        self.next_script = user % len(SCRIPTS)  # users start on different conversations

    def conversation(self) -> List[Line]:
        """The next conversation's messages."""
        script = SCRIPTS[self.next_script]
        self.next_script = (self.next_script + 1) % len(SCRIPTS)
        return script(self.fake)
