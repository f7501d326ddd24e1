"""Start ``rasa`` with the project's patches in place, and its HTTP API protected by a token that never
appears on a command line.

``python -m bot.rasa_launcher run ...`` (every Rasa server: ``finbot run``,
``finbot shell``, the deploy files) and ``python -m bot.rasa_launcher train ...``
(``finbot train``) run Rasa's own command line in this process after
installing the patches that process needs (``bot.patches``), before Rasa builds
anything.

Rasa reads ``--auth-token`` only from its arguments, and a process's
arguments are visible to every user of the machine (``ps``). So ``finbot run
--enable-api`` starts ``python -m bot.rasa_launcher run ... --enable-api``
with the token in the environment (readable only by the same user), and this
module moves it into Rasa's argument list inside the process, after the
process's visible command line was fixed, and out of the environment, so
that nothing Rasa starts inherits it. Rasa then takes the token from the
``Authorization`` header only (``bot.patches.rasa_api``).
"""

from __future__ import annotations

import os
import sys
from typing import List, Optional, Sequence

from bot.patches.rasa_api import QUERY_TOKEN_REFUSED, header_only, header_token

API_TOKEN_ENV = "FINBOT_RASA_API_TOKEN"
MIN_API_TOKEN_CHARS = 16
SERVING = ("run", "shell")  # Rasa's commands that start its server, and so may start its API


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


def launch_arguments(arguments: Sequence[str], token: Optional[str]) -> List[str]:
    """Rasa's argv for this launch: a server's (``SERVING``) with its API on and protected by ``token`` when
    there is one or ``--enable-api`` asks for it (ApiTokenError if the token is missing or weak); else
    ``arguments`` as they are (the token, if any, goes nowhere)."""
    serving = bool(arguments) and arguments[0] in SERVING
    if not serving or (token is None and "--enable-api" not in arguments):
        return ["rasa", *arguments]
    return rasa_arguments(arguments, check_api_token(token))


def install_patches(command: str) -> None:
    """The patches of the process that runs Rasa's ``command`` ("run", "shell", "train", ...)."""
    from bot import patches

    if command == "train":
        patches.install_training()
    else:
        patches.install_rasa_server()


def main() -> None:
    from bot.patches import PatchError

    try:
        sys.argv = launch_arguments(sys.argv[1:], os.environ.pop(API_TOKEN_ENV, None))
    except ApiTokenError as error:
        raise SystemExit(str(error)) from None
    try:
        install_patches(sys.argv[1] if len(sys.argv) > 1 else "")
    except PatchError as error:
        raise SystemExit(f"bot.rasa_launcher: {error}") from None
    from rasa.__main__ import main as rasa_main

    rasa_main()


__all__ = [
    "API_TOKEN_ENV",
    "QUERY_TOKEN_REFUSED",
    "ApiTokenError",
    "check_api_token",
    "header_only",
    "header_token",
    "launch_arguments",
    "main",
    "rasa_arguments",
]

if __name__ == "__main__":
    main()
