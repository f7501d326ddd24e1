"""Start ``rasa`` with its HTTP API protected by a token that never appears on a command line.

Rasa reads ``--auth-token`` only from its arguments, and a process's
arguments are visible to every user of the machine (``ps``). So ``finbot run
--enable-api`` starts ``python -m bot.rasa_launcher run ... --enable-api``
with the token in the environment (readable only by the same user), and this
module moves it into Rasa's argument list inside the process, after the
process's visible command line was fixed, and out of the environment, so
that nothing Rasa starts inherits it.
"""

from __future__ import annotations

import os
import sys
from typing import List, Optional, Sequence

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
    return ["rasa", *arguments, *extra, "--auth-token", token]


def main() -> None:
    try:
        token = check_api_token(os.environ.pop(API_TOKEN_ENV, None))
    except ApiTokenError as error:
        raise SystemExit(str(error)) from None
    sys.argv = rasa_arguments(sys.argv[1:], token)
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
