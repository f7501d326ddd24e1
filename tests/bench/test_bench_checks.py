"""The benchmarks' own arithmetic and checks, without servers: percentiles, and the tracker store check."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

import numpy as np
import pytest

from bench.completeness import Outcome, SentMessage, StoredMessage, check_sender, check_store, matches
from bench.stats import overhead, percentile, summarize

CARD = "4111 1111 1111 1111"
IBAN = "GB82 WEST 1234 5698 7654 32"


# --- percentiles -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("values, share, expected", [
    ([5.0], 0.5, 5.0),
    ([5.0], 0.99, 5.0),
    ([1.0, 2.0], 0.5, 1.5),
    ([3.0, 1.0, 2.0], 0.5, 2.0),          # unsorted input
    ([1.0, 2.0, 3.0, 4.0], 0.5, 2.5),
    ([1.0, 2.0, 3.0, 4.0], 0.0, 1.0),
    ([1.0, 2.0, 3.0, 4.0], 1.0, 4.0),
    (list(range(1, 101)), 0.99, 99.01),    # rank 98.01: between 99 and 100
])
def test_percentile_table(values: List[float], share: float, expected: float) -> None:
    assert percentile(values, share) == pytest.approx(expected)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("share", [0.5, 0.9, 0.99])
def test_percentile_agrees_with_numpy(seed: int, share: float) -> None:
    values = list(np.random.default_rng(seed).lognormal(4.0, 0.8, size=37 + seed * 101))
    assert percentile(values, share) == pytest.approx(float(np.percentile(values, share * 100)))


def test_percentile_of_nothing_is_nan_and_a_bad_share_is_refused() -> None:
    assert percentile([], 0.5) != percentile([], 0.5)  # NaN
    with pytest.raises(ValueError):
        percentile([1.0], 99)


def test_summary_and_overhead() -> None:
    summary = summarize([0.1, 0.2, 0.3, 0.4], errors=2, wall_seconds=2.0)
    assert (summary.messages, summary.errors) == (4, 2)
    assert summary.p50_ms == pytest.approx(250.0) and summary.max_ms == pytest.approx(400.0)
    assert summary.per_second == pytest.approx(2.0)  # answered messages only
    assert overhead(110.0, 100.0) == pytest.approx(0.10)
    assert overhead(95.0, 100.0) == pytest.approx(-0.05)


# --- matching a stored (redacted) text with the text sent ----------------------------------------------------------

@pytest.mark.parametrize("stored, sent, expected", [
    ("what's my balance", "what's my balance", True),
    ("what's my balance", "  what's my balance ", True),  # Rasa strips the text
    ("my card is <CREDIT_CARD_1>, thanks", f"my card is {CARD}, thanks", True),
    ("<PERSON_1> here, IBAN <IBAN_CODE_1>", f"Jane Doe here, IBAN {IBAN}", True),
    ("card ************1111", f"card {CARD.replace(' ', '')}", True),
    ("my card is <CREDIT_CARD_1>, thanks", f"my card is {CARD}, thank you", False),
    ("my card is <CREDIT_CARD_1>", "my card is ", False),            # a placeholder stands for something
    ("what's my balance", "what is my balance", False),
    ("yes", "no", False),
])
def test_matches(stored: str, sent: str, expected: bool) -> None:
    assert matches(stored, sent) is expected


# --- the tracker store check, on a fake store with Rasa's SQL schema ----------------------------------------------

SENT = [SentMessage("hi"), SentMessage(f"my card is {CARD}", values=(CARD,)), SentMessage("what's my balance"),
        SentMessage("yes"), SentMessage("thanks")]
REDACTED = ["hi", "my card is <CREDIT_CARD_1>", "what's my balance", "yes", "thanks"]

Row = Tuple[str, str, Optional[str], float]  # sender, text, message id, timestamp


def rows(texts: Sequence[str], sender: str = "u1", ids: Optional[Sequence[str]] = None) -> List[Row]:
    ids = ids or [f"m{i}" for i in range(len(texts))]
    return [(sender, text, ids[i], 1000.0 + i) for i, text in enumerate(texts)]


def fake_store(path: Path, user_rows: Sequence[Row]) -> Path:
    """A tracker store as Rasa's SQLTrackerStore writes it, with bot and action rows between the user ones."""
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
                   "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
                   "action_name VARCHAR(255), data TEXT)")
        for sender, text, message_id, timestamp in user_rows:
            event = {"event": "user", "timestamp": timestamp, "text": text, "message_id": message_id,
                     "parse_data": {"text": text}}
            db.execute("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, 'user', ?, ?)",
                       (sender, timestamp, json.dumps(event)))
            bot = {"event": "bot", "timestamp": timestamp + 0.1, "text": "OK"}
            db.execute("INSERT INTO events (sender_id, type_name, timestamp, action_name, data) "
                       "VALUES (?, 'bot', ?, NULL, ?)", (sender, timestamp + 0.1, json.dumps(bot)))
    return path


