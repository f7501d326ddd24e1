"""finbot_client against a scripted server on 127.0.0.1: retries, errors, tokens and the public surface, on the wire."""

from __future__ import annotations

import inspect
import logging
import re
import subprocess
import sys
import time
import uuid
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import Any, Dict, Iterator, List, Type

import pytest
import requests

import finbot_client
import finbot_client.client
import finbot_client.clock
import finbot_client.models
from fake_app import ERASED, REPLY, Answer, FakeAppServer, free_port
from finbot_client.client import (
    ApiError,
    AuthenticationError,
    BadRequestError,
    Erasure,
    FinbotClient,
    FinbotError,
    PermissionDeniedError,
    ResponseError,
    ServerError,
    TransportError,
)
from finbot_client.testing import FakeClock

TOKEN = "header.payload.signature"
CARD_MESSAGE = "my card is 4111 1111 1111 1111"
FAST: Dict[str, Any] = {"backoff": 0.01, "timeout": 2.0}  # small backoff: the retry tests stay fast


@pytest.fixture
def server() -> Iterator[FakeAppServer]:
    with FakeAppServer() as fake:
        yield fake


def error(status: int, text: str = "scripted failure", **headers: str) -> Answer:
    return Answer(status, {"error": text, "status": status}, headers)


def test_a_503_is_retried_with_the_same_idempotency_key(server: FakeAppServer) -> None:
    server.script(error(503), error(503), Answer(200, REPLY))
    with FinbotClient(server.url, TOKEN, retries=3, **FAST) as client:
        reply = client.send(CARD_MESSAGE, {"locale": "en-GB"})
    assert reply.conversation_id == "customer-42"
    assert len(server.received) == 3
    keys = {request.headers["idempotency-key"] for request in server.received}
    assert len(keys) == 1 and uuid.UUID(keys.pop()).version == 4
    sent = {"message": CARD_MESSAGE, "metadata": {"locale": "en-GB"}}
    assert all(request.json() == sent for request in server.received)
    assert {(request.method, request.path) for request in server.received} == {("POST", "/webhooks/app/webhook")}


def test_each_send_has_its_own_key_unless_one_is_given(server: FakeAppServer) -> None:
    server.script(Answer(200, REPLY))
    with FinbotClient(server.url, TOKEN, **FAST) as client:
        client.send("hi")
        client.send("hi")
        client.send("hi", idempotency_key="order-7/attempt")
    keys = [request.headers["idempotency-key"] for request in server.received]
    assert keys[0] != keys[1] and keys[2] == "order-7/attempt"


@pytest.mark.parametrize("key", ["k" * 129, "tab\there", "naïve"])
def test_an_unusable_idempotency_key_is_refused_before_sending(server: FakeAppServer, key: str) -> None:
    with FinbotClient(server.url, TOKEN, **FAST) as client, pytest.raises(ValueError, match="idempotency_key"):
        client.send("hi", idempotency_key=key)
    assert server.received == []


def test_a_persistent_500_raises_server_error_after_retries_plus_one_attempts(server: FakeAppServer) -> None:
    server.script(error(500, "the tracker store is down"))
    with FinbotClient(server.url, TOKEN, retries=2, **FAST) as client, pytest.raises(ServerError) as caught:
        client.privacy_report()
    assert len(server.received) == 3
    assert caught.value.status == 500 and caught.value.message == "the tracker store is down"


def test_a_5xx_that_is_not_json_is_a_server_error_that_does_not_repeat_the_body(server: FakeAppServer) -> None:
    server.script(Answer(502, b"<html>upstream said: 4111111111111111</html>"))
    with FinbotClient(server.url, TOKEN, retries=1, **FAST) as client, pytest.raises(ServerError) as caught:
        client.send("hi")
    assert caught.value.status == 502 and "4111" not in str(caught.value)
    assert len(server.received) == 2


