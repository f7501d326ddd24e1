"""The hardened action server: actions get placeholders only; errors never echo the request."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zlib
from dataclasses import replace
from pathlib import Path
from typing import Any, Dict, Iterator, Optional, Tuple

import pytest

from bot.action_calls import SEAL_HEADER, CallSigner, call_key
from bot.action_server import MAX_BODY_BYTES, inflate
from bot.clock import FakeClock
from bot.privacy.policy import Action, EntityRule, Policy
from tests.support.servers import ROOT, free_port

CARD = "4111 1111 1111 1111"


@pytest.fixture(scope="module")
def action_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("actions")
    SIGNERS[tmp] = CallSigner(call_key(tmp / "var"))  # creates the deployment's master key the server reads
    port = free_port()
    env = dict(os.environ, FINBOT_VAR_DIR=str(tmp / "var"), PYTHONPATH=str(ROOT),
               FINBOT_RECORD_ACTION_CALLS=str(tmp / "calls.jsonl"))
    log = tmp / "actions.log"
    command = [sys.executable, "-m", "bot.action_server", "--actions", "tests.support.echo_actions",
               "--port", str(port), "--log-file", str(log), "--debug"]
    out = open(tmp / "out.txt", "wb")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(url + "/health", timeout=2)
            break
        except (urllib.error.URLError, OSError):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((tmp / "out.txt").read_text()) from None
            time.sleep(0.3)
    yield url, tmp
    process.terminate()
    process.wait(timeout=20)
    out.close()


SIGNERS: Dict[Path, CallSigner] = {}


def seal_for(url: str, body: bytes, policy: Optional[str] = None) -> str:
    """A valid seal of the deployment whose action server listens at ``url`` (one per module here)."""
    [signer] = SIGNERS.values()
    return signer(body, policy)


def post(url: str, body: bytes, headers: Optional[Dict[str, str]] = None, sealed: bool = True) -> Tuple[int, Any]:
    headers = {"Content-Type": "application/json", **(headers or {})}
    if sealed:
        headers[SEAL_HEADER] = seal_for(url, body)
    request = urllib.request.Request(url + "/webhook", data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def call(action: str, text: str) -> bytes:
    tracker = {
        "sender_id": "c1",
        "slots": {"payee": "Zebulon Quackenbush", "card": CARD},
        "latest_message": {"text": text, "intent": {"name": "inform", "confidence": 1.0}, "entities": []},
        "events": [{"event": "user", "timestamp": 1.0, "text": text, "parse_data": {"text": text}}],
        "paused": False, "followup_action": None, "active_loop": {}, "latest_action_name": "action_listen",
    }
    return json.dumps({"next_action": action, "sender_id": "c1", "tracker": tracker, "domain": {},
                       "version": "3.6.21"}).encode()


def test_actions_see_placeholders_only(action_server: Tuple[str, Path]) -> None:
    url, _ = action_server
    status, result = post(url, call("action_echo", f"my card is {CARD}"))
    assert status == 200
    seen = result["responses"][0]["text"]
    assert CARD not in seen and CARD.replace(" ", "") not in seen and "Quackenbush" not in seen
    assert json.loads(seen)["text"] == "my card is <CREDIT_CARD_1>"


def test_errors_do_not_echo_the_request(action_server: Tuple[str, Path]) -> None:
    url, tmp = action_server
    status, body = post(url, call("action_fail", f"my card is {CARD}"))
    assert status == 500
    assert body == {"error": "the action server could not handle this request"}
    logs = (tmp / "out.txt").read_text() + (tmp / "actions.log").read_text()
    assert CARD not in logs and CARD.replace(" ", "") not in logs


@pytest.mark.parametrize("body", [b"", b"{nope", b"[1,2]", b"\xff\xfe"])
def test_bad_bodies_get_a_clear_error(action_server: Tuple[str, Path], body: bytes) -> None:
    status, answer = post(action_server[0], body)
    assert status == 400 and "JSON object" in answer["error"]


def post_deflated(url: str, body: bytes) -> Tuple[int, Any]:
    # The seal covers the body as it was before it was deflated.
    return post(url, zlib.compress(body), {"Content-Encoding": "deflate", SEAL_HEADER: seal_for(url, body)}, False)


def test_a_deflated_call_is_run_and_a_deflate_bomb_is_refused(action_server: Tuple[str, Path]) -> None:
    url, _ = action_server
    status, result = post_deflated(url, call("action_echo", f"my card is {CARD}"))
    assert status == 200 and json.loads(result["responses"][0]["text"])["text"] == "my card is <CREDIT_CARD_1>"
    bomb = b'{"next_action": "action_echo", "pad": "' + b"0" * (64 * 1024 * 1024) + b'"}'
    status, answer = post_deflated(url, bomb)  # about 64 KB on the wire
    assert status == 400 and "at most 8 MB" in answer["error"]
    status, _ = post(url, call("action_echo", "still here"))
    assert status == 200


@pytest.mark.parametrize("size", [0, 10, MAX_BODY_BYTES])
def test_inflate_gives_back_what_was_deflated_up_to_the_limit(size: int) -> None:
    body = b"x" * size
    assert inflate(zlib.compress(body), MAX_BODY_BYTES) == body


def test_inflate_refuses_a_body_over_the_limit_without_making_it() -> None:
    with pytest.raises(ValueError, match="over the size limit"):
        inflate(zlib.compress(b"x" * (MAX_BODY_BYTES + 1)), MAX_BODY_BYTES)
    with pytest.raises(ValueError, match="over the size limit"):
        inflate(zlib.compress(b"x" * 101), 100)
    assert inflate(zlib.compress(b"x" * 100), 100) == b"x" * 100


def test_inflate_refuses_a_truncated_body() -> None:
    whole = zlib.compress(b'{"next_action": "action_echo"}' * 50)
    with pytest.raises(zlib.error):
        inflate(whole[:-4], MAX_BODY_BYTES)  # no checksum at the end


def test_unknown_action_is_404(action_server: Tuple[str, Path]) -> None:
    status, answer = post(action_server[0], call("action_missing", "hi"))
    assert status == 404 and answer["action_name"] == "action_missing"


def test_a_call_sealed_as_scrubbed_under_this_servers_policy_is_used_as_it_was_sent(
    action_server: Tuple[str, Path]
) -> None:
    # The Rasa server scrubbed it already (bot.action_calls): the action server does not do it again.
    url, _ = action_server
    body = call("action_echo", f"my card is {CARD}")
    status, result = post(url, body, {SEAL_HEADER: seal_for(url, body, Policy.load().fingerprint)}, sealed=False)
    assert status == 200 and json.loads(result["responses"][0]["text"])["text"] == f"my card is {CARD}"


def test_a_call_sealed_as_scrubbed_under_another_policy_is_scrubbed_here(action_server: Tuple[str, Path]) -> None:
    url, _ = action_server
    policy = Policy.load()
    # A Rasa server whose policy keeps card numbers as typed: the action server does not take its word.
    looser = replace(policy, rules={**policy.rules, "CREDIT_CARD": EntityRule(1.0, Action.KEEP)})
    body = call("action_echo", f"my card is {CARD}")
    status, result = post(url, body, {SEAL_HEADER: seal_for(url, body, looser.fingerprint)}, sealed=False)
    assert status == 200 and json.loads(result["responses"][0]["text"])["text"] == "my card is <CREDIT_CARD_1>"


def ran(tmp: Path) -> int:
    """How many calls reached the action code so far (the server records each, scrubbed)."""
    record = tmp / "calls.jsonl"
    return len(record.read_text().splitlines()) if record.exists() else 0


@pytest.mark.parametrize("forged", ["no seal", "another body", "another key", "stale", "replayed", "not ascii"])
def test_a_call_without_a_valid_seal_is_refused_and_nothing_runs(action_server: Tuple[str, Path], forged: str) -> None:
    url, tmp = action_server
    body = call("action_echo", f"my card is {CARD}")
    before = ran(tmp)
    stale = CallSigner(call_key(tmp / "var"), clock=FakeClock(time.time() - 3600))  # the server is on the system's
    if forged == "replayed":
        mark = seal_for(url, body)
        assert post(url, body, {SEAL_HEADER: mark}, sealed=False)[0] == 200
        before = ran(tmp)
    else:
        mark = {"no seal": "", "another body": seal_for(url, body + b" "), "another key": CallSigner(b"k" * 32)(body),
                "stale": stale(body), "not ascii": "v1;k=\u00e9"}[forged]
    status, answer = post(url, body, {SEAL_HEADER: mark}, sealed=False)
    assert status == 401 and answer["error"].startswith("not authenticated")
    assert CARD not in json.dumps(answer)
    assert ran(tmp) == before


def test_a_refused_call_is_refused_before_its_body_is_read(action_server: Tuple[str, Path]) -> None:
    # Unsealed garbage is refused as unauthenticated; only a sealed body is looked at.
    url, _ = action_server
    assert post(url, b"{nope", sealed=False)[0] == 401
