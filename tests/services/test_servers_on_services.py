"""The real servers (``finbot run``) on PostgreSQL and RabbitMQ: canaries in over REST, none in either store.

``finbot run`` reads ``endpoints.yml`` from its project folder, so the servers
run on a project folder of this test (``FINBOT_PROJECT_DIR``): links to this
project's config, domain, training data and credentials, an endpoints file
naming the PostgreSQL tracker store and the RabbitMQ broker, and a copy of the
trained model (trained first, as ``make run`` would, when the inputs changed).
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import re
import shutil
import subprocess
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List
from urllib.parse import urlparse

import pytest
import sqlalchemy as sa
import yaml

from bot.settings import Project
from bot.training import inputs_hash, model_path
from tests.leaks.canaries import generate, search
from tests.services.support import (
    broker_config,
    consume,
    delete_event_rows,
    delete_queue_and_exchange,
    dump_rows,
    event_rows,
    tracker_store_config,
)
from tests.support.servers import FINBOT, ROOT, RunningAssistant, run_assistant

pytestmark = [pytest.mark.services, pytest.mark.servers]

CANARIES = generate(seed=20261203, count=23)  # one of every kind and format, values split over two messages too
PLACEHOLDER = re.compile(r"<([A-Z_]+)_\d+>")
PROJECT_LINKS = ("config.yml", "domain", "data", "credentials.yml")


def on_loopback(url: str) -> bool:
    host = urlparse(url).hostname or ""
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def services_project(folder: Path, endpoints: Dict[str, Any]) -> Path:
    """A project folder like this one but for its endpoints file, with a copy of the current model."""
    folder.mkdir()
    for name in PROJECT_LINKS:
        (folder / name).symlink_to(ROOT / name)
    (folder / "endpoints.yml").write_text(yaml.safe_dump(endpoints, sort_keys=False))
    main = Project.locate(ROOT, folder / "unused-var")
    # Same inputs, same relative paths, same hash: `finbot run` takes a copy of the model instead of training.
    assert inputs_hash(Project(root=folder.resolve(), var=folder / "var")) == inputs_hash(main)
    trained = model_path(main)
    if not trained.exists():  # trained where `make run` would find it too, not thrown away with this folder
        subprocess.run([str(FINBOT), "--project-dir", str(ROOT), "train"], cwd=ROOT, check=True)
    models = folder / "models"
    models.mkdir()
    shutil.copy2(trained, models / trained.name)
    return folder


@dataclass
class Observed:
    """What one conversation per sender left behind: the replies, the PostgreSQL rows, the RabbitMQ messages."""

    assistant: RunningAssistant
    replies: List[str]
    rows: List[Any]
    messages: List[Dict[str, Any]]


@pytest.fixture(scope="module")
def observed(
    postgres_url: str, rabbitmq_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Observed]:
    if not (on_loopback(postgres_url) and on_loopback(rabbitmq_url)):
        pytest.fail("the servers run with outbound connections blocked (tests/support/netguard.py): "
                    "this test needs PostgreSQL and RabbitMQ on loopback", pytrace=False)
    tmp = tmp_path_factory.mktemp("servers-on-services")
    run = uuid.uuid4().hex
    queue, exchange = f"finbot-test-events-{run}", f"finbot-test-exchange-{run}"
    senders = [f"finbot-services-{run}-{index}" for index in range(3)]
    endpoints = {
        "action_endpoint": {"url": "http://localhost:5055/webhook"},  # `finbot run` puts its own port here
        "tracker_store": tracker_store_config(postgres_url),
        "lock_store": {"type": "in_memory"},
        "event_broker": broker_config(rabbitmq_url, queue, exchange),
    }
    project = services_project(tmp / "project", endpoints)
    database = sa.create_engine(postgres_url, future=True)
    env = {"FINBOT_PROJECT_DIR": str(project), "FINBOT_MODELS_DIR": str(project / "models")}
    try:
        with run_assistant(tmp, extra_env=env) as assistant:
            replies = []
            for index, canary in enumerate(CANARIES):
                for message in canary.messages:
                    reply = assistant.say(senders[index % len(senders)], message)
                    replies.append(" ".join(part.get("text", "") for part in reply))
            rows = event_rows(database, senders)
            # Every event the tracker store saved is published; the last ones may still be on their way.
            bodies = asyncio.run(consume(rabbitmq_url, queue, len(rows)))
            yield Observed(assistant, replies, rows, [json.loads(body) for body in bodies])
    finally:
        delete_event_rows(database, senders)
        database.dispose()
        delete_queue_and_exchange(rabbitmq_url, queue, exchange)


def test_neither_postgresql_nor_rabbitmq_holds_any_canary(observed: Observed) -> None:
    rabbitmq = "\n".join(json.dumps(message, ensure_ascii=False) for message in observed.messages)
    hits = search({"postgresql": dump_rows(observed.rows), "rabbitmq": rabbitmq}, CANARIES)
    assert hits == [], f"{len(hits)} leaks: {hits[:20]}"
    netguard = observed.assistant.netguard_log
    assert not netguard.exists() or netguard.read_text() == "", "the servers attempted an outbound connection"


def test_every_stored_event_was_published_once(observed: Observed) -> None:
    stored = [json.loads(row.data) | {"sender_id": row.sender_id} for row in observed.rows]
    key = ("sender_id", "event", "timestamp")
    assert len(stored) > 4 * len(CANARIES)  # a user turn is at least listen, user, action, bot
    assert Counter(tuple(m[k] for k in key) for m in observed.messages) == Counter(
        tuple(s[k] for k in key) for s in stored
    )


def test_both_hold_placeholders_where_the_values_were(observed: Observed) -> None:
    # Each message with a value in it; "my account number is" alone has none until its follow-up.
    with_value = [m for c in CANARIES for m in c.messages if m != "my account number is"]
    assert len(observed.replies) == sum(len(c.messages) for c in CANARIES)
    for name, events in (("postgresql", [json.loads(row.data) for row in observed.rows]),
                         ("rabbitmq", observed.messages)):
        texts = [e["text"] or "" for e in events if e["event"] == "user"]
        assert len(texts) == len(observed.replies), name
        assert sum(bool(PLACEHOLDER.search(text)) for text in texts) == len(with_value), name
        found_types = {m.group(1) for text in texts for m in PLACEHOLDER.finditer(text)}
        assert {"CREDIT_CARD", "IBAN_CODE", "US_SSN", "PHONE_NUMBER", "EMAIL_ADDRESS", "PERSON"} <= found_types, name
