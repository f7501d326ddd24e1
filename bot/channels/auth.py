"""Bearer tokens for the banking app: who is talking, and what they may do.

A bank's backend mints a JWT for its signed-in customer; the app channel and,
when configured, the socket.io channel accept only requests carrying one. The
conversation id is the token's ``sub``: a caller can never name another
customer's conversation.

Keys come from configuration (``credentials.yml``):

- ``jwt_algorithm: HS256`` with a shared secret in the environment variable
  named by ``jwt_secret_env`` (default ``FINBOT_JWT_SECRET``, at least 32
  bytes). Without it, a secret derived from the project's master key under
  ``var/keys/`` is used, so ``finbot token`` can mint tokens for local testing.
- ``jwt_algorithm: RS256`` with the bank's public key in ``jwt_public_key_file``
  (PEM); the private key never comes here.

``exp`` is required and checked with ``leeway_seconds`` of clock skew (at most
300), and a token may live at most a day; ``aud`` must name this service
(``jwt_audience``, default ``finbot``: it cannot be switched off from
configuration, so tokens a bank issues for its other services are refused).

A signed-in customer's conversation is kept as ``app:<sub>``: the open
development channels (REST, socket.io without a token) refuse ids with that
prefix, so no caller without the token can name it. A ``sub`` that is itself
an identifier the engine would redact (an e-mail address, a customer number, a
name) is not stored or published as the conversation id: the conversation is
``app:~<pseudonym>``, a keyed digest of ``sub`` under a key of this deployment
(``Pseudonyms``), the same on every server and for every token of that subject.
Scopes are OAuth-style: a space-separated ``scope`` claim (or an ``scp`` list).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, FrozenSet, Iterable, Mapping, Optional, Sequence, Union

import jwt

from bot.privacy.keys import derive_key, load_master_key

SCOPE_CHAT = "chat"
SCOPE_PRIVACY_READ = "privacy:read"
SCOPE_PRIVACY_ERASE = "privacy:erase"
ALL_SCOPES = (SCOPE_CHAT, SCOPE_PRIVACY_READ, SCOPE_PRIVACY_ERASE)

DEFAULT_SECRET_ENV = "FINBOT_JWT_SECRET"
DEFAULT_AUDIENCE = "finbot"
DEFAULT_LEEWAY_SECONDS = 30
MAX_LEEWAY_SECONDS = 300
MIN_SECRET_BYTES = 32
MAX_SUBJECT_CHARS = 128
MAX_LIFETIME_SECONDS = 86400
AUTHENTICATED_PREFIX = "app:"
ALGORITHMS = ("HS256", "RS256")


class AuthError(Exception):
    """A request is not allowed: 401 (no valid token) or 403 (valid token, scope missing)."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(message)


class AuthConfigError(Exception):
    """The channel's token settings are incomplete or invalid."""


@dataclass(frozen=True)
class Principal:
    """The verified caller: the conversation it owns and what it may do there."""

    subject: str
    scopes: FrozenSet[str]
    expires_at: float
    pseudonym: Optional[str] = None  # stands for the subject in the stores when the subject is an identifier

    @property
    def conversation(self) -> str:
        """The conversation id in the stores: the subject (or its pseudonym), in the namespace no open channel
        can name."""
        return AUTHENTICATED_PREFIX + (self.pseudonym or self.subject)

    def require(self, scope: str) -> None:
        """Raise AuthError(403) unless the token grants ``scope``."""
        if scope not in self.scopes:
            raise AuthError(403, f'the token does not grant the "{scope}" scope')


PSEUDONYM_PURPOSE = "conversation-pseudonym/v1"
PSEUDONYM_MARK = "~"
_MAX_REMEMBERED_SUBJECTS = 4096
# Identifiers whatever the engine makes of them: an e-mail address, or a run of five digits or more.
_PLAINLY_IDENTIFYING = re.compile(r"@|\d(?:\W?\d){4}")


class Pseudonyms:
    """Which token subjects are identifiers, and the keyed pseudonym that stands for each in the stores.

    ``identifies`` is the privacy engine's judgement (does it find anything in the subject?); an e-mail
    address or five digits are identifying whatever it says. What was decided is remembered per keyed digest
    of the subject (a bounded number), so the engine reads a subject once per process.
    """

    def __init__(self, key: bytes, identifies: Callable[[str], bool] = lambda _: False) -> None:
        self._key = key
        self._identifies = identifies
        self._decided: OrderedDict[bytes, Optional[str]] = OrderedDict()

    def of(self, subject: str) -> Optional[str]:
        """The pseudonym that stands for ``subject``, or None when the subject is not an identifier."""
        digest = hmac.new(self._key, subject.encode("utf-8", "surrogatepass"), hashlib.sha256).digest()
        if digest in self._decided:
            self._decided.move_to_end(digest)
            return self._decided[digest]
        always = PSEUDONYM_MARK + base64.b32encode(digest[:20]).decode().lower()
        try:
            identifying = bool(_PLAINLY_IDENTIFYING.search(subject)) or self._identifies(subject)
        except Exception:  # the engine could not judge (a time limit): the pseudonym, this once (not remembered)
            return always
        pseudonym = always if identifying else None
        self._decided[digest] = pseudonym
        while len(self._decided) > _MAX_REMEMBERED_SUBJECTS:
            self._decided.popitem(last=False)
        return pseudonym

    @classmethod
    def for_deployment(cls, var_dir: Optional[str], detect: Callable[[str], Sequence[Any]]) -> Pseudonyms:
        """Pseudonyms under this deployment's key, with ``detect`` (a redactor's) judging the subjects."""
        return cls(deployment_key(var_dir, PSEUDONYM_PURPOSE), lambda subject: bool(detect(subject)))


