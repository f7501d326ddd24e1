"""After a load run: is every message of every user in the tracker store, in order, once?

The store is Rasa's SQL tracker store (table ``events``; a user message is a
row with ``type_name = 'user'`` whose ``data`` JSON holds ``text`` and
``message_id``). The client knows what it sent and what the server answered;
the store holds the redacted text. A stored text matches a sent one when they
are equal with each placeholder (``<PERSON_1>``) or mask (``****1234``)
standing for the non-empty text it replaced.

Per sender, the stored user messages are aligned with the sent ones (longest
common subsequence under that match). Then:

* **lost**: a message the server answered that is not stored;
* **duplicated**: a second row with a message id already stored, or a stored
  message that repeats one already matched;
* **out of order**: a stored message that matches a sent one, but not in the
  order sent; or a row whose timestamp is earlier than the row before it;
* **unexpected**: a stored message that matches nothing sent (or a sender that
  sent nothing);
* **refused but stored**: the channel refused a message (nothing of it may be
  kept) and it is stored anyway;
* **emptied**: a stored user message with an empty text (a store drops a field
  it could not redact); the message it stood for also counts as lost.

A message whose request failed (timeout, HTTP error) may or may not have been
stored: either is accepted, and counted. Reports name senders and positions,
never a message's text.
"""

from __future__ import annotations

import enum
import json
import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence, Set, Tuple

from bot.privacy.placeholders import PLACEHOLDER_PATTERN

# A placeholder, or a mask (the policy's "mask": stars, then the last 4 characters kept).
HIDDEN = re.compile(PLACEHOLDER_PATTERN.pattern + r"|\*{2,}")
MAX_PROBLEMS_SHOWN = 20


class Outcome(str, enum.Enum):
    """What the client saw of a message."""

    ANSWERED = "answered"  # HTTP 200 with the bot's reply: it must be stored
    FAILED = "failed"      # timeout or HTTP error: it may or may not be stored
    REFUSED = "refused"    # the channel refused it: it must not be stored


@dataclass(frozen=True)
class SentMessage:
    text: str
    outcome: Outcome = Outcome.ANSWERED
    values: Tuple[str, ...] = ()  # the fake identifiers typed in it


@dataclass(frozen=True)
class StoredMessage:
    row: int
    timestamp: float
    text: str
    message_id: Optional[str]


def _pattern(stored: str) -> re.Pattern[str]:
    pieces: List[str] = []
    cursor = 0
    for hidden in HIDDEN.finditer(stored):
        pieces.append(re.escape(stored[cursor:hidden.start()]))
        pieces.append(".+?")
        cursor = hidden.end()
    pieces.append(re.escape(stored[cursor:]))
    return re.compile("".join(pieces), re.DOTALL)


def matches(stored: str, sent: str) -> bool:
    """Whether ``stored`` is ``sent`` (stripped, as Rasa keeps it) with some parts hidden by placeholders or masks."""
    sent = sent.strip()
    if stored == sent:
        return True
    return bool(HIDDEN.search(stored)) and _pattern(stored).fullmatch(sent) is not None


@dataclass
class SenderCheck:
    """The findings for one sender (counts, and where: positions in the sent and stored lists)."""

    sender: str
    sent: int = 0
    answered: int = 0
    stored: int = 0
    lost: List[int] = field(default_factory=list)
    duplicated: List[int] = field(default_factory=list)
    out_of_order: List[int] = field(default_factory=list)
    unexpected: List[int] = field(default_factory=list)
    refused_but_stored: List[int] = field(default_factory=list)
    emptied: List[int] = field(default_factory=list)
    failed_stored: int = 0
    failed_not_stored: int = 0

    @property
    def ok(self) -> bool:
        return not (self.lost or self.duplicated or self.out_of_order or self.unexpected or self.refused_but_stored
                    or self.emptied)

    def problems(self) -> List[str]:
        """One line per problem: the kind, the sender, the position (never the text)."""
        lines = [f"lost: {self.sender}, message {i + 1} of {self.sent} sent" for i in self.lost]
        lines += [f"{kind}: {self.sender}, row {i + 1} of {self.stored} stored" for kind, rows in (
            ("duplicated", self.duplicated), ("out of order", self.out_of_order), ("unexpected", self.unexpected),
            ("refused but stored", self.refused_but_stored), ("emptied", self.emptied)) for i in rows]
        return lines


