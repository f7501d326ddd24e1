"""Scale-out: two Rasa servers and two action servers on PostgreSQL, Redis and RabbitMQ (deploy/README.md).

Twenty conversations run at once; each message goes to one of the two Rasa
servers, chosen at random (seeded), as a load balancer without sticky sessions
would send it. The second half of a value split over two messages always goes
to the other server, and so does a second phone number, so that what one
server left unfinished or numbered must be known to the other. Afterwards:
every conversation is in PostgreSQL once, in order, each message followed by
the bot's events; every event reached RabbitMQ once; Redis held each
conversation's lock while it was handled; and no canary is in PostgreSQL,
RabbitMQ or any log of either pair (while a planted one is found).

Then the banking app's channel, as a bank's backend uses it: a message with an
``Idempotency-Key`` whose answer was lost is retried on the other server, and
another is sent to both servers at once; each gets the first answer (the keys
live in Redis) and each message is stored once.

Each Rasa server talks to its own action server (two machines, each running a
pair); both pairs share the services, the vault and one master key.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import random
import re
import secrets
import subprocess
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Set, Tuple
from unittest import mock
from urllib.parse import urlparse

import pytest
import redis
import redis.asyncio
import sqlalchemy as sa

from bot.channels.auth import SCOPE_CHAT, deployment_key, mint
from bot.channels.idempotency_redis import KEY_PURPOSE, RedisIdempotencyStore
from bot.privacy.keys import generate_key
from bot.settings import Project
from bot.training import model_path
from tests.leaks.canaries import Canary, generate, search
from tests.services.cluster import (
    Pair,
    dump_database,
    fresh_database,
    server_env,
    start_pair,
    stop_pairs,
    wait_ready,
)
from tests.services.support import broker_config, consume, delete_queue_and_exchange, event_rows, tracker_store_config
from tests.support.servers import FINBOT, ROOT

pytestmark = [pytest.mark.services, pytest.mark.servers]

SEED = 20261207
CONVERSATIONS = 20
PLACEHOLDER = re.compile(r"<([A-Z_]+)_(\d+)>")
CANARIES = generate(seed=SEED, count=2 * CONVERSATIONS)  # every kind, split values included
PLANTED = next(c for c in generate(seed=SEED + 1, count=23) if c.kind == "CREDIT_CARD" and c.followup is None)


@dataclass(frozen=True)
class Turn:
    message: str
    server: int  # 0 or 1: which Rasa server it is sent to
    canary: Optional[Canary] = None
    role: str = ""  # "phone", "other phone", "phone again": the numbering checks


def phone(area: str, index: int) -> Canary:
    typed = f"({area}) 555-01{10 + index:02d}"
    return Canary("PHONE_NUMBER", typed, f"call me on {typed} after 5pm")


PHONES = [(phone("212", i), phone("415", i)) for i in range(CONVERSATIONS)]


def script(index: int, rng: random.Random) -> List[Turn]:
    """One conversation's turns, each with its server: random, except where the other server is the point."""
    turns: List[Turn] = [Turn("hi", rng.randrange(2))]
    first, second = PHONES[index]
    for order, canary in enumerate(CANARIES[2 * index:2 * index + 2]):
        server = rng.randrange(2)
        turns.append(Turn(canary.message, server, canary))
        if canary.followup:  # the second half on the other server: only shared state can catch it
            turns.append(Turn(canary.followup, 1 - server, canary))
        if order == 0:  # two phone numbers, one on each server: they must get two placeholders
            server = rng.randrange(2)
            turns.append(Turn(first.message, server, first, "phone"))
            turns.append(Turn(f"or on {second.value}", 1 - server, second, "other phone"))
    turns.append(Turn(f"no, {first.value} is better", rng.randrange(2), first, "phone again"))
    turns.append(Turn("thanks, bye", rng.randrange(2)))
    return turns


Answer = Tuple[int, Dict[str, str], Any]  # status, headers (names in lower case), body


@dataclass
class Retried:
    """The app channel's keyed messages: each answer as (status, headers, body), and what was stored."""

    sequential: List[Answer]  # server 1, then the same retry on server 2
    concurrent: List[Answer]  # both servers at once (each after any 409 it got)
    told_to_retry: List[str]  # the Retry-After of each 409 "still in progress"
    stored: List[str]  # the conversation's user events, as stored
    forgotten: int  # the kept answers that erasing the conversation dropped from Redis


