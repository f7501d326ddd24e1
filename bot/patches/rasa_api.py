"""Rasa's HTTP API takes its static token from the ``Authorization`` header only.

Rasa accepts the ``--auth-token`` only in the query string (``?token=``),
where it lands in access logs and browser histories. Before Rasa builds its
server, ``install_header_only_token`` replaces ``rasa.server.requires_auth`` so
that the token is accepted from the ``Authorization`` header only (``Token <t>``
or ``Bearer <t>``), compared in constant time; a request with ``?token=`` is
refused. Without a token (the API off) Rasa's own check is used unchanged.
"""

from __future__ import annotations

import hmac
from functools import wraps
from inspect import isawaitable
from typing import Any, Callable, Optional

from bot.patches.guard import Target, mark

PATCH = "API token from the header only"
RASA = "3.6.21"
REQUIRES_AUTH = Target(
    PATCH, "rasa", RASA, "rasa.server", "requires_auth",
    "(app: sanic.app.Sanic, token: Optional[str] = …) -> Callable[[ForwardRef('SanicView')], ForwardRef('SanicView')]",
)
QUERY_TOKEN_REFUSED = "send the API token in the Authorization header (Authorization: Token <token>), not in the URL"
OURS = "__finbot_patch__"


class _NoQueryToken:
    """Rasa's own check compares ``?token=`` with this: no string equals it, so only its JWT path is left."""

    def __eq__(self, other: object) -> bool:
        return False

    def __hash__(self) -> int:
        return 0


def header_token(request: Any) -> Optional[str]:
    """The token of an ``Authorization: Token <t>`` or ``Bearer <t>`` header."""
    scheme, _, value = str(request.headers.get("Authorization") or "").strip().partition(" ")
    return value.strip() if scheme.lower() in ("token", "bearer") and value.strip() else None


def header_only(original: Callable[..., Any]) -> Callable[..., Any]:
    """``rasa.server.requires_auth`` that takes the static token from the header only (see the docstring)."""

    def requires_auth(app: Any, token: Optional[str] = None) -> Callable[[Any], Any]:
        if token is None:
            return original(app, None)
        rasa_check = original(app, _NoQueryToken())
        expected = token.encode("utf-8")

        def decorator(f: Any) -> Any:
            checked = rasa_check(f)

            @wraps(f)
            async def decorated(request: Any, *args: Any, **kwargs: Any) -> Any:
                from sanic import response

                if "token" in request.args:
                    return response.json({"status": "failure", "reason": "NotAuthenticated",
                                          "message": QUERY_TOKEN_REFUSED, "code": 401}, status=401)
                provided = header_token(request)
                if provided is not None and hmac.compare_digest(provided.encode("utf-8"), expected):
                    result = f(request, *args, **kwargs)
                    return await result if isawaitable(result) else result
                return await checked(request, *args, **kwargs)

            return decorated

        return decorator

    return requires_auth


def install_header_only_token() -> None:
    """Replace ``rasa.server.requires_auth`` (before Rasa creates its server); idempotent.

    VersionMismatch or SignatureMismatch if Rasa is not the version this was written for."""
    import rasa.server

    current = REQUIRES_AUTH.present()
    if getattr(current, OURS, None) != PATCH:
        REQUIRES_AUTH.check(current)
        patched = header_only(current)
        setattr(patched, OURS, PATCH)
        rasa.server.requires_auth = patched
    mark(PATCH)