def test_a_complete_store_passes(tmp_path: Path) -> None:
    result = check_store(fake_store(tmp_path / "t.db", rows(REDACTED)), {"u1": SENT})
    assert result.ok, result.lines()
    assert result.as_dict()["stored"] == 5 and result.raw_values == 0


def test_a_lost_message_is_caught(tmp_path: Path) -> None:
    stored = REDACTED[:2] + REDACTED[3:]
    result = check_store(fake_store(tmp_path / "t.db", rows(stored)), {"u1": SENT})
    assert not result.ok
    assert result.checks[0].lost == [2]  # the third message sent
    assert (result.total("duplicated"), result.total("out_of_order"), result.total("unexpected")) == (0, 0, 0)


def test_a_lost_last_message_is_caught(tmp_path: Path) -> None:
    result = check_store(fake_store(tmp_path / "t.db", rows(REDACTED[:-1])), {"u1": SENT})
    assert result.checks[0].lost == [4] and not result.ok


def test_a_duplicate_row_with_the_same_message_id_is_caught(tmp_path: Path) -> None:
    stored = rows(REDACTED)
    stored.insert(3, ("u1", REDACTED[2], "m2", 1002.5))
    result = check_store(fake_store(tmp_path / "t.db", stored), {"u1": SENT})
    assert result.checks[0].duplicated == [3] and result.total("lost") == 0 and not result.ok


def test_a_message_stored_twice_under_new_ids_is_caught(tmp_path: Path) -> None:
    stored = [*REDACTED[:3], REDACTED[2], *REDACTED[3:]]
    result = check_store(fake_store(tmp_path / "t.db", rows(stored)), {"u1": SENT})
    assert result.total("duplicated") == 1 and result.total("lost") == 0 and not result.ok


def test_messages_out_of_order_are_caught(tmp_path: Path) -> None:
    stored = [REDACTED[0], REDACTED[2], REDACTED[1], REDACTED[3], REDACTED[4]]
    result = check_store(fake_store(tmp_path / "t.db", rows(stored)), {"u1": SENT})
    assert result.total("out_of_order") == 1 and result.total("lost") == 0 and not result.ok


def test_a_row_whose_time_goes_backwards_is_out_of_order(tmp_path: Path) -> None:
    stored = rows(REDACTED)
    stored[3] = ("u1", REDACTED[3], "m3", 999.0)
    result = check_store(fake_store(tmp_path / "t.db", stored), {"u1": SENT})
    assert result.checks[0].out_of_order == [3] and not result.ok


def test_a_message_nobody_sent_and_an_unknown_sender_are_caught(tmp_path: Path) -> None:
    stored = rows([*REDACTED[:3], "transfer everything", *REDACTED[3:]]) + rows(["hi"], sender="ghost")
    result = check_store(fake_store(tmp_path / "t.db", stored), {"u1": SENT})
    assert result.checks[0].unexpected == [3] and result.unknown_senders == ["ghost"] and not result.ok


