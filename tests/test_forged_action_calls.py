"""The attack of issue 14 replayed against a real action server with the project's actions and bank.

A hand-written call to ``action_transfer_money`` moved money, and ``action_show_balance`` showed anyone's
balances. Now only a call sealed by a Rasa server of the same deployment runs; every forgery is refused
with 401, and the bank's database is the same afterwards, row for row.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, Optional, Tuple

import pytest

from actions.signed_in import SIGN_IN
from bot.action_calls import SEAL_HEADER, CallSigner, call_key
from bot.clock import FakeClock
from tests.support.servers import ROOT, free_port

pytestmark = pytest.mark.servers

CUSTOMER = "app:forged-target-1"  # a signed-in customer's conversation


@pytest.fixture(scope="module")
def bank_actions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tuple[str, Path, CallSigner]]:
    tmp = tmp_path_factory.mktemp("forged")
    var = tmp / "var"
    signer = CallSigner(call_key(var))  # the deployment's key, as a Rasa server of it holds it
    port = free_port()
    env = dict(os.environ, FINBOT_VAR_DIR=str(var), PYTHONPATH=str(ROOT))
    env.pop("FINBOT_VAULT_KEY", None)
    out = open(tmp / "out.txt", "wb")
    process = subprocess.Popen([sys.executable, "-m", "bot.action_server", "--actions", "actions", "--port", str(port)],
                               cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while True:
        try:
            urllib.request.urlopen(url + "/health", timeout=2)
            break
        except (urllib.error.URLError, OSError):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((tmp / "out.txt").read_text()) from None
            time.sleep(0.3)
    yield url, var, signer
    process.terminate()
    process.wait(timeout=20)
    out.close()


def call(action: str, slots: Optional[Dict[str, Any]] = None, sender: str = CUSTOMER) -> bytes:
    tracker = {
        "sender_id": sender, "slots": slots or {},
        "latest_message": {"text": "yes", "intent": {"name": "affirm", "confidence": 1.0}, "entities": []},
        "events": [{"event": "user", "timestamp": 1.0, "text": "yes", "parse_data": {"text": "yes"}}],
        "paused": False, "followup_action": None, "active_loop": {}, "latest_action_name": "action_listen",
    }
    return json.dumps({"next_action": action, "sender_id": sender, "tracker": tracker, "domain": {},
                       "version": "3.6.21"}).encode()


TRANSFER = {"transfer_confirmed": True, "transfer_amount": 100, "transfer_source": "savings",
            "transfer_payee": "own:current"}


def post(url: str, body: bytes, mark: Optional[str]) -> Tuple[int, Any]:
    headers = {"Content-Type": "application/json", **({SEAL_HEADER: mark} if mark is not None else {})}
    request = urllib.request.Request(url + "/webhook", data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def bank_rows(var: Path) -> str:
    with sqlite3.connect(var / "bank.db") as connection:
        return "\n".join(connection.iterdump())


def replies(answer: Dict[str, Any]) -> str:
    return " ".join(str(response.get("text")) for response in answer.get("responses", []))


def test_forged_calls_run_nothing_and_a_sealed_one_runs(bank_actions: Tuple[str, Path, CallSigner]) -> None:
    url, var, signer = bank_actions
    balance = call("action_show_balance")
    status, answer = post(url, balance, signer(balance))
    assert status == 200 and "£" in replies(answer)  # the customer exists; a sealed call runs
    before = bank_rows(var)

    transfer = call("action_transfer_money", TRANSFER)
    replayed = signer(transfer)
    other_deployment = CallSigner(b"\x07" * 32)
    stale = CallSigner(call_key(var), clock=FakeClock(time.time() - 600))  # the server is on the system clock
    forgeries = {
        "unsealed": (transfer, None),
        "tampered body": (transfer.replace(b'"transfer_amount": 100', b'"transfer_amount": 900'), replayed),
        "stale timestamp": (transfer, stale(transfer)),
        "other deployment's key": (transfer, other_deployment(transfer)),
        "balance of anyone, unsealed": (balance, None),
    }
    assert forgeries["tampered body"][0] != transfer
    for name, (body, mark) in forgeries.items():
        status, answer = post(url, body, mark)
        assert status == 401, name
        assert "responses" not in answer and "events" not in answer, name
    assert bank_rows(var) == before

    # The genuine call runs once; the same seal sent again (a replay) does not run it a second time.
    status, answer = post(url, transfer, replayed)
    assert status == 200 and replies(answer).startswith("Done:")
    after_one = bank_rows(var)
    assert after_one != before
    status, _ = post(url, transfer, replayed)
    assert status == 401
    assert bank_rows(var) == after_one


@pytest.mark.parametrize("sender", ["forged-target-1", "APP:forged-target-1", " app:forged-target-1", "app:"])
@pytest.mark.parametrize("action", ["action_show_balance", "action_transfer_money", "validate_transfer_form",
                                    "action_change_card_status", "action_forget_me"])
def test_a_sealed_call_in_a_conversation_not_signed_in_acts_on_no_account(
    bank_actions: Tuple[str, Path, CallSigner], sender: str, action: str
) -> None:
    url, var, signer = bank_actions
    before = bank_rows(var) if (var / "bank.db").exists() else None
    body = call(action, {**TRANSFER, "erase_conversation": None}, sender=sender)
    status, answer = post(url, body, signer(body))
    assert status == 200
    assert [response["text"] for response in answer["responses"]] == [SIGN_IN]
    assert {"event": "slot", "name": "transfer_confirmed", "value": None} in answer["events"]
    assert not any(event.get("name") == "erase_conversation" for event in answer["events"])
    assert "£" not in json.dumps(answer)
    if before is not None:
        assert bank_rows(var) == before


def test_advice_still_runs_in_a_conversation_not_signed_in(bank_actions: Tuple[str, Path, CallSigner]) -> None:
    url, _, signer = bank_actions
    body = call("action_explain_privacy", sender="tokenless-visitor")
    status, answer = post(url, body, signer(body))
    assert status == 200 and answer["responses"] and SIGN_IN not in replies(answer)
