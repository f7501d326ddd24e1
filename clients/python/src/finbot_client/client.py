"""A small typed client for finbot's banking-app channel, for a bank's backend.

::

    with FinbotClient("http://127.0.0.1:5005", token=mint_token_for_customer) as finbot:
        reply = finbot.send("my card 4111 1111 1111 1111 was stolen")
        reply.redacted.kinds          # ("CREDIT_CARD",): hidden before anything was stored
        finbot.privacy_report()       # kinds and counts hidden, vault reveals; never a value
        finbot.erase()                # forget the conversation

The conversation is the token's ``sub``: one client talks for whoever the
token names. ``token`` is a string or a zero-argument callable that returns
one; the callable is asked again before every attempt, so an expired token is
replaced on a retry. A client holds a ``requests.Session`` (connection reuse);
use one client per thread, or pass each its own ``session``.

Retries: on a 5xx answer, a failed connection or a timeout, up to ``retries``
more attempts, waiting ``backoff * 2**n`` seconds plus up to a quarter more
(jitter), at most ``max_delay``; a 503's ``Retry-After`` (seconds or an HTTP
date) is honoured up to ``max_delay``. Two 4xx are retried too, after their
``Retry-After``: 429 (this customer sent more than the rate limit allows) and,
for a message with an ``Idempotency-Key``, 409 (another server is still
handling the first attempt: the retry gets its answer). Never another 4xx: the
same request would fail the same way. ``send`` carries one ``Idempotency-Key`` across its
retries, so a retry after a lost answer returns the first reply instead of
saying the message twice.

Nothing here logs a message's text, a reply, or a token; errors carry the
method, path, status and the server's error text only.

Errors::

    FinbotError                       everything this client raises on purpose
    ├── ApiError(status, message)     the server answered with an error status; raised as is for the
    │                                 other 4xx (404, 422: an Idempotency-Key reused for another body;
    │                                 409 and 429 once every retry got them too)
    │   ├── BadRequestError           400 malformed request, 413 request too large
    │   ├── AuthenticationError       401 missing, bad or expired token
    │   ├── PermissionDeniedError     403 the token lacks the scope (chat, privacy:read, privacy:erase)
    │   └── ServerError               5xx, still after every retry
    ├── TransportError                no answer: connection failed or timed out, after every retry
    └── ResponseError                 an answer that breaks the contract: not JSON, fields missing or mistyped
"""

from __future__ import annotations

import email.utils
import json
import logging
import random
import uuid
from dataclasses import dataclass
from datetime import timezone
from types import TracebackType
from typing import Any, Callable, Dict, Mapping, Optional, Type, TypeVar, Union

import requests

from finbot_client.clock import SYSTEM_CLOCK, Clock
from finbot_client.models import (
    BotMessage,
    Button,
    Erasure,
    KindCount,
    PrivacyReport,
    Redaction,
    Reply,
    Reveal,
    parse_erasure,
    parse_privacy_report,
    parse_reply,
)

__all__ = [
    "ApiError",
    "AuthenticationError",
    "BadRequestError",
    "BotMessage",
    "Button",
    "Erasure",
    "FinbotClient",
    "FinbotError",
    "KindCount",
    "PermissionDeniedError",
    "PrivacyReport",
    "Redaction",
    "Reply",
    "ResponseError",
    "Reveal",
    "ServerError",
    "TokenSource",
    "TransportError",
]

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/app/webhook"
PRIVACY_REPORT_PATH = "/webhooks/app/privacy-report"
CONVERSATION_PATH = "/webhooks/app/conversation"
OPENAPI_PATH = "/webhooks/app/openapi.json"
MAX_IDEMPOTENCY_KEY_CHARS = 128
WAIT_STATUSES = (409, 429, 503)  # answers whose Retry-After says when to try again
JITTER = 0.25  # up to this fraction of the backoff is added at random, so clients retrying together spread out

TokenSource = Union[str, Callable[[], str]]
T = TypeVar("T")


class FinbotError(Exception):
    """Everything this client raises on purpose (see the tree in the module docstring)."""


