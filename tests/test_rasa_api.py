"""Rasa's HTTP API is off, or on behind a token that never shows on a command line.

Without the API, nobody can read a tracker over HTTP; with it
(``finbot run --enable-api``), reading one needs the token in
``$FINBOT_RASA_API_TOKEN``.
"""

from __future__ import annotations

import secrets
import uuid
from pathlib import Path
from typing import List

import pytest
import requests

from bot.rasa_launcher import API_TOKEN_ENV, ApiTokenError, check_api_token, rasa_arguments
from tests.support.servers import RunningAssistant, run_assistant

CARD = "4111 1111 1111 1111"


@pytest.mark.parametrize("token", [None, "", "short", "has a space in it ok", "x" * 15, "tab\there-xxxxxxxxxxxx"])
def test_a_missing_or_weak_token_is_refused(token: str) -> None:
    with pytest.raises(ApiTokenError) as refused:
        check_api_token(token)
    assert API_TOKEN_ENV in str(refused.value)


def test_a_good_token_goes_to_rasa_as_its_auth_token() -> None:
    token = secrets.token_hex(16)
    assert check_api_token(token) == token
    assert rasa_arguments(["run", "--port", "5005"], token) == [
        "rasa", "run", "--port", "5005", "--enable-api", "--auth-token", token]
    assert rasa_arguments(["run", "--enable-api"], token).count("--enable-api") == 1


def tracker(url: str, conversation: str, **params: str) -> requests.Response:
    return requests.get(f"{url}/conversations/{conversation}/tracker", params=params, timeout=30)


@pytest.mark.servers
def test_without_enable_api_there_is_no_tracker_endpoint(assistant: RunningAssistant) -> None:
    conversation = f"api-off-{uuid.uuid4().hex[:8]}"
    assistant.say(conversation, "hello")
    assert tracker(assistant.rasa_url, conversation).status_code == 404
    assert requests.get(assistant.rasa_url + "/status", timeout=30).status_code == 404


def command_lines() -> List[str]:
    lines = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            lines.append(cmdline.read_bytes().replace(b"\0", b" ").decode("utf-8", "replace"))
        except OSError:
            continue
    return lines


@pytest.mark.servers
def test_with_enable_api_a_tracker_needs_the_token(tmp_path: Path) -> None:
    token = secrets.token_urlsafe(24)
    with run_assistant(tmp_path, extra_env={API_TOKEN_ENV: token}, run_args=["--enable-api"]) as running:
        conversation = f"api-on-{uuid.uuid4().hex[:8]}"
        running.say(conversation, f"my card is {CARD}")
        assert "Rasa HTTP API" in running.read_output()
        # Nobody without the token reads another person's tracker.
        assert tracker(running.rasa_url, conversation).status_code in (401, 403)
        assert tracker(running.rasa_url, conversation, token="wrong-" + token).status_code in (401, 403)
        assert requests.get(f"{running.rasa_url}/conversations/{conversation}/tracker",
                            headers={"Authorization": f"Bearer {token}"}, timeout=30).status_code in (401, 403)
        answer = tracker(running.rasa_url, conversation, token=token)
        assert answer.status_code == 200
        texts = [event.get("text") or "" for event in answer.json()["events"] if event.get("event") == "user"]
        assert texts == ["my card is <CREDIT_CARD_1>"]  # and the API sees placeholders only
        # The token is on no command line (`ps` shows those to every user) and in no output or log.
        assert not [line for line in command_lines() if token in line]
        assert token not in running.read_output()
        for log in (running.var_dir / "logs").glob("*"):
            assert token not in log.read_text(errors="replace"), log.name