def retry_on_the_other_server(
    pairs: List[Pair], jwt_secret: str, conversation_subject: str
) -> Tuple[List[Answer], List[Answer], List[str]]:
    """Keyed messages as a bank's backend retries them, over both servers; the answers (see Retried)."""
    token = mint(conversation_subject, jwt_secret.encode(), scopes=(SCOPE_CHAT,))
    key = f"{conversation_subject}-1"
    sequential = [pairs[0].app_say(token, "hi", key), pairs[1].app_say(token, "hi", key)]
    told: List[str] = []

    def until_answered(pair: Pair) -> Answer:
        for _ in range(60):
            status, headers, body = pair.app_say(token, "what can you do?", f"{conversation_subject}-2")
            if status != 409:
                return status, headers, body
            told.append(headers.get("retry-after", ""))
            time.sleep(float(headers.get("retry-after") or 1))
        raise AssertionError("still in progress after a minute")

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        together = list(pool.map(until_answered, pairs))
    return sequential, together, told


@dataclass
class Observed:
    senders: List[str]
    scripts: List[List[Turn]]
    replies: Dict[str, List[List[Dict[str, Any]]]]
    rows: List[Any]
    messages: List[Dict[str, Any]]
    sinks: Dict[str, str]
    locked: Set[str]
    locks_left: List[str]
    netguard: str
    database_url: str
    seconds: float
    retried: Retried


def watch_locks(client: redis.Redis, prefix: str, seen: Set[str], stop: threading.Event) -> None:
    """Record every conversation whose ticket lock shows up in Redis while the conversations run."""
    marker = f"{prefix}:lock:"
    while not stop.is_set():
        seen.update(key.decode()[len(marker):] for key in client.scan_iter(match=f"{marker}*", count=1000))
        time.sleep(0.01)


def trained_model() -> Path:
    project = Project.locate(ROOT, ROOT / "var")
    trained = model_path(project)
    if not trained.exists():  # where `make run` finds it too
        subprocess.run([str(FINBOT), "--project-dir", str(ROOT), "train"], cwd=ROOT, check=True)
    return trained