def is_signed_in(conversation_id: str) -> bool:
    """Whether a conversation id is one only a verified token creates (``app:<subject>``, exactly)."""
    return conversation_id.startswith(AUTHENTICATED_PREFIX) and len(conversation_id) > len(AUTHENTICATED_PREFIX)


# The key of a message's metadata under which a channel says what the signed-in caller's token grants
# (``{"scopes": [...]}``); no client can set it: every channel drops it from what the client sent.
VOUCHED_KEY = "finbot_signed_in"


def vouched_metadata(metadata: Optional[Mapping[str, Any]], principal: Optional[Principal]) -> Dict[str, Any]:
    """The message's metadata as the channel hands it to Rasa: the client's, without ``VOUCHED_KEY``, and
    with what the caller's verified token grants when there is one (actions read it: actions.signed_in)."""
    kept = {key: value for key, value in (metadata or {}).items() if key != VOUCHED_KEY}
    if principal is not None:
        kept[VOUCHED_KEY] = {"scopes": sorted(principal.scopes)}
    return kept


WIDGET_SESSION_SHAPE = re.compile(r"[0-9a-f]{32}\.[0-9a-f]{32}")


def is_widget_session(conversation_id: str) -> bool:
    """Whether an id has the shape of a widget session the server issued (bot.channels.socketio_sessions):
    the REST channel refuses such ids, so that it cannot talk in an anonymous visitor's conversation."""
    return WIDGET_SESSION_SHAPE.fullmatch(conversation_id.strip().lower()) is not None


def is_reserved(conversation_id: str) -> bool:
    """Whether an id names a signed-in customer's conversation (open channels must refuse it)."""
    return conversation_id.strip().lower().startswith(AUTHENTICATED_PREFIX)


def _scopes(claims: Mapping[str, Any]) -> FrozenSet[str]:
    scope = claims.get("scope")
    if isinstance(scope, str):
        return frozenset(scope.split())
    scp = claims.get("scp")
    if isinstance(scp, list) and all(isinstance(item, str) for item in scp):
        return frozenset(scp)
    return frozenset()


