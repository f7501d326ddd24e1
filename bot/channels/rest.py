"""REST channel that redacts every message before Rasa sees it.

Same URL, request and response as Rasa's ``rest`` channel
(``POST /webhooks/rest/webhook`` with ``{"sender", "message", "metadata"}``),
so existing clients work. Unlike Rasa's, it validates the body and answers
bad input with a JSON error, and it never logs the message text.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Awaitable, Callable, Coroutine, Dict, Optional, Tuple, Union

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import QueueOutputChannel
from rasa.utils.endpoints import bool_arg
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse, ResponseStream

from bot import metrics
from bot.channels.auth import AUTHENTICATED_PREFIX, is_reserved, is_widget_session, vouched_metadata
from bot.channels.gate import PrivacyGate
from bot.channels.ratelimit import RateLimiter, RateLimits, client_address, retry_after
from bot.faults.install import install_at_start

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
MAX_SENDER_CHARS = 128
_DONE = object()  # the end of a streamed answer


class BadRequest(Exception):
    """The request cannot be handled; ``status`` and a message for the caller."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(message)


def error_response(status: int, message: str) -> HTTPResponse:
    return response.json({"error": message, "status": status}, status=status)


def health_response(request: Request) -> HTTPResponse:
    """A channel's health: 200 once Rasa holds a model, 503 while it holds none.

    Rasa starts its server even when the model did not load, and then drops every message ("no agent to
    handle it") while ``GET /`` still answers: a probe must ask a channel."""
    agent = getattr(request.app.ctx, "agent", None)
    if agent is None or not agent.is_ready():
        return response.json({"status": "no model loaded"}, status=503)
    return response.json({"status": "ok"})


def limited_response(wait: float) -> HTTPResponse:
    """429 for a sender or address over its rate limit (bot.channels.ratelimit)."""
    seconds = retry_after(wait)
    return response.json({"error": f"too many messages; try again in {seconds} s", "status": 429},
                         status=429, headers={"Retry-After": seconds})


def request_address(request: Request, limiter: RateLimiter) -> Optional[str]:
    """The client address a request's rate limit is kept under (see bot.channels.ratelimit)."""
    return client_address(request.ip, request.headers.get("x-forwarded-for"), limiter.limits.trusted_proxies)