@pytest.mark.parametrize(
    "status, kind",
    [
        (400, BadRequestError),
        (413, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, ApiError),
        (422, ApiError),
    ],
)
def test_a_4xx_is_raised_at_once_without_a_retry(server: FakeAppServer, status: int, kind: Type[ApiError]) -> None:
    server.script(error(status, f"refused with {status}", **{"Retry-After": "0"}), Answer(200, REPLY))
    with FinbotClient(server.url, TOKEN, retries=3, **FAST) as client, pytest.raises(kind) as caught:
        client.send("hi")
    assert type(caught.value) is kind
    assert (caught.value.status, caught.value.message) == (status, f"refused with {status}")
    assert len(server.received) == 1


def test_a_redirect_is_not_followed(server: FakeAppServer) -> None:
    server.script(Answer(307, {"error": "moved", "status": 307}, {"Location": "http://127.0.0.1:9/elsewhere"}))
    with FinbotClient(server.url, TOKEN, **FAST) as client, pytest.raises(ApiError) as caught:
        client.send("hi")
    assert caught.value.status == 307 and len(server.received) == 1


def test_a_server_slower_than_the_timeout_is_a_transport_error_after_the_retries(server: FakeAppServer) -> None:
    server.script(Answer(200, REPLY, delay=5.0))
    started = time.monotonic()
    with FinbotClient(server.url, TOKEN, timeout=0.3, retries=2, backoff=0.01) as client:
        with pytest.raises(TransportError, match=r"no answer within 0\.3 s, on each of 3 attempts"):
            client.send("hi")
    elapsed = time.monotonic() - started
    assert len(server.received) == 3
    assert 0.9 <= elapsed < 2.5  # three timeouts of 0.3 s and two tiny waits, never the server's 5 s


def test_a_refused_connection_is_a_transport_error_after_the_retries() -> None:
    clock = FakeClock()
    with FinbotClient(f"http://127.0.0.1:{free_port()}", TOKEN, retries=2, backoff=0.05, clock=clock) as client:
        with pytest.raises(TransportError, match="3 attempts"):
            client.erase()
    # Two waits of 0.05 and 0.1 s (+ at most a quarter of jitter), nothing more.
    assert len(clock.slept) == 2, clock.slept
    assert 0.05 <= clock.slept[0] <= 0.0625 and 0.1 <= clock.slept[1] <= 0.125, clock.slept


def test_retry_after_on_a_503_is_honoured(server: FakeAppServer) -> None:
    server.script(error(503, **{"Retry-After": "1"}), Answer(200, ERASED))
    clock = FakeClock()
    with FinbotClient(server.url, TOKEN, clock=clock, **FAST) as client:
        assert client.erase() == Erasure("customer-42", True)
    assert clock.slept == [1.0] and len(server.received) == 2


@pytest.mark.parametrize("status", [409, 429])
def test_still_in_progress_and_too_many_messages_are_retried_after_their_wait(server: FakeAppServer,
                                                                              status: int) -> None:
    server.script(error(status, **{"Retry-After": "1"}), Answer(200, REPLY))
    clock = FakeClock()
    with FinbotClient(server.url, TOKEN, clock=clock, **FAST) as client:
        client.send("hello")
    assert clock.slept == [1.0]
    keys = [request.headers.get("idempotency-key") for request in server.received]
    assert len(keys) == 2 and keys[0] == keys[1] and keys[0]  # the same message, not a second one


def test_a_409_without_an_idempotency_key_is_not_retried(server: FakeAppServer) -> None:
    server.script(error(409), Answer(200, ERASED))
    with FinbotClient(server.url, TOKEN, **FAST) as client, pytest.raises(ApiError) as raised:
        client.erase()
    assert raised.value.status == 409 and len(server.received) == 1


def test_retry_after_as_an_http_date_is_honoured(server: FakeAppServer) -> None:
    clock = FakeClock()  # on a whole second, as an HTTP date is
    when = datetime.fromtimestamp(clock.now() + 2, timezone.utc)
    server.script(error(503, **{"Retry-After": format_datetime(when, usegmt=True)}), Answer(200, ERASED))
    with FinbotClient(server.url, TOKEN, clock=clock, **FAST) as client:
        client.erase()
    assert clock.slept == [2.0] and len(server.received) == 2


