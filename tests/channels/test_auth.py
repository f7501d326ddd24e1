"""Bearer tokens of the app channel: who the caller is, what they may do, and every way a token is refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Union

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.channels.auth import (
    ALL_SCOPES,
    SCOPE_CHAT,
    SCOPE_PRIVACY_ERASE,
    SCOPE_PRIVACY_READ,
    AuthConfigError,
    AuthError,
    Pseudonyms,
    TokenVerifier,
    is_reserved,
    local_secret,
    mint,
)

SECRET = b"s" * 32
OTHER_SECRET = b"o" * 32


def claims(**overrides: Any) -> Dict[str, Any]:
    now = int(time.time())
    base: Dict[str, Any] = {"sub": "customer-1", "iat": now, "exp": now + 600, "aud": "finbot", "scope": "chat"}
    base.update(overrides)
    return {key: value for key, value in base.items() if value is not None}


def signed(key: bytes = SECRET, algorithm: str = "HS256", **overrides: Any) -> str:
    return jwt.encode(claims(**overrides), key, algorithm=algorithm)


def hs256_by_hand(payload: Dict[str, Any], key: bytes) -> str:
    """An HS256 token signed with any bytes as the secret (PyJWT itself refuses a PEM key)."""
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + "." + b64(json.dumps(payload).encode())
    return head + "." + b64(hmac.new(key, head.encode(), hashlib.sha256).digest())


@pytest.fixture(scope="module")
def rsa_keys() -> Dict[str, bytes]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return {
        "private": private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
        "public": private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
    }


def test_a_valid_token_gives_its_subject_and_scopes() -> None:
    principal = TokenVerifier(SECRET).from_header("Bearer " + signed(scope="chat privacy:read"))
    assert principal.subject == "customer-1"
    assert principal.scopes == {SCOPE_CHAT, SCOPE_PRIVACY_READ}
    principal.require(SCOPE_CHAT)
    with pytest.raises(AuthError) as refused:
        principal.require(SCOPE_PRIVACY_ERASE)
    assert refused.value.status == 403 and SCOPE_PRIVACY_ERASE in str(refused.value)


def test_scopes_may_come_as_an_scp_list_and_the_scheme_in_any_case() -> None:
    principal = TokenVerifier(SECRET).from_header("bearer  " + signed(scope=None, scp=["privacy:erase"]))
    assert principal.scopes == {SCOPE_PRIVACY_ERASE}


def test_a_token_without_scope_grants_nothing() -> None:
    principal = TokenVerifier(SECRET).from_header("Bearer " + signed(scope=None))
    assert principal.scopes == frozenset()
    with pytest.raises(AuthError) as refused:
        principal.require(SCOPE_CHAT)
    assert refused.value.status == 403


@pytest.mark.parametrize(
    "header, fragment",
    [
        (None, "Authorization: Bearer"),
        ("", "Authorization: Bearer"),
        ("Basic dXNlcjpwYXNz", "must be: Bearer"),
        ("Bearer", "must be: Bearer"),
        ("Bearer    ", "must be: Bearer"),
        ("Bearer not-a-jwt", "invalid"),
        ("Bearer a.b.c", "invalid"),
        (lambda: "Bearer " + signed(OTHER_SECRET), "invalid"),  # wrong signature
        (lambda: "Bearer " + signed(exp=int(time.time()) - 31 - 5), "expired"),  # beyond the 30 s leeway
        (lambda: "Bearer " + signed(aud="another-service"), "audience"),
        (lambda: "Bearer " + signed(aud=None), '"aud"'),
        (lambda: "Bearer " + signed(exp=None), '"exp"'),
        (lambda: "Bearer " + signed(sub=None), '"sub"'),
        (lambda: "Bearer " + signed(sub=""), '"sub"'),
        (lambda: "Bearer " + signed(sub="x" * 129), '"sub"'),
        (lambda: "Bearer " + signed(sub="a\nb"), '"sub"'),
        (lambda: "Bearer " + signed(sub=12345), "invalid"),  # PyJWT checks that sub is a string
        (lambda: "Bearer " + signed(algorithm="HS512"), "invalid"),  # only the configured algorithm
        (lambda: "Bearer " + jwt.encode(claims(), None, algorithm="none"), "invalid"),  # unsigned
        (lambda: "Bearer " + signed(nbf=int(time.time()) + 3600), "invalid"),  # not valid yet
    ],
)
def test_bad_tokens_are_401_with_a_reason(header: Union[str, Callable[[], str], None], fragment: str) -> None:
    # Tokens are made when the test runs, not when it is collected: minutes may pass in between.
    with pytest.raises(AuthError) as refused:
        TokenVerifier(SECRET).from_header(header() if callable(header) else header)
    assert refused.value.status == 401
    assert fragment in str(refused.value)


def test_clock_skew_within_the_leeway_is_accepted_and_beyond_it_refused() -> None:
    verifier = TokenVerifier(SECRET, leeway_seconds=30)
    assert verifier.verify(signed(exp=int(time.time()) - 20)).subject == "customer-1"
    with pytest.raises(AuthError):
        verifier.verify(signed(exp=int(time.time()) - 40))


def test_without_a_configured_audience_aud_is_not_required() -> None:
    assert TokenVerifier(SECRET, audience=None).verify(signed(aud=None)).subject == "customer-1"


def test_mint_makes_tokens_the_verifier_accepts_and_they_expire() -> None:
    token = mint("customer-2", SECRET, scopes=[SCOPE_PRIVACY_READ], ttl_seconds=60)
    principal = TokenVerifier(SECRET).verify(token)
    assert principal.subject == "customer-2" and principal.scopes == {SCOPE_PRIVACY_READ}
    assert abs(principal.expires_at - (time.time() + 60)) < 5
    old = mint("customer-2", SECRET, ttl_seconds=60, now=time.time() - 3600)
    with pytest.raises(AuthError, match="expired"):
        TokenVerifier(SECRET).verify(old)


def test_rs256_accepts_the_banks_signature_only(rsa_keys: Dict[str, bytes], tmp_path: Path) -> None:
    key_file = tmp_path / "bank.pub.pem"
    key_file.write_bytes(rsa_keys["public"])
    verifier = TokenVerifier.from_settings({"jwt_algorithm": "RS256", "jwt_public_key_file": str(key_file)})
    assert verifier.verify(signed(rsa_keys["private"], "RS256")).subject == "customer-1"
    # Algorithm confusion: an HS256 token "signed" with the public key as a shared secret.
    forged = hs256_by_hand(claims(), rsa_keys["public"])
    assert TokenVerifier(SECRET).verify(hs256_by_hand(claims(), SECRET)).subject == "customer-1"  # well made
    with pytest.raises(AuthError) as refused:
        verifier.verify(forged)
    assert refused.value.status == 401
    with pytest.raises(AuthError):
        verifier.verify(signed(SECRET))


@pytest.mark.parametrize(
    "settings, fragment",
    [
        ({"jwt_algorithm": "HS384"}, "jwt_algorithm"),
        ({"jwt_algorithm": "RS256"}, "jwt_public_key_file"),
        ({"jwt_algorithm": "RS256", "jwt_public_key_file": "/nonexistent/bank.pem"}, "cannot read"),
        ({"leeway_seconds": 301}, "leeway_seconds"),
        ({"leeway_seconds": -1}, "leeway_seconds"),
        ({"jwt_secret_env": "FINBOT_TEST_SHORT_SECRET"}, "at least 32 bytes"),
        ({"jwt_audience": None}, "jwt_audience"),  # tokens for the bank's other services would pass
        ({"jwt_audience": "  "}, "jwt_audience"),
    ],
)
def test_bad_settings_fail_at_start(
    settings: Dict[str, Any], fragment: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FINBOT_TEST_SHORT_SECRET", "too-short")
    monkeypatch.delenv("FINBOT_VAULT_KEY", raising=False)
    with pytest.raises(AuthConfigError, match=fragment):
        TokenVerifier.from_settings(settings, str(tmp_path / "var"))


def test_local_secret_comes_from_the_environment_or_the_master_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FINBOT_VAULT_KEY", raising=False)
    monkeypatch.delenv("FINBOT_JWT_SECRET", raising=False)
    first = local_secret(str(tmp_path / "a"))
    assert len(first) == 32 and local_secret(str(tmp_path / "a")) == first  # stable: derived, not random
    assert local_secret(str(tmp_path / "b")) != first  # another var/, another master key
    monkeypatch.setenv("FINBOT_JWT_SECRET", "e" * 40)
    assert local_secret(str(tmp_path / "a")) == b"e" * 40
    # A verifier from the settings accepts what `finbot token` mints with the same secret.
    verifier = TokenVerifier.from_settings({}, str(tmp_path / "a"))
    assert verifier.verify(mint("u", b"e" * 40, scopes=ALL_SCOPES)).scopes == set(ALL_SCOPES)


def test_a_token_living_longer_than_a_day_is_refused() -> None:
    now = int(time.time())
    verifier = TokenVerifier(SECRET)
    assert verifier.verify(signed(iat=now, exp=now + 86_000)).subject == "customer-1"
    for token in (signed(iat=now, exp=now + 10 ** 9), signed(iat=None, exp=now + 2 * 86_400)):
        with pytest.raises(AuthError, match="longer than") as caught:
            verifier.verify(token)
        assert caught.value.status == 401


def test_a_customers_conversation_is_in_a_namespace_the_open_channels_refuse() -> None:
    principal = TokenVerifier(SECRET).verify(signed(sub="customer-1"))
    assert principal.conversation == "app:customer-1" and is_reserved(principal.conversation)
    assert not is_reserved("customer-1") and not is_reserved("u1")


def test_a_channel_vouches_for_the_scopes_of_a_verified_token_and_no_client_can_claim_them() -> None:
    from bot.channels.auth import VOUCHED_KEY, Principal, vouched_metadata

    forged = {"locale": "en", VOUCHED_KEY: {"scopes": ["chat", "privacy:erase"]}}
    assert vouched_metadata(forged, None) == {"locale": "en"}
    assert vouched_metadata(None, None) == {}
    principal = Principal("alice", frozenset({"chat"}), 2_000_000_000.0)
    assert vouched_metadata(forged, principal) == {"locale": "en", VOUCHED_KEY: {"scopes": ["chat"]}}
    assert forged[VOUCHED_KEY] == {"scopes": ["chat", "privacy:erase"]}  # the client's dict is not changed



def test_an_empty_secret_is_refused_not_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FINBOT_JWT_SECRET", "")
    with pytest.raises(AuthConfigError, match="set but empty"):
        TokenVerifier.from_settings({}, str(tmp_path / "var"))
    monkeypatch.setenv("FINBOT_JWT_SECRET", "   ")
    with pytest.raises(AuthConfigError, match="set but empty"):
        local_secret(str(tmp_path / "var"))


def test_without_the_fallback_the_secret_must_be_configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FINBOT_JWT_SECRET", raising=False)
    monkeypatch.delenv("FINBOT_VAULT_KEY", raising=False)
    settings = {"jwt_secret_fallback": False}
    with pytest.raises(AuthConfigError, match="required"):
        TokenVerifier.from_settings(settings, str(tmp_path / "var"))
    assert not (tmp_path / "var").exists()  # not even a master key was made for it
    monkeypatch.setenv("FINBOT_JWT_SECRET", "f" * 40)
    verifier = TokenVerifier.from_settings(settings, str(tmp_path / "var"))
    assert verifier.verify(mint("c1", "f" * 40, scopes=[SCOPE_CHAT])).subject == "c1"
    with pytest.raises(AuthConfigError, match="true or false"):
        TokenVerifier.from_settings({"jwt_secret_fallback": "no"}, str(tmp_path / "var"))


def test_production_channels_never_fall_back_to_the_master_key() -> None:
    import yaml

    channels = yaml.safe_load((Path(__file__).resolve().parents[2] / "deploy" / "credentials.yml").read_text())
    signing_in = {name: settings for name, settings in channels.items()
                  if any(key.startswith("jwt_") for key in settings)}
    assert set(signing_in) == {"bot.channels.app.AppInput", "bot.channels.socketio.RedactingSocketIOInput"}
    for name, settings in signing_in.items():  # not the widget's files nor the metrics: they take no tokens
        if settings.get("jwt_algorithm", "HS256") == "HS256":
            assert settings.get("jwt_secret_fallback") is False, name


# --- pseudonyms of subjects that are identifiers ---------------------------------------------------------


def engine_finds(*found: str) -> Callable[[str], bool]:
    return lambda subject: subject in found


@pytest.mark.parametrize("subject, identifying", [
    ("demo-customer", False),
    ("Alice Smith", True),            # the engine's judgement (here: a stand-in that names it)
    ("alice@example.com", True),      # whatever the engine says: an e-mail address
    ("cust-00123456", True),          # or five digits
    ("4111 1111 1111 1111", True),
    ("user-1234", False),
])
def test_a_subject_that_is_an_identifier_is_stored_as_its_pseudonym(subject: str, identifying: bool) -> None:
    verifier = TokenVerifier(SECRET)
    verifier.pseudonyms = Pseudonyms(b"k" * 32, engine_finds("Alice Smith"))
    principal = verifier.verify(signed(sub=subject))
    assert principal.subject == subject
    if identifying:
        assert re.fullmatch(r"app:~[a-z2-7]{32}", principal.conversation)
        assert subject not in principal.conversation
    else:
        assert principal.conversation == f"app:{subject}"


def test_a_pseudonym_is_the_same_for_every_token_and_server_of_a_deployment_and_differs_across_them() -> None:
    first, again = Pseudonyms(b"k" * 32), Pseudonyms(b"k" * 32)
    assert first.of("alice@example.com") == again.of("alice@example.com") != first.of("bob@example.com")
    assert Pseudonyms(b"j" * 32).of("alice@example.com") != first.of("alice@example.com")


def test_the_engine_reads_a_subject_once_and_a_failure_to_judge_takes_the_pseudonym() -> None:
    asked: List[str] = []

    def judge(subject: str) -> bool:
        asked.append(subject)
        if subject == "slow":
            raise TimeoutError
        return False

    pseudonyms = Pseudonyms(b"k" * 32, judge)
    assert pseudonyms.of("alice") is None and pseudonyms.of("alice") is None
    assert asked == ["alice"]
    assert pseudonyms.of("slow") is not None and pseudonyms.of("slow") is not None
    assert asked == ["alice", "slow", "slow"]  # not remembered: the next try may judge
