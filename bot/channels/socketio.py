"""Socket.io channel for the web widget, redacting every message before Rasa sees it.

Rasa's socket.io protocol unchanged (``user_uttered`` / ``bot_uttered``,
``session_request`` / ``session_confirm``, session persistence), so
Rasa-compatible widgets connect as they are. Malformed events get a clear
``bot_uttered`` error instead of an exception in the server.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from bot.channels.gate import PrivacyGate
from bot.channels.rest import MAX_SENDER_CHARS, BadRequest

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 20_000


def validate_event(data: Any, metadata_key: str) -> Dict[str, Any]:
    """The message text, session id and metadata of a ``user_uttered`` event, or BadRequest."""
    if not isinstance(data, dict):
        raise BadRequest(400, "a message must be an object like {\"message\": \"hi\", \"session_id\": \"...\"}")
    text = data.get("message")
    if not isinstance(text, str):
        raise BadRequest(400, '"message" must be a string')
    if len(text) > MAX_MESSAGE_CHARS:
        raise BadRequest(413, f'"message" is longer than {MAX_MESSAGE_CHARS} characters')
    text = "".join(ch for ch in text if ch.isprintable() or ch in "\n\t")
    if not text.strip():
        raise BadRequest(400, '"message" is empty')
    session_id = data.get("session_id")
    if session_id is not None and (
        not isinstance(session_id, str) or not session_id.strip() or len(session_id) > MAX_SENDER_CHARS
    ):
        raise BadRequest(400, f'"session_id" must be a string of at most {MAX_SENDER_CHARS} characters')
    metadata = data.get(metadata_key)
    if isinstance(metadata, str):
        try:
            metadata = json.loads(metadata)
        except json.JSONDecodeError:
            raise BadRequest(400, f'"{metadata_key}" is not valid JSON') from None
    if metadata is not None and not isinstance(metadata, dict):
        raise BadRequest(400, f'"{metadata_key}" must be an object')
    return {"message": text, "session_id": session_id, "metadata": metadata}


class RedactingSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel, with every message redacted at the door."""

    gate: PrivacyGate

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        credentials = credentials or {}
        channel = cls(
            credentials.get("user_message_evt", "user_uttered"),
            credentials.get("bot_message_evt", "bot_uttered"),
            credentials.get("namespace"),
            credentials.get("session_persistence", True),
            credentials.get("socketio_path", "/socket.io"),
            credentials.get("jwt_key"),
            credentials.get("jwt_method", "HS256"),
            credentials.get("metadata_key", "metadata"),
        )
        channel.gate = PrivacyGate.shared(credentials.get("policy"), credentials.get("var_dir"))
        return channel

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        guarded = self.gate.wrap(on_new_message)
        webhook = super().blueprint(guarded)
        sio = self.sio
        assert sio is not None

        # Replaces Rasa's handler for the same event: validate first, never raise.
        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any) -> None:
            output = SocketIOOutput(sio, self.bot_message_evt)
            try:
                fields = validate_event(data, self.metadata_key or "metadata")
            except BadRequest as error:
                await sio.emit(self.bot_message_evt, {"text": f"Sorry, I couldn't read that: {error}",
                                                      "error": str(error)}, room=sid)
                return
            if self.session_persistence:
                if not fields["session_id"]:
                    await sio.emit(self.bot_message_evt, {"error": "send session_request first"}, room=sid)
                    return
                sender = fields["session_id"]
            else:
                sender = sid
            message = UserMessage(fields["message"], output, sender, input_channel=self.name(),
                                  metadata=fields["metadata"])
            try:
                await guarded(message)
            except Exception as error:
                logger.error("handling a socket.io message failed in conversation %s: %s", sender,
                             type(error).__name__)
                await sio.emit(self.bot_message_evt, {"text": "Sorry, something went wrong. Please try again."},
                               room=sid)

        return webhook
