"""Who each socket.io connection is, and which conversation it may talk in.

Two modes, set by the channel's ``require_token`` credential:

- ``require_token: false`` (Rasa's behaviour): the client names its session in
  ``session_request`` (or gets a fresh one); the session id is the secret.
- ``require_token: true``: a connection must carry a bearer token
  (``auth: {token}`` in the socket.io handshake, or an ``Authorization``
  header) with the ``chat`` scope. The conversation is the token's ``sub``,
  whatever session id the client names, and the connection is refused
  without a valid token.

Either way, the conversation a connection confirmed is remembered per
socket id, so that "clear conversation" can only erase that one.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional

from bot.channels.auth import (
    SCOPE_CHAT,
    SCOPE_PRIVACY_ERASE,
    AuthError,
    Principal,
    TokenVerifier,
    is_reserved,
)
from bot.channels.rest import MAX_SENDER_CHARS


@dataclass
class Connection:
    """One socket: its verified caller (token mode) and the conversation it confirmed."""

    principal: Optional[Principal] = None
    conversation: Optional[str] = None


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


class Sessions:
    """The connections of one socket.io server, and the rule that gives each its conversation."""

    def __init__(self, verifier: Optional[TokenVerifier] = None) -> None:
        self.verifier = verifier
        self.connections: Dict[str, Connection] = {}

    @property
    def require_token(self) -> bool:
        return self.verifier is not None

    def connect(self, sid: str, auth: Any, environ: Mapping[str, Any]) -> Connection:
        """Admit a connection, or raise AuthError (401 no valid token, 403 no ``chat`` scope)."""
        connection = Connection()
        if self.verifier is not None:
            token = token_from(auth, environ)
            if token is None:
                raise AuthError(401, "connect with auth: {token: <bearer token>}")
            principal = self.verifier.verify(token)
            principal.require(SCOPE_CHAT)
            # Bound now: there is no other conversation this socket could ever name.
            connection = Connection(principal=principal, conversation=principal.conversation)
        self.connections[sid] = connection
        return connection

    def disconnect(self, sid: str) -> None:
        self.connections.pop(sid, None)

    def confirm(self, sid: str, data: Any, persistent: bool = True) -> str:
        """The conversation for a ``session_request``: the token's ``sub``; else the one asked for (or a new
        one) when sessions persist, and the socket's own id when they do not (as Rasa does)."""
        connection = self.connections.setdefault(sid, Connection())
        if connection.principal is not None:
            return connection.principal.conversation
        if persistent:
            connection.conversation = requested_session(data) or uuid.uuid4().hex
        else:
            connection.conversation = sid
        return connection.conversation

    def sender(self, sid: str, client_session: Optional[str]) -> str:
        """The conversation a ``user_uttered`` goes to; AuthError when the socket may not send.

        With tokens, the client's ``session_id`` is ignored: the ``sub`` decides.
        """
        connection = self.connections.get(sid)
        if self.verifier is None:
            confirmed = connection.conversation if connection is not None else None
            if not confirmed:
                raise AuthError(400, "send session_request first")
            if client_session and client_session != confirmed:
                raise AuthError(400, "the session_id is not the session this connection confirmed")
            return confirmed
        return self._principal(connection).conversation

    def _principal(self, connection: Optional[Connection]) -> Principal:
        """The caller of a token-mode connection whose token is still valid; AuthError(401) otherwise."""
        assert self.verifier is not None
        if connection is None or connection.principal is None:
            raise AuthError(401, "this connection has no token")
        if connection.principal.expires_at + self.verifier.leeway < time.time():
            raise AuthError(401, "the token has expired; reconnect with a new one")
        return connection.principal

    def erasable(self, sid: str) -> str:
        """The conversation a "clear conversation" on this socket may erase; AuthError if none.

        With tokens, the token must still be valid and grant ``privacy:erase``, as on the app channel.
        """
        connection = self.connections.get(sid)
        if self.verifier is not None:
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