@pytest.fixture(scope="module")
def observed(
    postgres_url: str, redis_url: str, rabbitmq_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Observed]:
    hosts = {urlparse(url).hostname for url in (postgres_url, redis_url, rabbitmq_url)}
    if not hosts <= {"127.0.0.1", "localhost", "::1"}:
        pytest.fail("the servers run with outbound connections blocked: this test needs the services on loopback",
                    pytrace=False)
    model = trained_model()
    tmp = tmp_path_factory.mktemp("scale-out")
    run = uuid.uuid4().hex[:12]
    queue, exchange = f"finbot-test-events-{run}", f"finbot-test-exchange-{run}"
    prefix = f"finbotscale{run}"  # Rasa takes only letters and digits as a key prefix
    redis_parsed = urlparse(redis_url)
    redis_db = int(redis_parsed.path.lstrip("/") or 0)
    client = redis.Redis.from_url(redis_url)
    senders = [f"finbot-scale-{run}-{index}" for index in range(CONVERSATIONS)]
    rng = random.Random(SEED)
    scripts = [script(index, rng) for index in range(CONVERSATIONS)]
    pairs = [Pair("server-1", tmp / "server-1"), Pair("server-2", tmp / "server-2")]
    try:
        with fresh_database(postgres_url, f"finbot_scale_{run}") as database_url:
            endpoints = {
                "tracker_store": tracker_store_config(database_url),
                "lock_store": {"type": "redis", "url": redis_parsed.hostname, "port": redis_parsed.port or 6379,
                               "db": redis_db, "key_prefix": prefix},
                "event_broker": broker_config(rabbitmq_url, queue, exchange),
            }
            jwt_secret, vault_key = secrets.token_hex(32), generate_key()
            env = server_env(database_url, vault_key, tmp / "netguard.log", redis_url, jwt_secret)
            try:
                for pair in pairs:
                    start_pair(pair, model, endpoints, env)
                wait_ready(pairs)
                seen: Set[str] = set()
                stop = threading.Event()
                watcher = threading.Thread(target=watch_locks, args=(client, prefix, seen, stop), daemon=True)
                watcher.start()
                began = time.monotonic()

                def converse(index: int) -> List[List[Dict[str, Any]]]:
                    return [pairs[turn.server].say(senders[index], turn.message) for turn in scripts[index]]

                with concurrent.futures.ThreadPoolExecutor(max_workers=CONVERSATIONS) as pool:
                    replies = dict(zip(senders, pool.map(converse, range(CONVERSATIONS))))
                seconds = time.monotonic() - began
                stop.set()
                watcher.join()
                database = sa.create_engine(database_url, future=True)
                rows = event_rows(database, senders)
                bodies = asyncio.run(consume(rabbitmq_url, queue, len(rows)))
                # After the broker was read: the events of these messages are not counted there.
                subject = f"finbot-scale-{run}-app"
                sequential, together, told = retry_on_the_other_server(pairs, jwt_secret, subject)
                # The only signed-in conversation in this database (its id may be a pseudonym of the subject).
                with database.connect() as db:
                    users = db.execute(sa.text("SELECT sender_id, data FROM events WHERE type_name = 'user' "
                                               "AND sender_id LIKE 'app:%' ORDER BY id")).all()
                stored = [json.loads(row.data)["text"] for row in users]
                # Found under the deployment's master key, as every server finds them: what erasing the
                # conversation drops (and this run leaves nothing behind in Redis).
                with mock.patch.dict(os.environ, {"FINBOT_VAULT_KEY": vault_key}):
                    store = RedisIdempotencyStore(redis.asyncio.Redis.from_url(redis_url),
                                                  deployment_key(None, KEY_PURPOSE))
                forgotten = asyncio.run(store.forget(users[0].sender_id)) if users else 0
                retried = Retried(sequential, together, told, stored, forgotten)
                database.dispose()
            finally:
                stop_pairs(pairs)
            locks_left = [key.decode() for key in client.scan_iter(match=f"{prefix}:*")]
            messages = [json.loads(body) for body in bodies]
            sinks = {"postgresql": dump_database(database_url),
                     "rabbitmq": "\n".join(json.dumps(m, ensure_ascii=False) for m in messages)}
            for pair in pairs:
                sinks.update(pair.logs())
            netguard = tmp / "netguard.log"
            yield Observed(senders, scripts, replies, rows, messages, sinks, seen, locks_left,
                           netguard.read_text() if netguard.exists() else "", database_url, seconds, retried)
    finally:
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)
        client.close()
        delete_queue_and_exchange(rabbitmq_url, queue, exchange)


def turns_of(observed: Observed, sender: str) -> List[Tuple[Dict[str, Any], List[Dict[str, Any]]]]:
    """The sender's stored user events, each with the events that followed it up to the next one."""
    events = [json.loads(row.data) for row in observed.rows if row.sender_id == sender]
    turns: List[Tuple[Dict[str, Any], List[Dict[str, Any]]]] = []
    for event in events:
        if event["event"] == "user":
            turns.append((event, []))
        elif turns:
            turns[-1][1].append(event)
    return turns


def matches(stored: str, sent: str) -> bool:
    """Whether ``stored`` is ``sent`` with some spans replaced by placeholders (and nothing else changed)."""
    pieces = PLACEHOLDER.split(stored)[::3]  # the text between placeholders
    return re.fullmatch(".+?".join(re.escape(piece) for piece in pieces), sent, re.DOTALL) is not None


def test_each_conversation_is_stored_once_and_in_order(observed: Observed) -> None:
    for sender, turns in zip(observed.senders, observed.scripts):
        assert {turn.server for turn in turns} == {0, 1}  # every conversation crossed servers
        replies = observed.replies[sender]
        assert len(replies) == len(turns) and all(replies), f"a message of {sender} got no reply"
        stored = turns_of(observed, sender)
        assert len(stored) == len(turns), f"{sender}: {len(stored)} user events for {len(turns)} messages"
        for index, (turn, (user, after)) in enumerate(zip(turns, stored)):
            assert matches(user["text"], turn.message), f"{sender} message {index} is not where it was sent"
            assert any(e["event"] == "bot" for e in after), f"{sender} message {index} has no bot event after it"
            assert after[-1]["event"] == "action" and after[-1]["name"] == "action_listen", f"{sender} {index}"
    print(f"\n{sum(map(len, observed.scripts))} messages in {len(observed.senders)} conversations over two "
          f"servers in {observed.seconds:.1f} s; {len(observed.locked)} conversations seen locked in Redis")