class ApiError(FinbotError):
    """The server answered with an error status; ``message`` is its ``error`` text."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(f"{status}: {message}")


class BadRequestError(ApiError):
    """400 (malformed request) or 413 (too large): fix the request, do not retry it."""


class AuthenticationError(ApiError):
    """401: the token is missing, malformed, badly signed or expired."""


class PermissionDeniedError(ApiError):
    """403: the token is valid but does not grant the scope this call needs."""


class ServerError(ApiError):
    """5xx: the server was in trouble on every attempt."""


class TransportError(FinbotError):
    """No answer: the connection failed or timed out on every attempt."""


class ResponseError(FinbotError):
    """The server answered, but not as the contract says: not JSON, or a field missing or mistyped."""


_ERRORS_BY_STATUS: Dict[int, Type[ApiError]] = {
    400: BadRequestError,
    413: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
}


@dataclass(frozen=True)
class _Retry:
    """An attempt that failed in a way worth retrying: why, the server's error if it answered, its wish for the wait."""

    reason: str
    error: Optional[ApiError] = None
    retry_after: Optional[float] = None


class FinbotClient:
    """A client for one finbot server's app channel, for the conversation its token names."""

    def __init__(
        self,
        base_url: str,
        token: TokenSource,
        *,
        timeout: float = 10.0,
        retries: int = 3,
        backoff: float = 0.5,
        max_delay: float = 30.0,
        session: Optional[requests.Session] = None,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        """Rejects a base URL that is not http(s), a token that is neither a string nor callable,
        and negative limits. A ``session`` passed in stays the caller's: ``close()`` leaves it open.
        The waits between attempts, and a ``Retry-After`` date, are on ``clock`` (finbot_client.clock)."""
        if not base_url.startswith(("http://", "https://")):
            raise ValueError("base_url must start with http:// or https://")
        if not (isinstance(token, str) or callable(token)):
            raise TypeError("token must be a string or a zero-argument callable returning one")
        if isinstance(token, str):
            _check_token(token)
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
            raise ValueError("retries must be an integer >= 0")
        if backoff < 0 or max_delay < 0:
            raise ValueError("backoff and max_delay must be >= 0")
        self.base_url = base_url.rstrip("/")
        self.timeout = float(timeout)
        self.retries = retries
        self.backoff = float(backoff)
        self.max_delay = float(max_delay)
        self._token = token
        self._owns_session = session is None
        self._session = session if session is not None else requests.Session()
        self._clock = clock

    def __repr__(self) -> str:
        return f"FinbotClient({self.base_url!r})"  # never the token

    def __enter__(self) -> FinbotClient:
        return self

    def __exit__(
        self, kind: Optional[Type[BaseException]], error: Optional[BaseException], trace: Optional[TracebackType]
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the connections of the session this client made (not of one passed in)."""
        if self._owns_session:
            self._session.close()

    def send(self, message: str, metadata: Optional[Mapping[str, Any]] = None, *, idempotency_key: str = "") -> Reply:
        """Say ``message`` in the token's conversation; the bot's reply, and what was hidden from it.

        One ``Idempotency-Key`` (a fresh uuid4 unless given) covers every retry
        of this call. Pass your own to make a retry of yours, after this call
        raised, safe too (at most 128 printable ASCII characters).
        """
        if not isinstance(message, str):
            raise TypeError("message must be a string")
        if metadata is not None and not isinstance(metadata, Mapping):
            raise TypeError("metadata must be a mapping (a JSON object)")
        key = idempotency_key or str(uuid.uuid4())
        if len(key) > MAX_IDEMPOTENCY_KEY_CHARS or not all(" " <= char <= "~" for char in key):
            raise ValueError(f"idempotency_key must be at most {MAX_IDEMPOTENCY_KEY_CHARS} printable ASCII characters")
        body: Dict[str, Any] = {"message": message}
        if metadata is not None:
            body["metadata"] = dict(metadata)
        return _parsed(f"POST {WEBHOOK_PATH}", parse_reply, self._call("POST", WEBHOOK_PATH, body, key))

    def privacy_report(self) -> PrivacyReport:
        """Kinds and counts of the values hidden in this conversation, and every vault reveal (scope privacy:read)."""
        return _parsed(f"GET {PRIVACY_REPORT_PATH}", parse_privacy_report, self._call("GET", PRIVACY_REPORT_PATH))

    def erase(self) -> Erasure:
        """Forget this conversation on the server: its events and vault entries (scope privacy:erase)."""
        return _parsed(f"DELETE {CONVERSATION_PATH}", parse_erasure, self._call("DELETE", CONVERSATION_PATH))

    def openapi(self) -> Dict[str, Any]:
        """The server's OpenAPI document for the app channel."""
        document = self._call("GET", OPENAPI_PATH)
        if not isinstance(document, dict):
            raise ResponseError(f"GET {OPENAPI_PATH}: the OpenAPI document is not a JSON object")
        return document

    def _call(
        self, method: str, path: str, body: Optional[Dict[str, Any]] = None, idempotency_key: Optional[str] = None
    ) -> Any:
        """The decoded JSON of a 2xx answer, after retrying what is worth retrying; raises per the error tree."""
        attempts = self.retries + 1
        for attempt in range(1, attempts + 1):
            outcome = self._attempt(method, path, body, idempotency_key)
            if not isinstance(outcome, _Retry):
                return outcome
            if attempt == attempts:
                if outcome.error is not None:
                    raise outcome.error
                raise TransportError(f"{method} {path}: {outcome.reason}, on each of {attempts} attempts")
            delay = self._delay(attempt, outcome.retry_after)
            logger.warning(
                "%s %s: %s (attempt %d of %d); retrying in %.2f s",
                method, path, outcome.reason, attempt, attempts, delay,
            )
            self._clock.sleep(delay)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _attempt(
        self, method: str, path: str, body: Optional[Dict[str, Any]], idempotency_key: Optional[str]
    ) -> Any:
        """One request: the decoded JSON of a 2xx answer, a _Retry, or an error raised at once."""
        headers = {"Authorization": f"Bearer {self._current_token()}", "Accept": "application/json"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        where = f"{method} {path}"
        try:
            # No redirects: following one could carry the bearer token and the message somewhere else.
            response = self._session.request(
                method, self.base_url + path, json=body, headers=headers, timeout=self.timeout, allow_redirects=False
            )
        # The requests exception is not chained (`from None`) below: it holds the prepared request,
        # whose headers carry the token and whose body carries the message, and error reporters
        # that serialise an exception's attributes would keep them.
        except requests.Timeout:
            return _Retry(f"no answer within {self.timeout:g} s")
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
            return _Retry(f"connection to {self.base_url} failed or broke")
        except requests.RequestException as failure:
            raise TransportError(f"{where}: request failed ({type(failure).__name__})") from None
        with response:
            status = response.status_code
            if 200 <= status < 300:
                return _decode(where, response)
            error = _api_error(response)
            if isinstance(error, ServerError) or status == 429 or (status == 409 and idempotency_key):
                retry_after = (_retry_after(response.headers.get("Retry-After"), self._clock.now())
                               if status in WAIT_STATUSES else None)
                return _Retry(f"server answered {status}", error, retry_after)
            raise error

    def _current_token(self) -> str:
        token = self._token() if callable(self._token) else self._token
        _check_token(token)
        return token

    def _delay(self, attempt: int, retry_after: Optional[float]) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based), never more than max_delay."""
        if retry_after is not None:
            return min(self.max_delay, retry_after)
        base = self.backoff * 2 ** (attempt - 1)
        return min(self.max_delay, base + random.uniform(0, base * JITTER))


def _check_token(token: object) -> None:
    # A header value with whitespace or control characters would be refused by requests, or split a header.
    if not isinstance(token, str) or not token or any(char <= " " or char == "\x7f" for char in token):
        raise FinbotError("the token must be a non-empty string without whitespace or control characters")


def _decode(where: str, response: requests.Response) -> Any:
    try:
        return json.loads(response.content)
    except ValueError:
        kind = response.headers.get("Content-Type", "no content type")
        raise ResponseError(f"{where}: the server answered {response.status_code} but not with JSON ({kind})") from None


def _api_error(response: requests.Response) -> ApiError:
    """The error for a non-2xx answer, with the server's ``error`` text when the body follows the contract."""
    status = response.status_code
    try:
        payload = json.loads(response.content)
    except ValueError:
        payload = None
    if isinstance(payload, dict) and isinstance(payload.get("error"), str):
        message = payload["error"]
    else:
        # Not our JSON (a proxy's page, say): name the status only; a foreign body is not repeated.
        message = f"{response.reason or 'HTTP error'} (no JSON error body)"
    if status >= 500:
        return ServerError(status, message)
    return _ERRORS_BY_STATUS.get(status, ApiError)(status, message)


def _retry_after(value: Optional[str], now: float) -> Optional[float]:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or an HTTP date, from ``now``, Unix time),
    or None if unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # "²".isdigit() is true, and float() refuses it
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - now)


def _parsed(where: str, parse: Callable[[Any], T], payload: Any) -> T:
    try:
        return parse(payload)
    except ValueError as error:
        raise ResponseError(f"{where}: {error}") from None
