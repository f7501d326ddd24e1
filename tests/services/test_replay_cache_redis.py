"""The action servers' replay cache in Redis: a sealed call runs once across every action server of a deployment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from typing import Any, Iterator, List, Tuple
from urllib.parse import urlparse

import pytest
import redis

from bot.action_calls import SEAL_HEADER, CallSigner, RedisReplayCache, ReplayCacheUnavailable, call_key
from bot.privacy.keys import generate_key
from tests.support.servers import ROOT, free_port

pytestmark = pytest.mark.services


def test_a_nonce_is_taken_once_across_caches_and_has_an_expiry(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    prefix = f"finbot-test-nonce-{uuid.uuid4().hex[:8]}:"
    first, second = RedisReplayCache(client, prefix), RedisReplayCache(redis.Redis.from_url(redis_url), prefix)
    assert first.first_use("n1", 30)
    assert not second.first_use("n1", 30)  # another action server of the deployment
    assert 0 < client.pttl(prefix + "n1") <= 30_000  # Redis forgets it when no seal could still be fresh
    client.delete(prefix + "n1")


def test_an_unreachable_redis_refuses() -> None:
    cache = RedisReplayCache(redis.Redis(host="127.0.0.1", port=free_port(), socket_connect_timeout=1))
    with pytest.raises(ReplayCacheUnavailable):
        cache.first_use("n1", 30)


@pytest.fixture(scope="module")
def two_action_servers(
    redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Tuple[List[str], CallSigner]]:
    tmp = tmp_path_factory.mktemp("replay")
    parsed = urlparse(redis_url)
    env = dict(os.environ, PYTHONPATH=str(ROOT), FINBOT_VAULT_KEY=generate_key(), FINBOT_VAR_DIR=str(tmp / "var"),
               FINBOT_REDIS_HOST=parsed.hostname or "127.0.0.1", FINBOT_REDIS_PORT=str(parsed.port or 6379),
               FINBOT_REDIS_DB=parsed.path.lstrip("/") or "0")
    urls, processes = [], []
    for index in range(2):
        port = free_port()
        out = open(tmp / f"out-{index}.txt", "wb")
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "bot.action_server", "--actions", "tests.support.echo_actions", "--port", str(port)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT))
        out.close()
        urls.append(f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 120
    for index, url in enumerate(urls):
        while True:
            try:
                urllib.request.urlopen(url + "/health", timeout=2)
                break
            except (urllib.error.URLError, OSError):
                if processes[index].poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((tmp / f"out-{index}.txt").read_text()) from None
                time.sleep(0.3)
    os.environ["FINBOT_VAULT_KEY"], saved = env["FINBOT_VAULT_KEY"], os.environ.get("FINBOT_VAULT_KEY")
    try:
        signer = CallSigner(call_key())
    finally:
        if saved is None:
            os.environ.pop("FINBOT_VAULT_KEY")
        else:
            os.environ["FINBOT_VAULT_KEY"] = saved
    yield urls, signer
    for process in processes:
        process.terminate()
        process.wait(timeout=20)


def post(url: str, body: bytes, mark: str) -> Tuple[int, Any]:
    request = urllib.request.Request(url + "/webhook", data=body,
                                     headers={"Content-Type": "application/json", SEAL_HEADER: mark})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_sealed_call_replayed_on_another_action_server_is_refused(
    two_action_servers: Tuple[List[str], CallSigner]
) -> None:
    (first, second), signer = two_action_servers
    body = json.dumps({"next_action": "action_echo", "sender_id": "c1", "version": "3.6.21", "domain": {},
                       "tracker": {"sender_id": "c1", "events": [], "slots": {}, "latest_message": {"text": "hi"},
                                   "active_loop": {}, "paused": False, "followup_action": None}}).encode()
    mark = signer(body)
    assert post(first, body, mark)[0] == 200
    status, answer = post(second, body, mark)
    assert status == 401 and "used before" in answer["error"]
    fresh = signer(body)
    assert post(second, body, fresh)[0] == 200  # a new seal runs anywhere
