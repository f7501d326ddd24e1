"""Placeholder numbering and split values shared by several servers through one database.

Two ``Redactor`` objects stand for two server processes: each has its own
engine and its own connection pool, and they share only the database file (as
two Rasa servers share PostgreSQL). Every value is fake.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
from pathlib import Path
from typing import Any, Callable, Iterator, List, Optional, Tuple

import pytest

from bot.clock import SYSTEM_CLOCK, Clock, FakeClock
from bot.privacy import Policy, Redactor
from bot.privacy.analyzer import build_analyzer
from bot.privacy.errors import VaultError
from bot.privacy.keys import generate_key
from bot.privacy.nlp import NerOnlyNlpEngine
from bot.privacy.pending import CONTINUATION_SECONDS
from bot.privacy.placeholders import Fingerprinter
from bot.privacy.shared import SharedPlaceholderState

KEY = b"k" * 32  # both "servers" derive the same fingerprint key from the shared master key
PHONE, OTHER_PHONE = "(212) 555-0147", "(415) 555-0199"


@pytest.fixture(scope="module")
def analyzer(nlp_engine: NerOnlyNlpEngine) -> Any:
    return build_analyzer(nlp_engine=nlp_engine)


@pytest.fixture()
def servers(analyzer: Any, tmp_path: Path) -> Iterator[Callable[..., Tuple[Redactor, Redactor]]]:
    """Make two redactors ("servers"), sharing numbering in a database or, with ``shared=False``, not."""
    made: List[Redactor] = []

    def make(shared: bool = True, ttl_seconds: float = 3600.0,
             clock: Optional[Clock] = None) -> Tuple[Redactor, Redactor]:
        pair = []
        for _ in range(2):
            state = SharedPlaceholderState(f"sqlite:///{tmp_path / 'numbering.db'}", ttl_seconds,
                                           clock or SYSTEM_CLOCK) if shared else None
            # Without the default-deny net (it hides bare halves anyway): these tests are about what is carried.
            pair.append(Redactor(policy=dataclasses.replace(Policy.load(), default_deny=False), analyzer=analyzer,
                                 fingerprint_key=KEY,
                                 index=state, continuations=state))
        made.extend(pair)
        return pair[0], pair[1]

    yield make
    for redactor in made:
        redactor.close()


def test_without_a_shared_index_two_servers_give_one_placeholder_to_two_values(servers: Any) -> None:
    # The problem this module solves: each process numbers on its own.
    one, two = servers(shared=False)
    assert one.redact(f"call me on {PHONE}", "c1").text == "call me on <PHONE_NUMBER_1>"
    assert two.redact(f"or on {OTHER_PHONE}", "c1").text == "or on <PHONE_NUMBER_1>"


def test_two_servers_number_one_conversation_as_one(servers: Any) -> None:
    one, two = servers()
    assert one.redact(f"call me on {PHONE}", "c1").text == "call me on <PHONE_NUMBER_1>"
    assert two.redact(f"or on {OTHER_PHONE}", "c1").text == "or on <PHONE_NUMBER_2>"
    assert two.redact(f"no, {PHONE} is better", "c1").text == "no, <PHONE_NUMBER_1> is better"
    assert one.redact(f"{OTHER_PHONE} then", "c1").text == "<PHONE_NUMBER_2> then"
    # Numbering is per conversation and per type.
    assert two.redact(f"call me on {OTHER_PHONE}", "c2").text == "call me on <PHONE_NUMBER_1>"
    assert one.redact("my SSN is 123-45-6789", "c1").text == "my SSN is <US_SSN_1>"


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("my card number is 4111 1111", "1111 1111", ["my card number is <CREDIT_CARD_1>", "<CREDIT_CARD_2>"]),
        ("IBAN GB82 WEST 1234", "5698 7654 32", ["IBAN <IBAN_CODE_1>", "<IBAN_CODE_2>"]),
        ("my account number is", "12345678", ["my account number is", "<ACCOUNT_NUMBER_1>"]),
    ],
)
def test_a_value_split_over_two_servers_is_hidden_in_both_halves(
    servers: Any, first: str, second: str, expected: List[str]
) -> None:
    one, two = servers()
    assert [one.redact(first, "c1", carry=True).text, two.redact(second, "c1", carry=True).text] == expected


def test_a_store_on_the_other_server_knows_a_placeholder_was_a_first_half(servers: Any) -> None:
    # The tracker store or NLU step sees only the redacted message before: the partial must be shared too.
    one, two = servers()
    first = one.redact("my card number is 4111 1111", "c1", carry=True).text
    assert two.redact("1111 1111", "c1", after=first).text == "<CREDIT_CARD_2>"


def test_split_values_on_two_separate_servers_leak_the_second_half(servers: Any) -> None:
    one, two = servers(shared=False)
    one.redact("my card number is 4111 1111", "c1", carry=True)
    assert two.redact("1111 1111", "c1", carry=True).text == "1111 1111"


def test_a_pending_value_is_continued_once_and_expires(servers: Any) -> None:
    clock = FakeClock()
    one, two = servers(clock=clock)
    one.redact("my account number is", "c1", carry=True)
    clock.advance(CONTINUATION_SECONDS - 1)
    assert two.redact("12345678", "c1", carry=True).text == "<ACCOUNT_NUMBER_1>"
    assert one.redact("87654321", "c1", carry=True).text == "87654321"  # taken once, by the server that used it
    one.redact("my account number is", "c2", carry=True)
    clock.advance(CONTINUATION_SECONDS + 1)
    assert two.redact("12345678", "c2", carry=True).text == "12345678"


def test_forgetting_a_conversation_on_one_server_forgets_it_on_every_server(servers: Any) -> None:
    one, two = servers()
    one.redact(f"call me on {PHONE} or {OTHER_PHONE}", "c1")
    one.redact("my card number is 4111 1111", "c1", carry=True)
    two.forget("c1")
    assert one.redact(f"call me on {OTHER_PHONE}", "c1").text == "call me on <PHONE_NUMBER_1>"
    assert one.redact("1111 1111", "c1", carry=True).text == "1111 1111"  # nothing pending any more


def test_numbering_expires_with_the_conversation(servers: Any) -> None:
    clock = FakeClock()
    one, two = servers(ttl_seconds=3600.0, clock=clock)
    one.redact(f"call me on {PHONE}", "c1")
    clock.advance(3599)
    assert two.redact(f"or on {OTHER_PHONE}", "c1").text == "or on <PHONE_NUMBER_2>"  # still the conversation's
    clock.advance(3601)  # an hour since either number was used
    assert one.redact(f"or on {OTHER_PHONE}", "c1").text == "or on <PHONE_NUMBER_1>"


def test_concurrent_numbering_never_gives_one_number_to_two_values(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'numbering.db'}"
    states = [SharedPlaceholderState(url) for _ in range(2)]
    fingerprint = Fingerprinter(KEY)
    values = [f"value {index}" for index in range(24)]

    def number(index: int) -> Tuple[str, int]:
        state = states[index % 2]
        return values[index], state.number("c1", "PERSON", fingerprint("c1", "PERSON", values[index]))

    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        numbered = dict(pool.map(number, range(len(values))))
        again = dict(pool.map(number, range(len(values))))
    assert sorted(numbered.values()) == list(range(1, len(values) + 1))
    assert again == numbered
    for state in states:
        state.close()


def test_nothing_but_fingerprints_types_and_counts_is_stored(servers: Any, tmp_path: Path) -> None:
    one, two = servers()
    one.redact(f"call me on {PHONE}, my card number is 4111 1111", "c1", carry=True)
    two.redact("my SSN is 123-45-6789", "c1")
    stored = (tmp_path / "numbering.db").read_bytes().decode("latin-1")
    for value in ("555-0147", "5550147", "4111 1111", "41111111", "123-45-6789", "123456789"):
        assert value not in stored


def test_an_unreachable_database_is_a_vault_error_without_the_url_password() -> None:
    state = SharedPlaceholderState("postgresql://someone:s3cret-pw@127.0.0.1:9/none?connect_timeout=2")
    with pytest.raises(VaultError) as raised:
        state.number("c1", "PERSON", "fingerprint")
    assert "unavailable" in str(raised.value) and "s3cret" not in str(raised.value)


def test_a_project_with_a_vault_url_numbers_in_the_vault_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FINBOT_VAULT_KEY", generate_key())
    (tmp_path / "var").mkdir()
    monkeypatch.setenv("FINBOT_VAULT_URL", f"sqlite:///{tmp_path / 'vault.db'}")
    redactor = Redactor.for_project(tmp_path / "var")
    try:
        assert isinstance(redactor.index, SharedPlaceholderState)
        assert redactor.continuations is redactor.index
    finally:
        redactor.close()
    monkeypatch.delenv("FINBOT_VAULT_URL")
    redactor = Redactor.for_project(tmp_path / "var")
    try:
        assert not isinstance(redactor.index, SharedPlaceholderState)
    finally:
        redactor.close()
