"""Rasa's HTTP API is off, or on behind a token that never shows on a command line.

Without the API, nobody can read a tracker over HTTP; with it
(``finbot run --enable-api``), reading one needs the token in
``$FINBOT_RASA_API_TOKEN``.
"""

from __future__ import annotations

import secrets
import uuid
from pathlib import Path
from typing import List, Optional

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
        "rasa", "run", "--port", "5005", "--enable-api", f"--auth-token={token}"]
    assert rasa_arguments(["run", "--enable-api"], token).count("--enable-api") == 1


@pytest.mark.parametrize("token", ["-rSV7UlhhM--_TZ2zB6zOAIavLfGNGfS", "--enable-api-lookalike", "a=b=c-0123456789"])
def test_rasa_reads_any_good_token_whole_even_one_that_starts_with_a_dash(token: str) -> None:
    from rasa.__main__ import create_argument_parser

    parsed = create_argument_parser().parse_args(rasa_arguments(["run", "--port", "5005"], check_api_token(token))[1:])
    assert parsed.auth_token == token
    assert parsed.enable_api


def tracker(url: str, conversation: str, token: Optional[str] = None, scheme: str = "Token",
            query_token: Optional[str] = None) -> requests.Response:
    headers = {"Authorization": f"{scheme} {token}"} if token is not None else {}
    params = {"token": query_token} if query_token is not None else {}
    return requests.get(f"{url}/conversations/{conversation}/tracker", params=params, headers=headers, timeout=30)


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
        # Not in the query string, where it would land in access logs: even the right token is refused there.
        in_url = tracker(running.rasa_url, conversation, query_token=token)
        assert in_url.status_code == 401 and "Authorization header" in in_url.json()["message"]
        assert tracker(running.rasa_url, conversation, token=token, scheme="Bearer").status_code == 200
        answer = tracker(running.rasa_url, conversation, token=token)
        assert answer.status_code == 200
        texts = [event.get("text") or "" for event in answer.json()["events"] if event.get("event") == "user"]
        assert texts == ["my card is <CREDIT_CARD_1>"]  # and the API sees placeholders only
        # The token is on no command line (`ps` shows those to every user) and in no output or log.
        assert not [line for line in command_lines() if token in line]
        assert token not in running.read_output()
        for log in (running.var_dir / "logs").glob("*"):
            assert token not in log.read_text(errors="replace"), log.name


def test_the_patched_requires_auth_is_the_one_rasa_has() -> None:
    """The launcher replaces rasa.server.requires_auth(app, token): it must still exist with that signature."""
    import inspect

    import rasa.server

    assert list(inspect.signature(rasa.server.requires_auth).parameters) == ["app", "token"]
    source = inspect.getsource(rasa.server.requires_auth)
    assert 'request.args.get("token", None)' in source  # the query-string check the patch takes away


def test_the_token_is_taken_from_the_header_only_in_constant_time() -> None:
    import asyncio
    from types import SimpleNamespace

    from bot.rasa_launcher import header_only

    token = "t" * 24
    calls: List[str] = []

    def original(app: object, expected: object):  # what Rasa's check would do: accept a query token equal to it
        def decorator(f):
            async def checked(request, *args, **kwargs):
                if request.args.get("token") == expected:
                    return await f(request)
                return "refused by rasa"
            return checked
        return decorator

    async def handler(request: object) -> str:
        calls.append("ran")
        return "ok"

    decorated = header_only(original)(SimpleNamespace(), token)(handler)

    def request(headers: dict, args: dict) -> SimpleNamespace:
        return SimpleNamespace(headers=headers, args=args)

    assert asyncio.run(decorated(request({"Authorization": f"Token {token}"}, {}))) == "ok"
    assert asyncio.run(decorated(request({"Authorization": f"Bearer {token}"}, {}))) == "ok"
    assert asyncio.run(decorated(request({"Authorization": "Token wrong"}, {}))) == "refused by rasa"
    assert asyncio.run(decorated(request({}, {}))) == "refused by rasa"
    refused = asyncio.run(decorated(request({"Authorization": f"Token {token}"}, {"token": token})))
    assert refused.status == 401
    assert calls == ["ran", "ran"]