def test_retry_after_is_capped_by_max_delay(server: FakeAppServer) -> None:
    server.script(error(503, **{"Retry-After": "4"}), Answer(200, ERASED))
    clock = FakeClock()
    with FinbotClient(server.url, TOKEN, max_delay=0.3, clock=clock, **FAST) as client:
        client.erase()
    assert clock.slept == [0.3] and len(server.received) == 2


@pytest.mark.parametrize("status, header", [(500, "30"), (503, "soon"), (503, "-5")])
def test_retry_after_is_ignored_when_not_a_503_or_unreadable(server: FakeAppServer, status: int, header: str) -> None:
    server.script(error(status, **{"Retry-After": header}), Answer(200, ERASED))
    clock = FakeClock()
    with FinbotClient(server.url, TOKEN, clock=clock, **FAST) as client:
        client.erase()
    # The backoff (0.01 s and at most a quarter more), not the header's wait.
    assert len(clock.slept) == 1 and 0.01 <= clock.slept[0] <= 0.0125, clock.slept
    assert len(server.received) == 2


def test_backoff_grows_exponentially_with_bounded_jitter() -> None:
    client = FinbotClient("http://127.0.0.1:1", TOKEN, backoff=0.5, max_delay=3.0)
    for attempt, base in [(1, 0.5), (2, 1.0), (3, 2.0)]:
        delays = [client._delay(attempt, None) for _ in range(200)]
        assert all(base <= delay <= base * 1.25 for delay in delays)
        assert len(set(delays)) > 1  # jittered, not a fixed schedule
    assert {client._delay(attempt, None) for attempt in (4, 5, 10)} == {3.0}
    assert client._delay(1, 7.0) == 3.0 and client._delay(1, 0.2) == 0.2


def test_the_token_callable_is_asked_on_every_attempt(server: FakeAppServer) -> None:
    issued: List[str] = []

    def fresh_token() -> str:
        issued.append(f"token-{len(issued) + 1}")
        return issued[-1]

    server.script(error(503), error(502), Answer(200, REPLY))
    with FinbotClient(server.url, fresh_token, **FAST) as client:
        client.send("hi")
    assert [request.headers["authorization"] for request in server.received] == [
        "Bearer token-1",
        "Bearer token-2",
        "Bearer token-3",
    ]


@pytest.mark.parametrize("token", ["", "two words", "line\nbreak", None])
def test_an_unusable_token_from_the_callable_is_refused_before_sending(server: FakeAppServer, token: Any) -> None:
    with FinbotClient(server.url, lambda: token, **FAST) as client, pytest.raises(FinbotError, match="token"):
        client.send("hi")
    assert server.received == []


@pytest.mark.parametrize(
    "args, kwargs, kind",
    [
        (("127.0.0.1:5005", TOKEN), {}, ValueError),
        (("http://127.0.0.1:5005", 42), {}, TypeError),
        (("http://127.0.0.1:5005", "has space"), {}, FinbotError),
        (("http://127.0.0.1:5005", TOKEN), {"timeout": 0}, ValueError),
        (("http://127.0.0.1:5005", TOKEN), {"retries": -1}, ValueError),
        (("http://127.0.0.1:5005", TOKEN), {"backoff": -0.1}, ValueError),
    ],
)
def test_the_constructor_rejects_bad_settings(args: tuple, kwargs: Dict[str, Any], kind: Type[Exception]) -> None:
    with pytest.raises(kind):
        FinbotClient(*args, **kwargs)