class TokenVerifier:
    """Checks bearer tokens against one key and algorithm."""

    def __init__(
        self,
        key: Union[str, bytes],
        algorithm: str = "HS256",
        audience: Optional[str] = DEFAULT_AUDIENCE,
        issuer: Optional[str] = None,
        leeway_seconds: float = DEFAULT_LEEWAY_SECONDS,
    ) -> None:
        if algorithm not in ALGORITHMS:
            raise AuthConfigError(f"jwt_algorithm must be one of {', '.join(ALGORITHMS)}, not {algorithm!r}")
        if algorithm == "HS256" and len(key.encode() if isinstance(key, str) else key) < MIN_SECRET_BYTES:
            raise AuthConfigError(f"an HS256 secret must be at least {MIN_SECRET_BYTES} bytes")
        if not 0 <= leeway_seconds <= MAX_LEEWAY_SECONDS:
            raise AuthConfigError(f"leeway_seconds must be between 0 and {MAX_LEEWAY_SECONDS}")
        self.key = key
        self.algorithm = algorithm
        self.audience = audience
        self.issuer = issuer
        self.leeway = leeway_seconds
        # Set by the channel that uses this verifier: pseudonyms for subjects that are identifiers.
        self.pseudonyms: Optional[Pseudonyms] = None

    @classmethod
    def from_settings(cls, settings: Optional[Mapping[str, Any]], var_dir: Optional[str] = None) -> TokenVerifier:
        """A verifier for a channel's credentials (see the module docstring)."""
        settings = settings or {}
        algorithm = str(settings.get("jwt_algorithm") or "HS256")
        key: Union[str, bytes]
        if algorithm == "RS256":
            key_file = settings.get("jwt_public_key_file")
            if not key_file:
                raise AuthConfigError("RS256 needs jwt_public_key_file: the PEM file of the bank's public key")
            try:
                key = Path(str(key_file)).read_text()
            except OSError as error:
                raise AuthConfigError(f"cannot read jwt_public_key_file: {error.strerror}") from None
        else:
            fallback = settings.get("jwt_secret_fallback", True)
            if not isinstance(fallback, bool):
                raise AuthConfigError("jwt_secret_fallback must be true or false")
            key = local_secret(var_dir, str(settings.get("jwt_secret_env") or DEFAULT_SECRET_ENV), fallback)
        audience = settings.get("jwt_audience", DEFAULT_AUDIENCE)
        if not audience or not str(audience).strip():
            raise AuthConfigError("jwt_audience must name this service (the tokens' aud claim), e.g. finbot")
        return cls(
            key,
            algorithm,
            audience=str(audience).strip(),
            issuer=settings.get("jwt_issuer") or None,
            leeway_seconds=float(settings.get("leeway_seconds", DEFAULT_LEEWAY_SECONDS)),
        )

    def verify(self, token: str) -> Principal:
        """The principal of a valid token; AuthError(401) saying why not otherwise."""
        options = {"require": ["exp", "sub"], "verify_aud": self.audience is not None}
        try:
            claims = jwt.decode(
                token, self.key, algorithms=[self.algorithm], audience=self.audience, issuer=self.issuer,
                leeway=self.leeway, options=options,  # type: ignore[arg-type]
            )
        except jwt.ExpiredSignatureError:
            raise AuthError(401, "the token has expired") from None
        except jwt.InvalidAudienceError:
            raise AuthError(401, "the token is not meant for this service (audience)") from None
        except jwt.InvalidIssuerError:
            raise AuthError(401, "the token's issuer is not accepted") from None
        except jwt.MissingRequiredClaimError as error:
            raise AuthError(401, f'the token has no "{error.claim}" claim') from None
        except jwt.InvalidTokenError:
            raise AuthError(401, "the token is invalid") from None
        issued = claims.get("iat")
        start = float(issued) if isinstance(issued, (int, float)) and not isinstance(issued, bool) else time.time()
        if float(claims["exp"]) - start > MAX_LIFETIME_SECONDS + self.leeway:
            raise AuthError(401, f"the token lives longer than {MAX_LIFETIME_SECONDS // 3600} hours")
        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject.strip() or len(subject) > MAX_SUBJECT_CHARS \
                or not subject.isprintable():
            raise AuthError(401, f'the token\'s "sub" must be printable and at most {MAX_SUBJECT_CHARS} characters')
        pseudonym = self.pseudonyms.of(subject) if self.pseudonyms is not None else None
        return Principal(subject=subject, scopes=_scopes(claims), expires_at=float(claims["exp"]), pseudonym=pseudonym)

    def from_header(self, header: Optional[str]) -> Principal:
        """The principal of an ``Authorization: Bearer <token>`` header; AuthError(401) if absent or bad."""
        if not header:
            raise AuthError(401, "send the header Authorization: Bearer <token>")
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthError(401, "the Authorization header must be: Bearer <token>")
        return self.verify(token.strip())


def local_secret(var_dir: Optional[str], env_name: str = DEFAULT_SECRET_ENV, fallback: bool = True) -> bytes:
    """The HS256 secret: ``$<env_name>``, else (``fallback``) one derived from the project's master key.

    A variable that is set but empty is a mistake, not a request for the fallback: AuthConfigError. So is
    no variable when ``fallback`` is off (the production configuration: every action server holds the
    master key, and must not be able to mint customers' tokens)."""
    configured = os.environ.get(env_name)
    if configured is not None:
        if not configured.strip():
            raise AuthConfigError(f"${env_name} is set but empty: set a secret of at least {MIN_SECRET_BYTES} "
                                  "bytes (or unset it to use the secret derived from the master key)")
        return configured.encode()
    if not fallback:
        raise AuthConfigError(f"${env_name} is required here (jwt_secret_fallback: false): set a secret of at "
                              f"least {MIN_SECRET_BYTES} bytes")
    return deployment_key(var_dir, "jwt")


def deployment_key(var_dir: Optional[str], purpose: str) -> bytes:
    """A key for one purpose, derived from the deployment's master key ($FINBOT_VAULT_KEY, else the key file
    under ``var_dir``, $FINBOT_VAR_DIR or ``var``)."""
    var = Path(var_dir or os.environ.get("FINBOT_VAR_DIR") or "var").resolve()
    return derive_key(load_master_key(var / "keys" / "master.key"), purpose)


def mint(
    subject: str,
    key: Union[str, bytes],
    scopes: Iterable[str] = ALL_SCOPES,
    ttl_seconds: float = 3600,
    algorithm: str = "HS256",
    audience: Optional[str] = DEFAULT_AUDIENCE,
    now: Optional[float] = None,
) -> str:
    """A signed token for ``subject`` (what a bank's backend does; ``finbot token`` and tests use it)."""
    issued = int(now if now is not None else time.time())
    claims: dict = {"sub": subject, "iat": issued, "exp": issued + int(ttl_seconds), "scope": " ".join(scopes)}
    if audience:
        claims["aud"] = audience
    return jwt.encode(claims, key, algorithm=algorithm)