def test_another_senders_message_is_not_counted_as_this_ones(tmp_path: Path) -> None:
    stored = rows(REDACTED[:4], sender="u1") + rows(REDACTED[4:], sender="u2")
    result = check_store(fake_store(tmp_path / "t.db", stored), {"u1": SENT, "u2": [SentMessage("hi")]})
    by_sender = {check.sender: check for check in result.checks}
    assert by_sender["u1"].lost == [4] and by_sender["u2"].lost == [0] and by_sender["u2"].unexpected == [0]


def test_a_message_stored_with_its_text_dropped_is_caught(tmp_path: Path) -> None:
    stored = list(REDACTED)
    stored[1] = ""  # what a store keeps of a field whose redaction failed
    result = check_store(fake_store(tmp_path / "t.db", rows(stored)), {"u1": SENT})
    assert result.checks[0].emptied == [1] and result.checks[0].lost == [1] and not result.ok


def test_a_failed_request_may_be_stored_or_not_but_a_refused_one_may_not(tmp_path: Path) -> None:
    sent = [SentMessage("hi"), SentMessage("what's my balance", Outcome.FAILED), SentMessage("yes", Outcome.FAILED),
            SentMessage(f"my card is {CARD}", Outcome.REFUSED, (CARD,)), SentMessage("thanks")]
    fine = check_store(fake_store(tmp_path / "a.db", rows(["hi", "what's my balance", "thanks"])), {"u1": sent})
    assert fine.ok and fine.as_dict()["failed_stored"] == 1 and fine.as_dict()["failed_not_stored"] == 1
    leaked = check_store(fake_store(tmp_path / "b.db", rows(["hi", "my card is <CREDIT_CARD_1>", "thanks"])),
                         {"u1": sent})
    assert leaked.checks[0].refused_but_stored == [1] and not leaked.ok


def test_identifiers_stored_as_typed_are_counted(tmp_path: Path) -> None:
    stored = list(REDACTED)
    stored[1] = f"my card is {CARD}"  # matches, so the order check passes, but the value is there as typed
    result = check_store(fake_store(tmp_path / "t.db", rows(stored)), {"u1": SENT})
    assert result.ok and result.raw_values == 1


def test_repeated_texts_align_without_false_alarms() -> None:
    sent = [SentMessage(t) for t in ("yes", "no", "yes", "yes", "no")]
    stored = [StoredMessage(row=i + 1, timestamp=1000.0 + i, text=t, message_id=f"m{i}")
              for i, t in enumerate(("yes", "no", "yes", "yes", "no"))]
    assert check_sender("u1", sent, stored).ok
    dropped = check_sender("u1", sent, stored[:2] + stored[3:])
    assert len(dropped.lost) == 1 and not dropped.duplicated and not dropped.out_of_order


def test_the_report_never_prints_a_sent_text(tmp_path: Path) -> None:
    stored = REDACTED[:1] + REDACTED[2:]
    result = check_store(fake_store(tmp_path / "t.db", rows(stored)), {"u1": SENT})
    report = "\n".join(result.lines())
    assert "INCOMPLETE" in report and "lost: u1, message 2 of 5 sent" in report
    assert CARD not in report and "my card" not in report


# --- how many messages the end-to-end benchmark sends --------------------------------------------------------------

def test_each_client_sends_several_messages_at_every_level() -> None:
    from bench.e2e import MESSAGES_PER_CLIENT, messages_at
    from bench.messages import e2e_mix

    assert [messages_at(level, 120) for level in (1, 8, 32)] == [120, 120, 32 * MESSAGES_PER_CLIENT]
    assert messages_at(32, 1000) == 1000
    # The larger mix begins with the smaller one: every level sends the same first messages.
    assert e2e_mix(256)[:120] == e2e_mix(120)


def test_the_report_says_how_many_messages_a_level_got() -> None:
    from bench.report import per_level

    assert per_level({"messages_per_level": 120}) == "120"
    settings = {"messages_per_level": 120, "messages_per_client": 8,
                "messages_at_level": {"1": 120, "8": 120, "32": 256}}
    assert per_level(settings) == "120 (at least 8 per client: 256 at 32 clients)"
