"""The app channel's OpenAPI document against the real server: schemathesis, and every documented status.

Schemathesis generates requests from the document served at
``/webhooks/app/openapi.json`` (valid and invalid ones, with and without the
token) and checks each response against it: status documented, body and
headers matching their schemas, no 5xx.
"""

from __future__ import annotations

import concurrent.futures
import json
import time
from typing import Any, Callable, Dict, Iterator, List, Set, Tuple

import pytest
import requests
import schemathesis
from schemathesis import GenerationMode

from bot.channels.app import openapi_document
from bot.channels.auth import SCOPE_CHAT, SCOPE_PRIVACY_READ, local_secret, mint
from tests.support.servers import RunningAssistant

PREFIX = "/webhooks/app"
MAX_EXAMPLES = 6
# Statuses a healthy server cannot be made to answer from outside: the server failing, or not loaded yet.
UNREACHABLE = {"500", "503"}
# Only where Idempotency-Keys are shared between servers (Redis): tests/services/test_scale_out.py.
ONLY_ACROSS_SERVERS = {(f"{PREFIX}/webhook", "post", "409")}


def test_the_document_is_valid_openapi_3() -> None:
    schemathesis.openapi.from_dict(openapi_document()).validate()  # raises on a violation of OpenAPI 3.0
    broken = json.loads(json.dumps(openapi_document()))
    broken["paths"]["/webhooks/app/webhook"]["post"]["responses"]["200"] = {"content": {}}  # no description
    with pytest.raises(ValueError, match="oneOf"):  # jsonschema_rs.ValidationError
        schemathesis.openapi.from_dict(broken).validate()


def test_every_route_of_the_channel_is_documented() -> None:
    from bot.channels.app import AppInput

    async def nothing(message: Any) -> None:
        return None

    channel = AppInput.__new__(AppInput)  # routes only: no gate or verifier is needed to list them
    channel.gate = type("Gate", (), {"wrap": staticmethod(lambda handler: handler)})()
    routes = {
        (PREFIX + ("" if route.uri.startswith("/") else "/") + route.uri, method.lower())
        for route in channel.blueprint(nothing)._future_routes for method in route.methods
    }
    documented = {(path, method) for path, item in openapi_document()["paths"].items() for method in item}
    assert {(path.rstrip("/") or "/", method) for path, method in routes} == {
        (path.rstrip("/") or "/", method) for path, method in documented}


@pytest.fixture(scope="module")
def token(assistant: RunningAssistant) -> str:
    return assistant.token("openapi-fuzz")


@pytest.fixture
def app_schema(assistant: RunningAssistant) -> Any:
    schema = schemathesis.openapi.from_url(assistant.rasa_url + PREFIX + "/openapi.json", timeout=30)
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=MAX_EXAMPLES, deterministic=True,
    )
    # Generated requests reuse Idempotency-Key values with other bodies: 422 is then the documented answer
    # (a client's conflict, not badly shaped data).
    accepted = schema.config.checks.positive_data_acceptance
    accepted.expected_statuses = [*accepted.expected_statuses, "422"]
    return schema


schema = schemathesis.pytest.from_fixture("app_schema")


@pytest.mark.servers
@schema.parametrize()
def test_responses_conform_to_the_document(case: Any, token: str) -> None:
    response = case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, timeout=90)
    assert response.status_code < 500


def documented_statuses() -> Iterator[Tuple[str, str, str]]:
    for path, item in openapi_document()["paths"].items():
        for method, operation in item.items():
            for status in operation["responses"]:
                yield path, method, status


Request = Callable[[RunningAssistant], requests.Response]


def _send(method: str, path: str, token: str = "", raw: bytes = b"", headers: Dict[str, str] | None = None
          ) -> Request:
    def request(assistant: RunningAssistant) -> requests.Response:
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = "Bearer " + (mint("openapi-status", local_secret(str(assistant.var_dir)),
                                                      scopes=token.split(",")) if token != "bad" else "x.y.z")
        return requests.request(method, assistant.rasa_url + path, data=raw or None, headers=sent, timeout=90)

    return request


