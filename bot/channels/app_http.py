"""Request checks and responses of the banking-app channel, apart from its routes.

Everything here is plain and testable without a server: body limits and
validation (``BadRequest``), the JSON error responses (with the
``WWW-Authenticate`` challenge RFC 6750 asks of a bearer-token API), and the
output channel that collects the bot's answers and the redaction notice.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Tuple

from rasa.core.channels.channel import CollectingOutputChannel
from sanic import response
from sanic.response import HTTPResponse

from bot.channels.auth import AuthError
from bot.channels.rest import BadRequest, parse_body, validate_content

MAX_BODY_BYTES = 64 * 1024
# Naming a conversation in the body is refused outright rather than ignored: a client that
# sends one believes it chooses the conversation, and must learn that the token does.
CONVERSATION_FIELDS = ("sender", "sender_id", "conversation_id")


def error_json(status: int, message: str, headers: Optional[Mapping[str, str]] = None) -> HTTPResponse:
    """The channel's error: ``{"error": message, "status": status}``."""
    return response.json({"error": message, "status": status}, status=status, headers=dict(headers or {}))


def auth_error_response(error: AuthError, scope: Optional[str] = None) -> HTTPResponse:
    """401 with a Bearer challenge, or 403 saying which scope is missing (RFC 6750, section 3)."""
    if error.status == 403:
        challenge = f'Bearer error="insufficient_scope", scope="{scope}"' if scope else "Bearer"
    else:
        challenge = 'Bearer realm="finbot"'
    return error_json(error.status, str(error), {"WWW-Authenticate": challenge})


def allow_header_on_405(request: Any, exception: Exception) -> HTTPResponse:
    """Sanic's own 405 answer, with the ``Allow`` header its JSON error page drops (Sanic 21.12).

    RFC 9110 requires ``Allow`` on a 405, so that a client learns which methods
    the URL takes; the exception carries it, the renderer forgets it.
    """
    answer: HTTPResponse = request.app.error_handler.default(request, exception)
    answer.headers.update(getattr(exception, "headers", None) or {})
    return answer


def check_size(content_length: Optional[str], body: Optional[bytes], max_bytes: int) -> None:
    """BadRequest(413) when the declared or the actual body is over ``max_bytes``."""
    if content_length is not None:
        try:
            declared = int(content_length.strip())
        except ValueError:
            raise BadRequest(400, "the Content-Length header is not a number") from None
        if declared > max_bytes:
            raise BadRequest(413, f"the body is larger than {max_bytes} bytes")
    if body is not None and len(body) > max_bytes:
        raise BadRequest(413, f"the body is larger than {max_bytes} bytes")


def parse_chat(raw: Optional[bytes], max_bytes: int = MAX_BODY_BYTES) -> Tuple[str, Optional[Dict[str, Any]]]:
    """The ``message`` and ``metadata`` of a chat request body, or BadRequest saying what is wrong.

    Control characters are dropped from the message (as the REST channel
    does); a message with nothing printable left is empty.
    """
    if raw is None or not raw.strip():
        raise BadRequest(400, 'the body is empty; send JSON like {"message": "hi"}')
    body = parse_body(raw, max_bytes)
    named = [name for name in CONVERSATION_FIELDS if name in body]
    if named:
        raise BadRequest(400, f'"{named[0]}" is not accepted: the conversation is the token\'s subject')
    return validate_content(body.get("message"), body.get("metadata"))


class AppOutputChannel(CollectingOutputChannel):
    """Collects the bot's answers for one request, and what was hidden from the message apart from them."""

    def __init__(self) -> None:
        super().__init__()
        self.redacted: Optional[Dict[str, Any]] = None

    @classmethod
    def name(cls) -> str:
        return "app"

    async def send_redaction_notice(self, recipient_id: str, kinds: List[str], labels: List[str], text: str) -> None:
        """Keep the notice for the response's ``redacted`` field (kinds and labels, never values)."""
        self.redacted = {"kinds": list(kinds), "labels": list(labels), "notice": text}

    def answers(self) -> List[Dict[str, Any]]:
        """The collected messages without ``recipient_id`` (the caller knows who it is)."""
        return [{key: value for key, value in message.items() if key != "recipient_id"} for message in self.messages]
