"""Who each socket.io connection is, and which conversation it may talk in.

A connection that carries a bearer token (``auth: {token}`` in the socket.io
handshake, or an ``Authorization`` header) with the ``chat`` scope is signed in:
its conversation is the token's (``app:<sub>``), whatever session id the client
names, and only there do banking actions act (actions.signed_in). A token that
does not verify is refused. With the channel's ``require_token: true`` a
connection without a token is refused too; otherwise it is an anonymous
visitor, whose session id is issued by the server: 128 random bits and a MAC
under a key of this deployment (``SessionIds``), so a client can come back to a
session it was given (after a reload, on another server of the deployment) but
cannot join one it was not given, nor name an ``app:`` conversation.

Either way, the conversation a connection confirmed is remembered per
socket id, so that "clear conversation" can only erase that one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any, Callable, Dict, Mapping, Optional

from bot.channels.auth import (
    SCOPE_CHAT,
    SCOPE_PRIVACY_ERASE,
    AuthError,
    Principal,
    TokenVerifier,
    is_reserved,
)
from bot.channels.rest import MAX_SENDER_CHARS
from bot.clock import SYSTEM_CLOCK, Clock


@dataclass
class Connection:
    """One socket: its verified caller (token mode) and the conversation it confirmed."""

    principal: Optional[Principal] = None
    conversation: Optional[str] = None
    address: Optional[str] = None  # the client's, for its rate limit (bot.channels.ratelimit)
    structured: bool = False  # the client asked for structured notices and errors (our widget does)


def token_from(auth: Any, environ: Mapping[str, Any]) -> Optional[str]:
    """The bearer token of a handshake: ``auth.token``, else the ``Authorization: Bearer`` header."""
    if isinstance(auth, dict) and isinstance(auth.get("token"), str) and auth["token"].strip():
        return str(auth["token"]).strip()
    header = environ.get("HTTP_AUTHORIZATION")
    if isinstance(header, str):
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return token.strip()
    return None


def requested_session(data: Any) -> Optional[str]:
    """The session id a client asked for, if it is a usable one (else None: a new one is made)."""
    session_id = data.get("session_id") if isinstance(data, dict) else None
    if isinstance(session_id, str) and session_id.strip() and len(session_id) <= MAX_SENDER_CHARS \
            and session_id.isprintable() and not is_reserved(session_id):
        return session_id
    return None


class SessionIds:
    """Session ids for anonymous visitors that only this deployment can issue: ``<random>.<MAC>``, hex."""

    def __init__(self, key: bytes, random_hex: Callable[[], str] = lambda: secrets.token_hex(16)) -> None:
        self._key = key
        self._random_hex = random_hex

    def _mac(self, random_part: str) -> str:
        return hmac.new(self._key, b"socket.io session\x00" + random_part.encode(), hashlib.sha256).hexdigest()[:32]

    def issue(self) -> str:
        random_part = self._random_hex()
        return f"{random_part}.{self._mac(random_part)}"

    def issued(self, session_id: Optional[str]) -> bool:
        """Whether ``session_id`` is one this deployment issued."""
        if not session_id or not session_id.isascii():
            return False
        random_part, dot, mac = session_id.partition(".")
        return bool(dot) and len(random_part) == 32 and hmac.compare_digest(self._mac(random_part), mac)


class Sessions:
    """The connections of one socket.io server, and the rule that gives each its conversation."""

    def __init__(
        self, verifier: Optional[TokenVerifier] = None, ids: Optional[SessionIds] = None, required: bool = False,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.verifier = verifier
        self._clock = clock
        self.ids = ids or SessionIds(secrets.token_bytes(32))  # a key of this process only: tests
        self.required = required and verifier is not None
        self.connections: Dict[str, Connection] = {}

    @property
    def require_token(self) -> bool:
        return self.required

    def connect(self, sid: str, auth: Any, environ: Mapping[str, Any]) -> Connection:
        """Admit a connection, or raise AuthError (401 no valid token, 403 no ``chat`` scope)."""
        connection = Connection()
        token = token_from(auth, environ)
        if token is not None and self.verifier is None:
            raise AuthError(401, "this server accepts no tokens on this channel")
        if token is not None:
            assert self.verifier is not None
            principal = self.verifier.verify(token)
            principal.require(SCOPE_CHAT)
            # Bound now: there is no other conversation this socket could ever name.
            connection = Connection(principal=principal, conversation=principal.conversation)
        elif self.required:
            raise AuthError(401, "connect with auth: {token: <bearer token>}")
        self.connections[sid] = connection
        return connection

    def principal(self, sid: str) -> Optional[Principal]:
        """The verified caller of a signed-in socket, else None."""
        connection = self.connections.get(sid)
        return connection.principal if connection is not None else None

    def signed_in(self, sid: str) -> bool:
        """Whether the socket connected with a verified token."""
        connection = self.connections.get(sid)
        return connection is not None and connection.principal is not None

    def disconnect(self, sid: str) -> None:
        self.connections.pop(sid, None)

    def confirm(self, sid: str, data: Any, persistent: bool = True) -> str:
        """The conversation for a ``session_request``: the token's; else, when sessions persist, the one asked
        for if this deployment issued it, or a new one; the socket's own id when they do not (as Rasa does)."""
        connection = self.connections.setdefault(sid, Connection())
        if connection.principal is not None:
            return connection.principal.conversation
        asked = requested_session(data)
        conversation = (asked if asked and self.ids.issued(asked) else self.ids.issue()) if persistent else sid
        connection.conversation = conversation
        return conversation

    def sender(self, sid: str, client_session: Optional[str]) -> str:
        """The conversation a ``user_uttered`` goes to; AuthError when the socket may not send.

        On a signed-in socket the client's ``session_id`` is ignored: the token decides.
        """
        connection = self.connections.get(sid)
        if connection is not None and connection.principal is not None:
            return self._principal(connection).conversation
        if self.required:
            raise AuthError(401, "this connection has no token")
        confirmed = connection.conversation if connection is not None else None
        if not confirmed:
            raise AuthError(400, "send session_request first")
        if client_session and client_session != confirmed:
            raise AuthError(400, "the session_id is not the session this connection confirmed")
        return confirmed

    def _principal(self, connection: Optional[Connection]) -> Principal:
        """The caller of a token-mode connection whose token is still valid; AuthError(401) otherwise."""
        assert self.verifier is not None
        if connection is None or connection.principal is None:
            raise AuthError(401, "this connection has no token")
        if connection.principal.expires_at + self.verifier.leeway < self._clock.now():
            raise AuthError(401, "the token has expired; reconnect with a new one")
        return connection.principal

    def erasable(self, sid: str) -> str:
        """The conversation a "clear conversation" on this socket may erase; AuthError if none.

        On a signed-in socket the token must still be valid and grant ``privacy:erase``, as on the app channel.
        """
        connection = self.connections.get(sid)
        if connection is not None and connection.principal is not None:
            principal = self._principal(connection)
            principal.require(SCOPE_PRIVACY_ERASE)
            return principal.conversation
        if connection is None or not connection.conversation:
            raise AuthError(400, "send session_request first")
        return connection.conversation

    def confirmed(self, sid: str) -> Optional[str]:
        """The conversation this socket confirmed (or is bound to), if any."""
        connection = self.connections.get(sid)
        return connection.conversation if connection is not None else None

    def forget(self, sid: str) -> None:
        """After an erase: a socket without a token must ask for a new session."""
        connection = self.connections.get(sid)
        if connection is not None and connection.principal is None:
            connection.conversation = None