def parse_body(raw: Optional[bytes], max_bytes: int = MAX_BODY_BYTES) -> Dict[str, Any]:
    """The request's JSON object, or BadRequest saying what is wrong with it."""
    if raw is None or not raw.strip():
        raise BadRequest(400, "the body is empty; send JSON like {\"sender\": \"u1\", \"message\": \"hi\"}")
    if len(raw) > max_bytes:
        raise BadRequest(413, f"the body is larger than {max_bytes} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest(400, "the body is not valid UTF-8") from None
    try:
        body = json.loads(text)
    except json.JSONDecodeError as error:
        raise BadRequest(400, f"the body is not valid JSON ({error.msg} at character {error.pos})") from None
    except (ValueError, RecursionError):  # nested too deep, or a number too long to read
        raise BadRequest(400, "the body is not JSON this server can read (too deeply nested or too long a number)") \
            from None
    if not isinstance(body, dict):
        raise BadRequest(400, "the body must be a JSON object")
    return body


def validate_message(body: Dict[str, Any]) -> Dict[str, Any]:
    """``sender``, ``message`` and ``metadata`` checked for type, size and content."""
    sender, text, metadata = body.get("sender"), body.get("message"), body.get("metadata")
    if not isinstance(sender, str) or not sender.strip():
        raise BadRequest(400, '"sender" must be a non-empty string')
    if is_reserved(sender):
        raise BadRequest(400, f'"sender" must not start with "{AUTHENTICATED_PREFIX}": those are signed-in customers\' '
                              "conversations, reached only through the app channel with a token")
    if is_widget_session(sender):
        raise BadRequest(400, '"sender" must not have the shape of a widget session id: those conversations are '
                              "reached only through the socket.io connection they were issued to")
    if len(sender) > MAX_SENDER_CHARS or not sender.isprintable():
        raise BadRequest(400, f'"sender" must be printable and at most {MAX_SENDER_CHARS} characters')
    text, metadata = validate_content(text, metadata)
    return {"sender": sender, "message": text, "metadata": vouched_metadata(metadata, None)}


def validate_content(text: Any, metadata: Any) -> Tuple[str, Optional[Dict[str, Any]]]:
    """A message's text (control characters dropped; something printable must be left) and its metadata."""
    if not isinstance(text, str):
        raise BadRequest(400, '"message" must be a string')
    text = "".join(ch for ch in text if ch.isprintable() or ch in "\n\t")
    if not text.strip():
        raise BadRequest(400, '"message" is empty')
    if metadata is not None and not isinstance(metadata, dict):
        raise BadRequest(400, '"metadata" must be a JSON object')
    return text, metadata


class RedactingRestInput(InputChannel):
    """Rasa's REST channel, with every message redacted at the door."""

    def __init__(self, gate: PrivacyGate, max_body_bytes: int = MAX_BODY_BYTES,
                 limiter: Optional[RateLimiter] = None) -> None:
        self.gate = gate
        self.max_body_bytes = max_body_bytes
        self.limiter = limiter or RateLimiter()

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        credentials = credentials or {}
        gate = PrivacyGate.shared(credentials.get("policy"), credentials.get("var_dir"))
        return cls(gate, int(credentials.get("max_body_bytes", MAX_BODY_BYTES)),
                   RateLimiter(RateLimits.from_credentials(credentials)))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"redacting_webhook_{type(self).__name__}", __name__)
        guarded = self.gate.wrap(on_new_message)
        install_at_start(webhook)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return health_response(request)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Union[HTTPResponse, ResponseStream]:
            try:
                fields = validate_message(parse_body(request.body, self.max_body_bytes))
            except BadRequest as error:
                metrics.message_refused(self.name(), "bad_request")
                return error_response(error.status, str(error))
            wait = self.limiter.check(fields["sender"], request_address(request, self.limiter))
            if wait:
                metrics.message_refused(self.name(), "rate_limited")
                return limited_response(wait)
            if bool_arg(request, "stream", default=False):
                # As Rasa's REST channel: one JSON answer a line as each comes (Rasa's console client asks so).
                return response.stream(self._streamed(guarded, fields), content_type="text/event-stream")
            collector = CollectingOutputChannel()
            message = UserMessage(
                fields["message"], collector, fields["sender"], input_channel=self.name(),
                metadata=fields["metadata"],
            )
            try:
                await guarded(message)
            except Exception as error:  # the text is never logged, only what failed
                logger.error("handling a message failed in conversation %s: %s",
                             fields["sender"], type(error).__name__)
                return error_response(500, "the assistant could not handle this message; please try again")
            return response.json(collector.messages)

        return webhook

    def _streamed(self, guarded: Callable[[UserMessage], Awaitable[Any]],
                  fields: Dict[str, Any]) -> Callable[[Any], Coroutine[Any, Any, None]]:
        async def stream(answer: Any) -> None:
            queue: asyncio.Queue = asyncio.Queue()
            message = UserMessage(fields["message"], QueueOutputChannel(queue), fields["sender"],
                                  input_channel=self.name(), metadata=fields["metadata"])

            async def handle() -> None:
                try:
                    await guarded(message)
                except Exception as error:  # the text is never logged, only what failed
                    logger.error("handling a message failed in conversation %s: %s",
                                 fields["sender"], type(error).__name__)
                    await queue.put({"error": "the assistant could not handle this message; please try again",
                                     "status": 500})
                finally:
                    await queue.put(_DONE)

            task = asyncio.ensure_future(handle())
            while (item := await queue.get()) is not _DONE:
                await answer.write(json.dumps(item) + "\n")
            await task

        return stream
