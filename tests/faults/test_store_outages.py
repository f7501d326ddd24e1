"""The vault or the tracker database locked or gone: a clear reply, the server stays up, nothing kept raw.

Each outage is made the way it happens: another process holding the SQLite
file in an exclusive transaction, or the file replaced by one that is not a
database. Afterwards the same conversation goes on.
"""

from __future__ import annotations

import time
import uuid

import pytest

from bot.faults import STORE_UNAVAILABLE, VAULT_UNAVAILABLE
from tests.faults.support import answers, locked, replaced, texts, tracker_rows
from tests.leaks.sinks import server_sinks
from tests.support.servers import RunningAssistant

pytestmark = pytest.mark.servers

CARD = "4111 1111 1111 1111"
OTHER_CARD = "5555 5555 5555 4444"
NAME = "Zebulon Quackenbush"
SQLITE_BUSY_SECONDS = 5.0  # how long SQLite waits for a lock before it reports "database is locked"


def assert_nowhere(assistant: RunningAssistant, *canaries: str) -> None:
    """No canary, with or without spaces, in any case, in any file under var/, the vault or the servers' output."""
    sinks = server_sinks(assistant)
    vault = assistant.var_dir.parent / "vault.db"
    sinks["vault"] = vault.read_bytes().decode("latin-1") if vault.exists() else ""
    for where, content in sinks.items():
        squeezed = content.replace(" ", "").lower()
        for canary in canaries:
            assert canary.lower() not in content.lower(), f"{canary!r} found in {where}"
            assert canary.replace(" ", "").lower() not in squeezed, f"{canary!r} found in {where}"


def test_a_locked_vault_refuses_the_message_clearly_and_keeps_nothing_of_it(faulty: RunningAssistant) -> None:
    vault = faulty.var_dir.parent / "vault.db"
    with locked(vault):
        started = time.monotonic()
        reply = faulty.say("vault-lock", f"hi, I'm {NAME} and my card is {CARD}")
        waited = time.monotonic() - started
    assert texts(reply) == [VAULT_UNAVAILABLE], reply
    assert waited < SQLITE_BUSY_SECONDS * 3, waited
    assert answers(faulty.rasa_url + "/")
    assert_nowhere(faulty, CARD, NAME)
    # Released: the same conversation goes on, and the card is hidden as usual.
    reply = faulty.say("vault-lock", f"my card is {OTHER_CARD}")
    assert VAULT_UNAVAILABLE not in texts(reply) and any("I hid the card number" in t for t in texts(reply)), reply
    assert_nowhere(faulty, CARD, NAME, OTHER_CARD)


def test_a_vault_file_replaced_by_something_else_refuses_until_it_is_back(faulty: RunningAssistant) -> None:
    vault = faulty.var_dir.parent / "vault.db"
    with replaced(vault):
        reply = faulty.say("vault-gone", f"my card is {CARD}")
        assert texts(reply) == [VAULT_UNAVAILABLE], reply
        assert answers(faulty.rasa_url + "/")
    reply = faulty.say("vault-gone", f"my card is {CARD}")
    assert any("I hid the card number" in t for t in texts(reply)), reply
    assert_nowhere(faulty, CARD)


def test_a_locked_tracker_store_refuses_the_message_and_keeps_nothing_of_it(faulty: RunningAssistant) -> None:
    marker = f"zanzibar{uuid.uuid4().hex[:10]}"  # not an identifier: only the refusal keeps it out of the store
    faulty.say("store-lock", "hello")
    before = tracker_rows(faulty, "store-lock")
    with locked(faulty.var_dir / "tracker.db"):
        started = time.monotonic()
        reply = faulty.say("store-lock", f"please remember {marker}, my card is {CARD}")
        waited = time.monotonic() - started
    assert texts(reply) == [STORE_UNAVAILABLE], reply
    assert waited < SQLITE_BUSY_SECONDS * 3, waited
    assert answers(faulty.rasa_url + "/")
    assert tracker_rows(faulty, "store-lock") == before  # not a fresh conversation, not half a turn
    assert_nowhere(faulty, marker, CARD)  # no copy anywhere, in the store's place or beside it
    # Released: the conversation goes on from where it was.
    reply = faulty.say("store-lock", "hello again")
    assert STORE_UNAVAILABLE not in texts(reply) and reply, reply
    after = tracker_rows(faulty, "store-lock")
    assert after[:len(before)] == before
    assert [e.get("text") for kind, e in after if kind == "user"] == ["hello", "hello again"]