def _aligned(stored: Sequence[StoredMessage], sent: Sequence[SentMessage]) -> List[Tuple[int, int]]:
    """The longest in-order pairing (stored index, sent index) of matching messages."""
    m, n = len(stored), len(sent)
    same = [[matches(stored[i].text, sent[j].text) for j in range(n)] for i in range(m)]
    best = [[0] * (n + 1) for _ in range(m + 1)]
    for i in range(m - 1, -1, -1):
        for j in range(n - 1, -1, -1):
            best[i][j] = best[i + 1][j + 1] + 1 if same[i][j] else max(best[i + 1][j], best[i][j + 1])
    pairs: List[Tuple[int, int]] = []
    i = j = 0
    while i < m and j < n:
        if same[i][j] and best[i][j] == best[i + 1][j + 1] + 1:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i + 1][j] >= best[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


def check_sender(sender: str, sent: Sequence[SentMessage], stored: Sequence[StoredMessage]) -> SenderCheck:
    """Compare what one sender sent with what the store holds for it, in row order."""
    result = SenderCheck(sender, sent=len(sent), answered=sum(s.outcome is Outcome.ANSWERED for s in sent),
                         stored=len(stored))
    # A second row with a message id already stored is a duplicate, whatever its text.
    seen_ids: Set[str] = set()
    kept: List[int] = []
    for index, message in enumerate(stored):
        if not message.text.strip():
            result.emptied.append(index)
            continue
        if message.message_id and message.message_id in seen_ids:
            result.duplicated.append(index)
            continue
        if message.message_id:
            seen_ids.add(message.message_id)
        kept.append(index)
    result.out_of_order += [i for i in range(1, len(stored)) if stored[i].timestamp < stored[i - 1].timestamp]

    pairs = _aligned([stored[i] for i in kept], sent)
    paired_rows = {kept[i] for i, _ in pairs}
    paired_sent = {j for _, j in pairs}
    for i, j in pairs:
        if sent[j].outcome is Outcome.REFUSED:
            result.refused_but_stored.append(kept[i])
        elif sent[j].outcome is Outcome.FAILED:
            result.failed_stored += 1
    missing = [j for j in range(len(sent)) if j not in paired_sent and sent[j].outcome is Outcome.ANSWERED]
    result.failed_not_stored = sum(
        1 for j in range(len(sent)) if j not in paired_sent and sent[j].outcome is Outcome.FAILED)
    for row in (r for r in kept if r not in paired_rows):
        text = stored[row].text
        moved = next((j for j in missing if matches(text, sent[j].text)), None)
        if moved is not None:
            missing.remove(moved)
            result.out_of_order.append(row)
        elif any(matches(text, sent[j].text) for j in paired_sent):
            result.duplicated.append(row)
        elif any(matches(text, s.text) for s in sent if s.outcome is Outcome.REFUSED):
            result.refused_but_stored.append(row)
        elif not any(matches(text, s.text) for s in sent if s.outcome is Outcome.FAILED):
            result.unexpected.append(row)
    result.lost = missing
    result.out_of_order = sorted(set(result.out_of_order))
    return result


def read_user_messages(db: Path) -> Dict[str, List[StoredMessage]]:
    """Every stored user message, by sender, in the store's row order."""
    found: Dict[str, List[StoredMessage]] = defaultdict(list)
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        rows = connection.execute(
            "SELECT id, sender_id, timestamp, data FROM events WHERE type_name = 'user' ORDER BY id")
        for row, sender, timestamp, data in rows:
            event = json.loads(data) if data else {}
            found[sender].append(StoredMessage(int(row), float(timestamp or 0.0), str(event.get("text") or ""),
                                               event.get("message_id")))
    return dict(found)


def raw_values_stored(db: Path, sent: Mapping[str, Sequence[SentMessage]]) -> int:
    """How many of the fake identifiers each sender typed appear as typed in any of its stored events."""
    count = 0
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        for sender, messages in sent.items():
            values = {value for message in messages for value in message.values}
            if not values:
                continue
            rows = connection.execute("SELECT data FROM events WHERE sender_id = ?", (sender,)).fetchall()
            stored = "\n".join(str(data) for (data,) in rows)
            count += sum(1 for value in values if value in stored or json.dumps(value)[1:-1] in stored)
    return count


@dataclass
class Completeness:
    """The whole run's findings."""

    senders: int
    sent: int
    answered: int
    stored: int
    checks: List[SenderCheck]
    unknown_senders: List[str]
    raw_values: Optional[int] = None  # fake identifiers found as typed (None: not searched)

    def total(self, kind: str) -> int:
        return sum(len(getattr(check, kind)) for check in self.checks)

    @property
    def ok(self) -> bool:
        return not self.unknown_senders and all(check.ok for check in self.checks)

    def as_dict(self) -> Dict[str, object]:
        return {
            "ok": self.ok, "senders": self.senders, "sent": self.sent, "answered": self.answered,
            "stored": self.stored, "lost": self.total("lost"), "duplicated": self.total("duplicated"),
            "out_of_order": self.total("out_of_order"), "unexpected": self.total("unexpected"),
            "refused_but_stored": self.total("refused_but_stored"), "emptied": self.total("emptied"),
            "failed_stored": sum(c.failed_stored for c in self.checks),
            "failed_not_stored": sum(c.failed_not_stored for c in self.checks),
            "unknown_senders": len(self.unknown_senders), "raw_values_stored": self.raw_values,
        }

    def lines(self) -> List[str]:
        """A short account for the terminal: totals, then the first problems."""
        d = self.as_dict()
        lines = [
            f"tracker store: {d['stored']} user messages stored for {d['senders']} senders; "
            f"{d['sent']} sent, {d['answered']} answered",
            f"  lost {d['lost']}, duplicated {d['duplicated']}, out of order {d['out_of_order']}, "
            f"unexpected {d['unexpected']}, refused but stored {d['refused_but_stored']}, emptied {d['emptied']}, "
            f"senders never used {d['unknown_senders']}",
            f"  failed requests: {d['failed_stored']} stored anyway, {d['failed_not_stored']} not stored",
        ]
        if self.raw_values is not None:
            lines.append(f"  fake identifiers found as typed in the store: {self.raw_values}")
        problems = [line for check in self.checks for line in check.problems()]
        problems += [f"unexpected sender: {sender}" for sender in self.unknown_senders]
        lines += [f"  {line}" for line in problems[:MAX_PROBLEMS_SHOWN]]
        if len(problems) > MAX_PROBLEMS_SHOWN:
            lines.append(f"  ... and {len(problems) - MAX_PROBLEMS_SHOWN} more")
        lines.append("complete: every answered message stored once, in order" if self.ok else "INCOMPLETE")
        return lines


def check_store(db: Path, sent: Mapping[str, Sequence[SentMessage]], search_values: bool = True) -> Completeness:
    """Check the store at ``db`` against everything the run sent, by sender (a store of this run only)."""
    stored = read_user_messages(db)
    checks = [check_sender(sender, messages, stored.get(sender, [])) for sender, messages in sorted(sent.items())]
    unknown = sorted(sender for sender in stored if sender not in sent)
    return Completeness(
        senders=len(sent), sent=sum(len(m) for m in sent.values()),
        answered=sum(c.answered for c in checks), stored=sum(len(m) for m in stored.values()),
        checks=checks, unknown_senders=unknown,
        raw_values=raw_values_stored(db, sent) if search_values else None,
    )
