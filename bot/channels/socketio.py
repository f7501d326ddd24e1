"""Socket.io channel for the web widget, redacting every message before Rasa sees it.

Rasa's socket.io protocol unchanged (``user_uttered`` / ``bot_uttered``,
``session_request`` / ``session_confirm``, session persistence), so
Rasa-compatible widgets connect as they are. Malformed events get a clear
``bot_uttered`` error instead of an exception in the server. Added:

- a redaction notice arrives structured: ``{"text", "redaction": {"kinds", "labels"}}``;
- a custom payload (a chart) arrives as ``{"custom": {...}}`` (Rasa's own output
  channel passes its keys to ``emit`` as arguments, which fails for a chart);
- ``session_erase`` erases the conversation this socket confirmed, and answers
  ``{"erased": true}`` (as the event's ack, and as a ``session_erased`` event);
- after a notice, ``user_redacted`` gives the person's message as kept
  (``{"text": "my card is [card number hidden]"}``), so that the widget stores
  that in the browser rather than what was typed;
- a connection with a bearer token is signed in, bound to the token's
  conversation; ``require_token: true`` refuses connections without one; an
  anonymous visitor's session id is issued by the server
  (see ``bot.channels.socketio_sessions``).
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any, Awaitable, Callable, Dict, Iterable, Optional

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint
from socketio import AsyncServer
from socketio.exceptions import ConnectionRefusedError as Refused

from bot import metrics
from bot.channels.auth import (
    AuthConfigError,
    AuthError,
    Pseudonyms,
    TokenVerifier,
    deployment_key,
    vouched_metadata,
)
from bot.channels.gate import PrivacyGate
from bot.channels.privacy import conversation_lock, erase_conversation
from bot.channels.ratelimit import RateLimiter, RateLimits, client_address, retry_after
from bot.channels.rest import MAX_SENDER_CHARS, BadRequest
from bot.channels.socketio_sessions import SessionIds, Sessions
from bot.faults.install import install_at_start
from bot.privacy.entities import ENTITY_KINDS
from bot.stores.tracker_store import Erasure

logger = logging.getLogger(__name__)

SESSION_ID_PURPOSE = "socketio-session-ids"

MAX_MESSAGE_CHARS = 20_000
ERASE_EVENT = "session_erase"
ERASED_EVENT = "session_erased"
REDACTED_EVENT = "user_redacted"
PLACEHOLDER = re.compile(r"<([A-Z][A-Z_]*?)_\d+>")
TOKEN_SETTINGS = ("jwt_algorithm", "jwt_secret_env", "jwt_secret_fallback", "jwt_public_key_file", "jwt_audience",
                  "jwt_issuer", "leeway_seconds")


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
        or not session_id.isprintable()
    ):
        raise BadRequest(400, f'"session_id" must be a printable string of at most {MAX_SENDER_CHARS} characters')
    metadata = data.get(metadata_key)
    if isinstance(metadata, str):
        try:
            metadata = json.loads(metadata)
        except (ValueError, RecursionError):  # JSONDecodeError is a ValueError; so is too long a number
            raise BadRequest(400, f'"{metadata_key}" is not valid JSON') from None
    if metadata is not None and not isinstance(metadata, dict):
        raise BadRequest(400, f'"{metadata_key}" must be an object')
    return {"message": text, "session_id": session_id, "metadata": metadata}


def as_kept(redacted_text: str) -> str:
    """A redacted message for people: ``<CREDIT_CARD_1>`` becomes ``[card number hidden]``."""
    return PLACEHOLDER.sub(lambda m: f"[{ENTITY_KINDS.get(m.group(1), 'detail')} hidden]", redacted_text)


class RedactingSocketIOOutput(SocketIOOutput):
    """Rasa's socket.io output, plus redaction notices and custom payloads that work.

    ``structured``: the client asked for the structured forms (our widget does, in its ``session_request``):
    a notice carries the kinds and labels hidden, an error its reason. Stock widgets (``rasa-webchat``) show
    only messages made of ``text`` (and buttons): they get the same text alone.
    """

    noticed = False  # a redaction notice went out for the message being handled

    def __init__(self, sio: Any, bot_message_evt: str, structured: bool = True) -> None:
        super().__init__(sio, bot_message_evt)
        self.structured = structured

    async def send_redaction_notice(
        self, recipient_id: str, kinds: Iterable[str], labels: Iterable[str], text: str
    ) -> None:
        """The notice as text (any widget shows it), with the kinds and labels hidden when the client asked;
        never values."""
        self.noticed = True
        notice: Dict[str, Any] = {"text": text}
        if self.structured:
            notice["redaction"] = {"kinds": list(kinds), "labels": list(labels)}
        await self._send_message(recipient_id, notice)

    async def send_custom_json(self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any) -> None:
        """The payload under ``custom`` (the widget draws ``custom.chart``)."""
        await self._send_message(recipient_id, {"custom": json_message})


def token_verifier(credentials: Dict[str, Any]) -> TokenVerifier:
    """The verifier of the tokens that sign a connection in (required or not, see bot.channels.socketio_sessions);
    AuthConfigError for settings that cannot work."""
    if credentials.get("jwt_key"):
        # Rasa's own jwt_key checks a token but binds nothing; refuse it rather than half-protect.
        raise AuthConfigError("use the jwt_* settings of bot/channels/auth.py (and require_token), "
                              "not Rasa's jwt_key")
    settings = {key: credentials[key] for key in TOKEN_SETTINGS if key in credentials}
    return TokenVerifier.from_settings(settings, credentials.get("var_dir"))


class RedactingSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel, with every message redacted at the door."""

    gate: PrivacyGate
    sessions: Sessions
    limiter: RateLimiter

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        credentials = credentials or {}
        channel = cls(
            credentials.get("user_message_evt", "user_uttered"),
            credentials.get("bot_message_evt", "bot_uttered"),
            credentials.get("namespace"),
            credentials.get("session_persistence", True),
            credentials.get("socketio_path", "/socket.io"),
            None,
            "HS256",
            credentials.get("metadata_key", "metadata"),
        )
        channel.gate = PrivacyGate.shared(credentials.get("policy"), credentials.get("var_dir"))
        ids = SessionIds(deployment_key(credentials.get("var_dir"), SESSION_ID_PURPOSE))
        verifier = token_verifier(credentials)
        verifier.pseudonyms = Pseudonyms.for_deployment(credentials.get("var_dir"), channel.gate.redactor.detect)
        channel.sessions = Sessions(verifier, ids, required=bool(credentials.get("require_token")))
        channel.limiter = RateLimiter(RateLimits.from_credentials(credentials))
        return channel

    def get_output_channel(self) -> Optional[OutputChannel]:
        return RedactingSocketIOOutput(self.sio, self.bot_message_evt) if self.sio is not None else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def tell_kept(message: UserMessage) -> Any:
            # Runs after the gate: ``message.text`` holds placeholders only.
            output = message.output_channel
            # Always sent, so the widget keeps this form of every message it shows (and nothing of a refused one).
            if isinstance(output, RedactingSocketIOOutput) and self.sio is not None:
                await self.sio.emit(REDACTED_EVENT, {"text": as_kept(message.text or "")}, room=message.sender_id)
            return await on_new_message(message)

        guarded = self.gate.wrap(tell_kept)
        webhook = super().blueprint(guarded)
        install_at_start(webhook)
        sio = self.sio
        assert sio is not None
        sessions = getattr(self, "sessions", None) or Sessions()
        limiter = getattr(self, "limiter", None) or RateLimiter()
        namespace = self.namespace

        def structured(sid: str) -> bool:
            connection = sessions.connections.get(sid)
            return connection is not None and connection.structured

        async def say_error(sid: str, text: str, error: str, **details: Any) -> None:
            # The reason (and details) only to a client that asked for structured answers: a stock widget
            # drops a message with keys it does not know, and the person would see nothing.
            await sio.emit(self.bot_message_evt, {"text": text, "error": error, **details} if structured(sid)
                           else {"text": text}, room=sid)

        # The handlers below replace Rasa's for the same events.
        @sio.on("connect", namespace=namespace)
        async def connect(sid: str, environ: Dict[str, Any], auth: Optional[Dict[str, Any]] = None) -> bool:
            try:
                connection = sessions.connect(sid, auth, environ)
            except AuthError as error:
                logger.info("refused a socket.io connection: %s", error)
                metrics.message_refused(self.name(), "forbidden" if error.status == 403 else "unauthorized")
                raise Refused(str(error), {"status": error.status}) from None
            connection.address = client_address(environ.get("REMOTE_ADDR"), environ.get("HTTP_X_FORWARDED_FOR"),
                                                limiter.limits.trusted_proxies)
            if connection.principal is not None:
                sio.enter_room(sid, connection.principal.conversation, namespace=namespace)
            return True

        @sio.on("disconnect", namespace=namespace)
        async def disconnect(sid: str) -> None:
            sessions.disconnect(sid)

        @sio.on("session_request", namespace=namespace)
        async def session_request(sid: str, data: Any = None) -> None:
            conversation = sessions.confirm(sid, data, persistent=self.session_persistence)
            connection = sessions.connections.get(sid)
            if connection is not None:
                connection.structured = isinstance(data, dict) and data.get("structured") is True
            if self.session_persistence or sessions.signed_in(sid):
                sio.enter_room(sid, conversation, namespace=namespace)
            await sio.emit("session_confirm", conversation, room=sid, namespace=namespace)

        @sio.on(self.user_message_evt, namespace=namespace)
        async def handle_message(sid: str, data: Any = None) -> None:
            output = RedactingSocketIOOutput(sio, self.bot_message_evt, structured=structured(sid))
            try:
                fields = validate_event(data, self.metadata_key or "metadata")
            except BadRequest as error:
                metrics.message_refused(self.name(), "bad_request")
                await say_error(sid, f"Sorry, I couldn't read that: {error}", str(error))
                return
            try:
                sender = sessions.sender(sid, fields["session_id"]) if self.session_persistence or \
                    sessions.signed_in(sid) or sessions.require_token else sid
            except AuthError as error:
                metrics.message_refused(self.name(), "forbidden" if error.status == 403 else "unauthorized")
                await say_error(sid, f"Sorry, I can't take messages on this connection: {error}", str(error))
                if error.status == 401 and (sessions.signed_in(sid) or sessions.require_token):
                    await sio.disconnect(sid, namespace=namespace)  # an expired token hears nothing more
                return
            connection = sessions.connections.get(sid)
            wait = limiter.check(sender, connection.address if connection is not None else None)
            if wait:
                metrics.message_refused(self.name(), "rate_limited")
                seconds = retry_after(wait)
                await say_error(sid, f"You're sending messages faster than I can take them. Please wait {seconds} s "
                                     "and try again.", "too many messages", retry_after=int(seconds))
                return
            message = UserMessage(fields["message"], output, sender, input_channel=self.name(),
                                  metadata=vouched_metadata(fields["metadata"], sessions.principal(sid)))
            try:
                await guarded(message)
            except Exception as error:
                logger.error("handling a socket.io message failed in conversation %s: %s", sender,
                             type(error).__name__)
                await sio.emit(self.bot_message_evt, {"text": "Sorry, something went wrong. Please try again."},
                               room=sid)

        @sio.on(ERASE_EVENT, namespace=namespace)
        async def session_erase(sid: str, data: Any = None) -> Dict[str, Any]:
            # Only the conversation this socket confirmed: a client cannot name another one.
            try:
                conversation = sessions.erasable(sid)
            except AuthError as error:
                return {"erased": False, "error": str(error), "status": error.status}
            try:
                erasure = await erase(sio, sid, conversation)
            except Exception as error:
                logger.error("erasing conversation %s for the widget failed: %s", conversation, type(error).__name__)
                return {"erased": False, "error": "the conversation could not be erased; please try again"}
            if not sessions.signed_in(sid):
                sio.leave_room(sid, conversation, namespace=namespace)
            sessions.forget(sid)
            answer = {"erased": True, "kept_elsewhere": list(erasure.kept_elsewhere)}
            await sio.emit(ERASED_EVENT, answer, room=sid, namespace=namespace)
            return answer

        async def erase(server: AsyncServer, sid: str, conversation: str) -> Erasure:
            # The Sanic request of the handshake leads to the app, and so to Rasa's agent.
            environ = server.get_environ(sid, namespace=namespace) or {}
            agent = environ["sanic.request"].app.ctx.agent
            async with conversation_lock(getattr(agent, "lock_store", None), conversation):
                erasure = await erase_conversation(agent.tracker_store, conversation)
            logger.info("erased conversation %s at the widget's request", conversation)
            return erasure

        return webhook
