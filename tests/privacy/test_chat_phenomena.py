"""The whole engine on the way people type in a chat box: each class of input from issue 13, redacted.

Every value is fake (the networks' test card numbers, made-up account numbers and codes). These cases
are written by hand for the classes; the chat-style evaluation set (eval/chat_style/) measures recall.
"""

from __future__ import annotations

from typing import Iterator

import pytest

from bot.privacy import Redactor


@pytest.fixture(scope="module")
def redactor() -> Iterator[Redactor]:
    engine = Redactor(fingerprint_key=b"k" * 32)
    yield engine
    engine.close()


@pytest.mark.parametrize("typed, redacted", [
    # Digit groups with odd spacing, dots, mixed separators, a line break.
    ("card 4111  1111  1111  1111 ok", "card <CREDIT_CARD_1> ok"),
    ("4111.1111.1111.1111 pls", "<CREDIT_CARD_1> pls"),
    ("4111.1111.1111 1111", "<CREDIT_CARD_1>"),
    ("amex 3782\n822463 10005", "amex <CREDIT_CARD_1>"),
    ("4111 1111 1111 1111 5555 5555 5555 4444", "<CREDIT_CARD_1> <CREDIT_CARD_2>"),
    # Spelled digits.
    ("my card is four one one one one one one one one one one one one one one one", "my card is <CREDIT_CARD_1>"),
    # No cue, or a cue far away.
    ("Balance on 01234567890?", "Balance on <ACCOUNT_NUMBER_1>?"),
    ("i pay my rent by standing order every month from 12345678", "i pay my rent by standing order every month "
                                                                  "from <ACCOUNT_NUMBER_1>"),
    ("s/c 772445 a/c 20641247 thx", "s/c <SORT_CODE_1> a/c <ACCOUNT_NUMBER_1> thx"),
    ("is 70-04-55 a halifax one", "is <SORT_CODE_1> a halifax one"),
    # Codes in lower case or glued to their cue.
    ("swift deutdeff500", "swift <SWIFT_CODE_1>"),
    ("bicDEUTDEFF500", "bic<SWIFT_CODE_1>"),
    ("they gave me icgvdemmxxx for the transfer", "they gave me <SWIFT_CODE_1> for the transfer"),
    ("cvc902", "cvc<CARD_CVV_1>"),
    ("the code they sent me is 123 456", "the code they sent me is <ONE_TIME_CODE_1>"),
    ("otp 123-456", "otp <ONE_TIME_CODE_1>"),
    # Secrets said the way people say them.
    ("tried sunshine2! as my password", "tried <PASSWORD_1> as my password"),
    ("reset my password, old one was monkey!07", "reset my password, old one was <PASSWORD_1>"),
    ("pw letmein$$ still locked", "pw <PASSWORD_1> still locked"),
    ("first pet was called mr whiskers cheers", "first pet was called <SECURITY_ANSWER_1> cheers"),
    # Dates of birth in every written form, and beside a name and an address.
    ("dob 01-Jan-1960", "dob <DATE_OF_BIRTH_1>"),
    ("born 2ND OF MAY 1980", "born <DATE_OF_BIRTH_1>"),
    ("date of birth jan 2 70", "date of birth <DATE_OF_BIRTH_1>"),
    # IDs mixing letters and digits.
    ("Passport number A12345678", "Passport number <PASSPORT_1>"),
    ("my ni number is ab 12 34 56 c", "my ni number is <UK_NINO_1>"),
    # Names that are also words, where only a person can be meant.
    ("transfer to will pls", "transfer to <PERSON_1> pls"),
    ("add rose as a payee", "add <PERSON_1> as a payee"),
    ("this is hope from leeds", "this is <PERSON_1> from leeds"),
    # Values glued to the letters of another script.
    ("passport A12803456입니다", "passport <PASSPORT_1>입니다"),
    ("SSN 078-05-1123입니다", "SSN <US_SSN_1>입니다"),
    ("메일 dev@example.com입니다", "메일 <EMAIL_ADDRESS_1>입니다"),
    # In the shape of an identifier whose check fails (a typo): hidden whole.
    ("iban AL47 212A 1009 0000 0002 3569 8741", "iban <IBAN_CODE_1>"),
    ("ni no. aa 12 34 56 h", "ni no. <UK_NINO_1>"),
    # A mailbox at a reserved top-level domain.
    ("mail me at dev@family.test", "mail me at <EMAIL_ADDRESS_1>"),
])  # fmt: skip
def test_redacted(redactor: Redactor, typed: str, redacted: str) -> None:
    assert redactor.redact(typed, f"c-{typed}").text == redacted


def test_a_date_between_a_name_and_an_address_is_a_date_of_birth(redactor: Redactor) -> None:
    text = redactor.redact("Delia Marsh 12/1/1966 po box 596, brighton, bn8 5wp", "c-dob").text
    assert "12/1/1966" not in text and "<DATE_OF_BIRTH_1>" in text


@pytest.mark.parametrize("typed", [
    "I earn 3000 a month, how should I budget?",
    "transfer $1,250.00 on 2024-01-15 to savings",
    "is 12.5% APR on a 36 month loan good",
    "401k and W-2 and S&P 500 questions",
    "what's the code for international transfers",
    "my pin was blocked after 3 tries",
    "the password reset link expired",
    "transfer to savings pls",
    "I hope so, this is great",
    "can i pay $4,000 off my credit card 2025-01-15?",
    "What is the best password manager? Is 2FA worth it?",
    "years 2019 2020 2021 were good",
    "it is my23 card bill for 2024",
    "ATM機で500円",
    "I need to transfer money to my account from another bank",
    "How quickly can I transfer something to China?",
    "explain the 50 30 20 budget",
    "How long does a transfer to Ally take?",
])  # fmt: skip
def test_kept_as_typed(redactor: Redactor, typed: str) -> None:
    assert redactor.redact(typed, f"k-{typed}").text == typed
