"""Which conversation a socket.io connection may talk in: the client's choice, or the token's subject."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from bot.channels.auth import SCOPE_CHAT, SCOPE_PRIVACY_READ, AuthError, TokenVerifier, local_secret, mint
from bot.channels.socketio import as_kept, token_verifier
from bot.channels.socketio_sessions import SessionIds, Sessions, requested_session, token_from
from bot.clock import FakeClock
from bot.privacy.entities import ENTITY_KINDS

SECRET = b"s" * 32


def verifier() -> TokenVerifier:
    return TokenVerifier(SECRET)


def token(subject: str, scopes: tuple = (SCOPE_CHAT,), ttl: float = 600) -> str:
    return mint(subject, SECRET, scopes=scopes, ttl_seconds=ttl)


def test_without_a_token_the_server_issues_the_session_and_the_client_may_come_back_only_to_one_it_was_given(
) -> None:
    ids = SessionIds(b"i" * 32)
    sessions = Sessions(ids=ids)
    sessions.connect("sid1", None, {})
    made_up = sessions.confirm("sid1", {"session_id": "abc"})
    assert made_up != "abc" and ids.issued(made_up)  # a session it names but was not given: a new one
    given = sessions.confirm("sid1", {"session_id": None})
    assert given != made_up and ids.issued(given)
    assert sessions.sender("sid1", given) == given and sessions.sender("sid1", None) == given
    # After a reload (another socket, here or on another server of the deployment): the same session.
    other_server = Sessions(ids=SessionIds(b"i" * 32))
    other_server.connect("sid9", None, {})
    assert other_server.confirm("sid9", {"session_id": given}) == given
    # Another deployment's ids, or one with its MAC altered, are not taken.
    assert Sessions(ids=SessionIds(b"x" * 32)).confirm("sid1", {"session_id": given}) != given
    forged = given[:-1] + ("0" if given[-1] != "0" else "1")
    assert not ids.issued(forged) and sessions.confirm("sid1", {"session_id": forged}) != forged
    with pytest.raises(AuthError):  # only the session this socket confirmed, not one it merely names
        sessions.sender("sid1", made_up)
    with pytest.raises(AuthError):
        sessions.sender("sid2", given)  # no session_request on this socket


def test_issued_session_ids_are_128_random_bits_and_a_mac() -> None:
    ids = SessionIds(b"i" * 32)
    issued = {ids.issue() for _ in range(200)}
    assert len(issued) == 200
    for session_id in issued:
        random_part, _, mac = session_id.partition(".")
        assert len(random_part) == 32 and int(random_part, 16) >= 0 and len(mac) == 32 and ids.issued(session_id)
    assert not ids.issued(None) and not ids.issued("") and not ids.issued("é" * 65) and not ids.issued("a.b")


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


@pytest.mark.parametrize("required", [True, False])
def test_with_a_token_the_subject_decides_everything(required: bool) -> None:
    sessions = Sessions(verifier(), required=required)
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
    assert caught.value.status == (401 if required else 400)  # gone: no token, and no session asked for


def test_without_require_token_a_connection_without_a_token_is_an_anonymous_visitor() -> None:
    sessions = Sessions(verifier())
    connection = sessions.connect("sid1", None, {})
    assert connection.principal is None and not sessions.signed_in("sid1")
    conversation = sessions.confirm("sid1", {"session_id": "app:alice"})
    assert not conversation.startswith("app:") and sessions.sender("sid1", None) == conversation


def test_a_token_sent_to_a_server_that_checks_none_is_refused_not_ignored() -> None:
    with pytest.raises(AuthError) as caught:
        Sessions().connect("sid1", {"token": token("alice")}, {})
    assert caught.value.status == 401


@pytest.mark.parametrize("required", [True, False])
@pytest.mark.parametrize("auth, environ, status", [
    ({"token": ""}, {}, 401),
    ({"token": "garbage"}, {}, 401),
    # Tokens are made when the test runs, not when it is collected: minutes may pass in between.
    (lambda: {"token": token("alice", ttl=-600)}, {}, 401),
    (lambda: {"token": mint("alice", b"o" * 32, scopes=[SCOPE_CHAT])}, {}, 401),
    (lambda: {"token": token("alice", scopes=(SCOPE_PRIVACY_READ,))}, {}, 403),
])
def test_a_connection_without_a_valid_chat_token_is_refused(
    auth: Any, environ: dict, status: int, required: bool
) -> None:
    auth = auth() if callable(auth) else auth
    sessions = Sessions(verifier(), required=required)
    if auth == {"token": ""} and not required:
        auth = None  # an empty token is no token: an anonymous visitor, refused only when tokens are required
        sessions.connect("sid1", auth, environ)
        assert not sessions.signed_in("sid1")
        return
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
    # Connecting checks the token with PyJWT, on the system clock: the fake one starts there.
    clock = FakeClock(time.time())
    sessions = Sessions(TokenVerifier(SECRET, leeway_seconds=0), clock=clock)
    sessions.connect("sid1", {"token": mint("dave", SECRET, scopes=[SCOPE_CHAT], ttl_seconds=60, now=clock.now())}, {})
    assert sessions.sender("sid1", None) == "app:dave"
    clock.advance(59)
    assert sessions.sender("sid1", None) == "app:dave"
    clock.advance(1.5)
    with pytest.raises(AuthError, match="expired"):
        sessions.sender("sid1", None)
    with pytest.raises(AuthError, match="expired"):
        sessions.erasable("sid1")


def test_a_connection_without_a_token_is_refused_when_tokens_are_required() -> None:
    with pytest.raises(AuthError) as caught:
        Sessions(verifier(), required=True).connect("sid1", None, {})
    assert caught.value.status == 401


def test_the_channel_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FINBOT_JWT_SECRET", raising=False)
    monkeypatch.delenv("FINBOT_VAULT_KEY", raising=False)
    # Tokens are checked whether or not they are required: with the app channel's secret by default.
    default = token_verifier({"var_dir": str(tmp_path / "var")})
    principal = default.verify(mint("erin", local_secret(str(tmp_path / "var")), scopes=[SCOPE_CHAT]))
    assert principal.conversation == "app:erin"
    with pytest.raises(Exception, match="jwt_"):
        token_verifier({"jwt_key": "rasa-style"})


def test_what_the_widget_keeps_names_the_kind_never_the_value() -> None:
    assert as_kept("my card is <CREDIT_CARD_1>, SSN <US_SSN_2>") == \
        f"my card is [card number hidden], SSN [{ENTITY_KINDS['US_SSN']} hidden]"
    assert as_kept("<CREDIT_CARD_12> and <CREDIT_CARD_1>") == "[card number hidden] and [card number hidden]"
    assert as_kept("<NOT_A_KIND_1>") == "[detail hidden]"
    assert as_kept("no placeholders <here>") == "no placeholders <here>"
