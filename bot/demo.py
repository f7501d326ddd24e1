"""The demo customer: a short-lived token that signs the local demo in, so that it shows banking.

Banking answers only a signed-in conversation (actions.signed_in). So that
``make run`` still shows balances, transfers and card freezing, ``finbot run``
mints a token for ``DEMO_SUBJECT`` (with the app channel's HS256 secret, as
``finbot token`` does), writes it to ``var/run/demo-token`` (owner-only), and
the widget's demo page at ``/widget/`` embeds it (bot.channels.widget reads the
file named by ``DEMO_TOKEN_FILE_ENV``). ``finbot shell`` talks through the app
channel with such a token. The demo customer's accounts are the mock bank's
generated ones; anyone who can open the demo page can act as that customer, so
``finbot run`` does this only when it listens on a loopback address, and says so.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Iterable, Optional

import yaml

from bot.channels.auth import (
    DEFAULT_AUDIENCE,
    DEFAULT_SECRET_ENV,
    SCOPE_CHAT,
    SCOPE_PRIVACY_ERASE,
    local_secret,
    mint,
)
from bot.settings import Project

DEMO_SUBJECT = "demo-customer"
DEMO_SCOPES = (SCOPE_CHAT, SCOPE_PRIVACY_ERASE)
DEMO_TTL_SECONDS = 4 * 3600
DEMO_TOKEN_FILE_ENV = "FINBOT_DEMO_TOKEN_FILE"
APP_CHANNEL = "bot.channels.app.AppInput"


class DemoError(Exception):
    """No local token can be minted (the app channel is configured for the bank's own keys)."""


def mint_local_token(
    project: Project, subject: str, scopes: Iterable[str] = DEMO_SCOPES, ttl_seconds: int = DEMO_TTL_SECONDS,
    now: Optional[float] = None,
) -> str:
    """A token the project's app and socket.io channels accept, signed with the app channel's HS256 secret."""
    try:
        credentials = yaml.safe_load(project.credentials.read_text()) or {}
    except (OSError, yaml.YAMLError) as error:
        raise DemoError(f"cannot read {project.credentials}: {error}") from None
    settings = credentials.get(APP_CHANNEL) or {}
    algorithm = str(settings.get("jwt_algorithm") or "HS256")
    if algorithm != "HS256":
        raise DemoError(
            f"the app channel is configured for {algorithm}: its tokens are signed with the bank's private key, "
            "which never comes here. Mint them where that key lives (finbot only signs HS256)."
        )
    secret = local_secret(str(project.var), str(settings.get("jwt_secret_env") or DEFAULT_SECRET_ENV))
    audience = settings.get("jwt_audience", DEFAULT_AUDIENCE)
    return mint(subject, secret, scopes=scopes, ttl_seconds=ttl_seconds,
                audience=str(audience) if audience else None, now=now)


def write_demo_token(project: Project, token: str) -> Path:
    """``var/run/demo-token``, readable by its owner only."""
    folder = project.var / "run"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "demo-token"
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(token + "\n")
    return path


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
