"""Which conversation a socket.io connection may talk in: the client's choice, or the token's subject."""

from __future__ import annotations

import time
from typing import Optional

import pytest

from bot.channels.auth import SCOPE_CHAT, SCOPE_PRIVACY_READ, AuthError, TokenVerifier, mint
from bot.channels.socketio import as_kept, token_verifier
from bot.channels.socketio_sessions import Sessions, requested_session, token_from
from bot.privacy.entities import ENTITY_KINDS

SECRET = b"s" * 32


def verifier() -> TokenVerifier:
    return TokenVerifier(SECRET)


def token(subject: str, scopes: tuple = (SCOPE_CHAT,), ttl: float = 600) -> str:
    return mint(subject, SECRET, scopes=scopes, ttl_seconds=ttl)


def test_without_tokens_the_client_names_its_session_or_gets_a_new_one() -> None:
    sessions = Sessions()
    sessions.connect("sid1", None, {})
    assert sessions.confirm("sid1", {"session_id": "abc"}) == "abc"
    assert sessions.confirmed("sid1") == "abc"
    assert sessions.sender("sid1", "abc") == "abc"  # Rasa's protocol: the message names its session
    fresh = sessions.confirm("sid1", {"session_id": None})
    assert len(fresh) == 32 and fresh != "abc"
    assert sessions.sender("sid1", fresh) == fresh and sessions.sender("sid1", None) == fresh
    with pytest.raises(AuthError):  # only the session this socket confirmed, not one it merely names
        sessions.sender("sid1", "abc")
    with pytest.raises(AuthError):
        sessions.sender("sid2", "abc")  # no session_request on this socket


def test_without_persistence_the_conversation_is_the_socket_and_that_is_what_erase_targets() -> None:
    sessions = Sessions()
    sessions.connect("sid1", None, {})
    assert sessions.confirm("sid1", {"session_id": "victim"}, persistent=False) == "sid1"
    assert sessions.erasable("sid1") == "sid1"


def test_a_signed_in_customers_conversation_cannot_be_asked_for_without_a_token() -> None:
    sessions = Sessions()
    sessions.connect("sid1", None, {})
    assert sessions.confirm("sid1", {"session_id": "app:alice"}) != "app:alice"


@pytest.mark.parametrize("asked", ["", "   ", "x" * 200, "bad\x00id", 42, ["a"], "app:alice", "APP:alice"])
def test_an_unusable_session_id_is_replaced(asked: object) -> None:
    assert requested_session({"session_id": asked}) is None


def test_with_tokens_the_subject_decides_everything() -> None:
    sessions = Sessions(verifier())
    connection = sessions.connect("sid1", {"token": token("alice")}, {})
    assert connection.conversation == "app:alice"  # the namespace no open channel can name
    assert sessions.confirm("sid1", {"session_id": "bob"}) == "app:alice"
    assert sessions.sender("sid1", "bob") == "app:alice"
    with pytest.raises(AuthError) as refused:  # a chat token may talk, not erase
        sessions.erasable("sid1")
    assert refused.value.status == 403
    sessions.forget("sid1")  # an erase does not unbind a token's conversation
    assert sessions.confirmed("sid1") == "app:alice"
    sessions.disconnect("sid1")
    with pytest.raises(AuthError) as caught:
        sessions.sender("sid1", "alice")
    assert caught.value.status == 401


@pytest.mark.parametrize("auth, environ, status", [
    (None, {}, 401),
    ({"token": ""}, {}, 401),
    ({"token": "garbage"}, {}, 401),
    ({"token": token("alice", ttl=-600)}, {}, 401),
    ({"token": mint("alice", b"o" * 32, scopes=[SCOPE_CHAT])}, {}, 401),
    ({"token": token("alice", scopes=(SCOPE_PRIVACY_READ,))}, {}, 403),
])
def test_a_connection_without_a_valid_chat_token_is_refused(auth: Optional[dict], environ: dict, status: int) -> None:
    sessions = Sessions(verifier())
    with pytest.raises(AuthError) as caught:
        sessions.connect("sid1", auth, environ)
    assert caught.value.status == status
    assert "sid1" not in sessions.connections


def test_the_token_may_come_in_an_authorization_header() -> None:
    good = token("carol")
    assert token_from(None, {"HTTP_AUTHORIZATION": f"Bearer {good}"}) == good
    assert token_from({"token": good}, {"HTTP_AUTHORIZATION": "Bearer other"}) == good
    assert token_from(None, {"HTTP_AUTHORIZATION": f"Basic {good}"}) is None
    assert Sessions(verifier()).connect("s", None, {"HTTP_AUTHORIZATION": f"Bearer {good}"}).conversation == "app:carol"


def test_a_token_that_expires_while_connected_stops_the_messages() -> None:
    sessions = Sessions(TokenVerifier(SECRET, leeway_seconds=0))
    sessions.connect("sid1", {"token": mint("dave", SECRET, scopes=[SCOPE_CHAT], ttl_seconds=1)}, {})
    assert sessions.sender("sid1", None) == "app:dave"
    time.sleep(1.2)
    with pytest.raises(AuthError, match="expired"):
        sessions.sender("sid1", None)
    with pytest.raises(AuthError, match="expired"):
        sessions.erasable("sid1")


def test_the_channel_settings() -> None:
    assert token_verifier({}) is None
    assert token_verifier({"require_token": False}) is None
    with pytest.raises(Exception, match="require_token"):
        token_verifier({"jwt_key": "rasa-style"})


def test_what_the_widget_keeps_names_the_kind_never_the_value() -> None:
    assert as_kept("my card is <CREDIT_CARD_1>, SSN <US_SSN_2>") == \
        f"my card is [card number hidden], SSN [{ENTITY_KINDS['US_SSN']} hidden]"
    assert as_kept("<CREDIT_CARD_12> and <CREDIT_CARD_1>") == "[card number hidden] and [card number hidden]"
    assert as_kept("<NOT_A_KIND_1>") == "[detail hidden]"
    assert as_kept("no placeholders <here>") == "no placeholders <here>"
