"""Start ``rasa`` with its HTTP API protected by a token that never appears on a command line.

Rasa reads ``--auth-token`` only from its arguments, and a process's
arguments are visible to every user of the machine (``ps``). So ``finbot run
--enable-api`` starts ``python -m bot.rasa_launcher run ... --enable-api``
with the token in the environment (readable only by the same user), and this
module moves it into Rasa's argument list inside the process, after the
process's visible command line was fixed, and out of the environment, so
that nothing Rasa starts inherits it.

Rasa accepts that token only in the query string (``?token=``), where it lands
in access logs and browser histories. Before Rasa builds its server, this module
replaces ``rasa.server.requires_auth`` (checked against the pinned Rasa) so that
the token is accepted from the ``Authorization`` header only (``Token <t>`` or
``Bearer <t>``), compared in constant time; a request with ``?token=`` is refused.
"""

from __future__ import annotations

import hmac
import inspect
import os
import sys
from functools import wraps
from inspect import isawaitable
from typing import Any, Callable, List, Optional, Sequence

API_TOKEN_ENV = "FINBOT_RASA_API_TOKEN"
MIN_API_TOKEN_CHARS = 16


class ApiTokenError(ValueError):
    """The Rasa API token is missing or too weak to protect the API."""


def check_api_token(token: Optional[str]) -> str:
    """``token`` if it can protect Rasa's HTTP API; ApiTokenError saying what to do otherwise."""
    if not token:
        raise ApiTokenError(
            f"--enable-api needs the environment variable {API_TOKEN_ENV}: Rasa's HTTP API can read and "
            "change every conversation, so it is never started without a token "
            f"(for example: export {API_TOKEN_ENV}=$(openssl rand -hex 32))"
        )
    if len(token) < MIN_API_TOKEN_CHARS or not token.isprintable() or " " in token:
        raise ApiTokenError(f"{API_TOKEN_ENV} must be at least {MIN_API_TOKEN_CHARS} printable characters, no spaces")
    return token


def rasa_arguments(arguments: Sequence[str], token: str) -> List[str]:
    """Rasa's argv: ``arguments`` with the API switched on and protected by ``token``."""
    extra = [] if "--enable-api" in arguments else ["--enable-api"]
    # One argument, ``--auth-token=...``: a token that starts with "-" (``token_urlsafe`` makes them)
    # would otherwise be read as an option and Rasa would refuse to start.
    return ["rasa", *arguments, *extra, f"--auth-token={token}"]


TESTED_RASA = "3.6."
QUERY_TOKEN_REFUSED = "send the API token in the Authorization header (Authorization: Token <token>), not in the URL"


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
    """Replace ``rasa.server.requires_auth`` (before Rasa creates its server); refuses an untested Rasa."""
    import rasa
    import rasa.server

    current = rasa.server.requires_auth
    if getattr(current, "_finbot_header_only", False):
        return
    if not rasa.__version__.startswith(TESTED_RASA) or list(inspect.signature(current).parameters) != ["app", "token"]:
        raise SystemExit(f"bot.rasa_launcher was written for Rasa {TESTED_RASA}x's requires_auth(app, token); "
                         f"this is Rasa {rasa.__version__}: check the patch before starting the API")
    patched = header_only(current)
    patched._finbot_header_only = True  # type: ignore[attr-defined]
    rasa.server.requires_auth = patched


def main() -> None:
    try:
        token = check_api_token(os.environ.pop(API_TOKEN_ENV, None))
    except ApiTokenError as error:
        raise SystemExit(str(error)) from None
    sys.argv = rasa_arguments(sys.argv[1:], token)
    install_header_only_token()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