def test_neither_the_token_nor_the_message_reaches_a_log_or_an_error(
    server: FakeAppServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.script(error(503), Answer(200, b"broken"))
    caplog.set_level(logging.DEBUG)
    with FinbotClient(server.url, TOKEN, retries=1, **FAST) as client, pytest.raises(ResponseError) as caught:
        client.send(CARD_MESSAGE)
    assert "retrying" in caplog.text  # the retry was logged, so the log was really captured
    for secret in (TOKEN, "4111"):
        assert secret not in caplog.text
        assert secret not in str(caught.value) and secret not in repr(client)
    assert caught.value.__cause__ is None  # the requests objects (headers, body) are not chained in


def test_a_session_passed_in_is_used_and_left_open(server: FakeAppServer) -> None:
    closed: List[bool] = []

    class Recording(requests.Session):
        def close(self) -> None:
            closed.append(True)
            super().close()

    server.script(Answer(200, ERASED))
    session = Recording()
    session.headers["X-Bank"] = "demo"
    with FinbotClient(server.url, TOKEN, session=session, **FAST) as client:
        client.erase()
    assert closed == [] and server.received[0].headers["x-bank"] == "demo"
    session.close()


def test_the_error_tree_in_the_docstring_is_the_class_tree() -> None:
    """Each class drawn under another in the module docstring's tree subclasses exactly that one."""
    drawn: Dict[str, str] = {}
    parents: List[str] = []
    for line in (finbot_client.client.__doc__ or "").splitlines():
        found = re.match(r"^\s{4}((?:[│ ] {3})*)(?:[├└]── )?([A-Z]\w+Error)\b", line)
        if not found:
            continue
        depth = len(found.group(1)) // 4 + (1 if "──" in line else 0)
        parents[depth:] = [found.group(2)]
        drawn[found.group(2)] = parents[depth - 1] if depth else "Exception"
    actual = {
        name: value.__bases__[0].__name__
        for name, value in vars(finbot_client.client).items()
        if inspect.isclass(value) and issubclass(value, Exception) and value.__module__ == "finbot_client.client"
    }
    assert drawn == actual
    assert all(len(getattr(finbot_client.client, name).__bases__) == 1 for name in actual)


def test_all_names_exactly_the_public_surface() -> None:
    exported = set(finbot_client.client.__all__)
    assert len(exported) == len(finbot_client.client.__all__)
    assert all(hasattr(finbot_client.client, name) for name in exported)
    public = {
        name
        for name, value in vars(finbot_client.client).items()
        if not name.startswith("_")
        and (inspect.isclass(value) or inspect.isfunction(value))
        and value.__module__ in {"finbot_client.client", "finbot_client.models"}
        and not (inspect.isfunction(value) and value.__module__ == "finbot_client.models")  # the parsers stay internal
    }
    public |= {"TokenSource"}
    assert exported == public
    models = {
        name
        for name, value in vars(finbot_client.models).items()
        if inspect.isclass(value) and value.__module__ == "finbot_client.models" and not name.startswith("_")
    }
    assert models and models <= exported  # every answer type is importable from finbot_client.client


def test_the_package_exports_the_client_and_its_clock() -> None:
    assert len(set(finbot_client.__all__)) == len(finbot_client.__all__)
    assert set(finbot_client.__all__) == set(finbot_client.client.__all__) | set(finbot_client.clock.__all__)
    assert all(getattr(finbot_client, name) is getattr(finbot_client.client, name)
               for name in finbot_client.client.__all__)


@pytest.mark.parametrize("value, expected", [
    ("2", 2.0), ("²", None), ("-1", None), ("soon", None), ("", None),
    ("Sun, 06 Nov 1994 08:49:47 GMT", 10.0), ("Sun, 06 Nov 1994 08:49:27 GMT", 0.0),  # a date: from now, or past
])
def test_a_retry_after_value_is_read_and_an_odd_one_ignored_not_raised(value: str, expected: object) -> None:
    from finbot_client.client import _retry_after

    assert _retry_after(value, now=784_111_777.0) == expected  # now: Sun, 06 Nov 1994 08:49:37 GMT


def test_the_client_stands_alone() -> None:
    # It is installed without the server: importing it (and its test double) must not need finbot's `bot`.
    script = ("import sys, finbot_client, finbot_client.testing;"
              "print(sorted(m for m in sys.modules if m.split('.')[0] == 'bot'))")
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0, shown.stderr[-2000:]
    assert shown.stdout.strip() == "[]"