def _flood(path: str) -> Request:
    """Messages from one customer of their own, all at once, until one is over the rate limit (or 60 were sent)."""
    def request(assistant: RunningAssistant) -> requests.Response:
        token = mint("openapi-flood", local_secret(str(assistant.var_dir)), scopes=[SCOPE_CHAT])

        def send(_: int) -> requests.Response:
            return requests.post(assistant.rasa_url + path, json={"message": "hi"}, timeout=120,
                                 headers={"Authorization": "Bearer " + token})

        with concurrent.futures.ThreadPoolExecutor(max_workers=60) as pool:  # all at once: over the burst
            answers = list(pool.map(send, range(60)))
        return next((answer for answer in answers if answer.status_code == 429), answers[-1])

    return request


# For each documented (path, method, status) but the unreachable ones: a request that must get it.
RECIPES: Dict[Tuple[str, str, str], Request] = {
    (f"{PREFIX}/", "get", "200"): _send("GET", f"{PREFIX}/"),
    (f"{PREFIX}/openapi.json", "get", "200"): _send("GET", f"{PREFIX}/openapi.json"),
    (f"{PREFIX}/webhook", "post", "200"): _send("POST", f"{PREFIX}/webhook", SCOPE_CHAT, b'{"message": "hi"}'),
    (f"{PREFIX}/webhook", "post", "400"): _send("POST", f"{PREFIX}/webhook", SCOPE_CHAT, b"[]"),
    (f"{PREFIX}/webhook", "post", "401"): _send("POST", f"{PREFIX}/webhook", "bad", b'{"message": "hi"}'),
    (f"{PREFIX}/webhook", "post", "403"): _send("POST", f"{PREFIX}/webhook", SCOPE_PRIVACY_READ, b'{"message": "hi"}'),
    (f"{PREFIX}/webhook", "post", "413"): _send("POST", f"{PREFIX}/webhook", SCOPE_CHAT,
                                                 json.dumps({"message": "a" * 70_000}).encode()),
    (f"{PREFIX}/webhook", "post", "422"): _send("POST", f"{PREFIX}/webhook", SCOPE_CHAT, b'{"message": "bye"}',
                                                 {"Idempotency-Key": "openapi-status-key"}),
    (f"{PREFIX}/webhook", "post", "429"): _flood(f"{PREFIX}/webhook"),
    (f"{PREFIX}/privacy-report", "get", "200"): _send("GET", f"{PREFIX}/privacy-report", SCOPE_PRIVACY_READ),
    (f"{PREFIX}/privacy-report", "get", "401"): _send("GET", f"{PREFIX}/privacy-report"),
    (f"{PREFIX}/privacy-report", "get", "403"): _send("GET", f"{PREFIX}/privacy-report", SCOPE_CHAT),
    (f"{PREFIX}/conversation", "delete", "200"): _send("DELETE", f"{PREFIX}/conversation", "privacy:erase"),
    (f"{PREFIX}/conversation", "delete", "401"): _send("DELETE", f"{PREFIX}/conversation", "bad"),
    (f"{PREFIX}/conversation", "delete", "403"): _send("DELETE", f"{PREFIX}/conversation", SCOPE_CHAT),
}


def test_every_documented_status_has_a_recipe_or_is_known_unreachable() -> None:
    documented = {entry for entry in documented_statuses() if entry[2] not in UNREACHABLE}
    assert documented - ONLY_ACROSS_SERVERS == set(RECIPES)


@pytest.mark.servers
def test_every_documented_path_and_status_exists_on_the_server(assistant: RunningAssistant) -> None:
    # The 422 needs the key used once with another body first.
    _send("POST", f"{PREFIX}/webhook", SCOPE_CHAT, b'{"message": "hello"}',
          {"Idempotency-Key": "openapi-status-key"})(assistant)
    wrong: List[str] = []
    for (path, method, status), request in RECIPES.items():
        started = time.monotonic()
        answer = request(assistant)
        if str(answer.status_code) != status:
            wrong.append(f"{method.upper()} {path}: expected {status}, got {answer.status_code} "
                         f"after {time.monotonic() - started:.1f} s")
    assert not wrong, "\n".join(wrong)
    unreachable: Set[str] = {status for _, _, status in documented_statuses()} & UNREACHABLE
    assert unreachable <= UNREACHABLE