def test_both_servers_number_placeholders_as_one(observed: Observed) -> None:
    for sender, turns in zip(observed.senders, observed.scripts):
        texts = {turn.role: user["text"] for turn, (user, _) in zip(turns, turns_of(observed, sender)) if turn.role}
        numbers = {role: PLACEHOLDER.findall(text) for role, text in texts.items()}
        assert all(len(found) == 1 and found[0][0] == "PHONE_NUMBER" for found in numbers.values()), texts
        assert numbers["phone"] == numbers["phone again"], f"{sender}: one phone number, two placeholders"
        assert numbers["phone"] != numbers["other phone"], f"{sender}: two phone numbers, one placeholder"


def test_every_value_became_a_placeholder(observed: Observed) -> None:
    for sender, turns in zip(observed.senders, observed.scripts):
        for turn, (user, _) in zip(turns, turns_of(observed, sender)):
            if turn.canary is not None and turn.message != "my account number is":
                assert PLACEHOLDER.search(user["text"]), f"{sender}: a {turn.canary.kind} is not a placeholder"


def test_every_stored_event_reached_the_broker_once(observed: Observed) -> None:
    key = ("sender_id", "event", "timestamp")
    stored = [json.loads(row.data) | {"sender_id": row.sender_id} for row in observed.rows]
    assert len(stored) > 4 * sum(map(len, observed.scripts))
    assert Counter(tuple(m[k] for k in key) for m in observed.messages) == Counter(
        tuple(s[k] for k in key) for s in stored)


def test_redis_held_each_conversation_while_it_was_handled(observed: Observed) -> None:
    assert len(observed.locked & set(observed.senders)) >= CONVERSATIONS // 2, observed.locked
    assert observed.locks_left == []  # every lock released


def test_no_canary_in_postgresql_rabbitmq_or_any_log(observed: Observed) -> None:
    sent = [*CANARIES, *(p for pair in PHONES for p in pair)]
    assert {"postgresql", "rabbitmq", "server-1 rasa.log", "server-2 rasa.log", "server-1 actions.log",
            "server-2 actions.log"} <= set(observed.sinks)
    hits = search(observed.sinks, sent)
    assert hits == [], f"{len(hits)} leaks: {hits[:20]}"
    assert observed.netguard == "", "the servers attempted an outbound connection"


def test_the_leak_search_finds_a_planted_canary_in_every_sink(observed: Observed) -> None:
    assert PLANTED.value not in json.dumps([c.value for c in CANARIES])
    database = sa.create_engine(observed.database_url, future=True)
    try:
        with database.begin() as db:
            db.execute(sa.text("CREATE TABLE planted (note text)"))
            db.execute(sa.text("INSERT INTO planted VALUES (:note)"), {"note": PLANTED.message})
    finally:
        database.dispose()
    sinks = {name: f"{text}\n{PLANTED.message}" for name, text in observed.sinks.items() if name != "postgresql"}
    sinks["postgresql"] = dump_database(observed.database_url)
    assert sorted(search(sinks, [PLANTED])) == sorted(f"canary #0 (CREDIT_CARD) in {name}" for name in sinks)


def test_a_keyed_retry_on_the_other_server_gets_the_first_answer_and_is_handled_once(observed: Observed) -> None:
    retried = observed.retried
    (first_status, first_headers, first), (again_status, again_headers, again) = retried.sequential
    assert first_status == again_status == 200 and first["messages"], first
    assert again == first
    assert (first_headers["idempotent-replayed"], again_headers["idempotent-replayed"]) == ("false", "true")
    # Sent to both servers at once: one handled it, the other waited for its answer (or was told, with a
    # 409 and Retry-After, to ask again shortly, and then got it).
    assert [status for status, _, _ in retried.concurrent] == [200, 200]
    assert sorted(headers["idempotent-replayed"] for _, headers, _ in retried.concurrent) == ["false", "true"]
    assert retried.concurrent[0][2] == retried.concurrent[1][2]
    assert all(value == "1" for value in retried.told_to_retry), retried.told_to_retry
    assert retried.stored == ["hi", "what can you do?"]  # each message once in the tracker store
    assert retried.forgotten == 2  # both kept answers, found under the deployment's key
