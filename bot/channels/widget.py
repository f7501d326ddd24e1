"""Serves the web chat widget's files from the Rasa server: no CDN, no bundler.

``WidgetInput`` is a Rasa input channel that handles no messages (the widget
talks to the socket.io channel); it only serves, under ``/widget/``:

- ``/widget/``: a demo "bank" page with the widget embedded by its snippet; when
  ``finbot run`` made a demo customer (bot.demo), the snippet carries its token
  (``data-token``), so the page is signed in and shows banking;
- ``/widget/finbot-widget.js`` and ``/widget/finbot-widget.css`` (``widget/src/``), and the
  demo page's own ``/widget/demo.css``;
- ``/widget/socket.io.min.js``: socket.io-client's build, from ``widget/node_modules/``.

Only these names are served, from a fixed table: there is no directory
listing and no path from the URL ever reaches the file system. Every answer
carries ``X-Content-Type-Options: nosniff`` and a ``Cache-Control``; files
carry an ``ETag`` and answer ``If-None-Match`` with 304.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Mapping, Optional

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.demo import DEMO_TOKEN_FILE_ENV

logger = logging.getLogger(__name__)

WIDGET_DIR = Path(__file__).resolve().parents[2] / "widget"
URL_PREFIX = "/widget"

# Name in the URL -> (file under the widget folder, content type).
ASSETS: Mapping[str, tuple] = {
    "": ("src/index.html", "text/html; charset=utf-8"),
    "finbot-widget.js": ("src/finbot-widget.js", "text/javascript; charset=utf-8"),
    "finbot-widget.css": ("src/finbot-widget.css", "text/css; charset=utf-8"),
    "demo.css": ("src/demo.css", "text/css; charset=utf-8"),
    "socket.io.min.js": ("node_modules/socket.io-client/dist/socket.io.min.js", "text/javascript; charset=utf-8"),
}

# The demo page may load only this server's files and talk only to this server.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
SCRIPT_TAG = b'<script src="/widget/finbot-widget.js"'
JWT_SHAPE = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
COMMON_HEADERS: Mapping[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@dataclass(frozen=True)
class Asset:
    """One served file, read once at start."""

    body: bytes
    content_type: str
    etag: str
    cache_control: str


def load_assets(widget_dir: Path) -> Dict[str, Asset]:
    """The files of ``ASSETS`` that exist under ``widget_dir``; a missing one is logged and not served."""
    assets: Dict[str, Asset] = {}
    for name, (relative, content_type) in ASSETS.items():
        path = widget_dir / relative
        try:
            body = path.read_bytes()
        except OSError:
            logger.warning("widget file missing, not served: %s (run make setup)", relative)
            continue
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        # Revalidate each time (cheap with the ETag): a redeployed widget is picked up at once.
        assets[name] = Asset(body, content_type, etag, "no-cache")
    return assets


def serve(assets: Mapping[str, Asset], name: str, if_none_match: Optional[str]) -> HTTPResponse:
    """The answer for ``/widget/<name>``: the file, a 304, or a 404 for any name not in the table."""
    asset = assets.get(name)
    if asset is None:
        return response.json({"error": "not found", "status": 404}, status=404, headers=dict(COMMON_HEADERS))
    headers = {**COMMON_HEADERS, "Cache-Control": asset.cache_control, "ETag": asset.etag}
    if name == "":
        headers["Content-Security-Policy"] = PAGE_CSP
    if if_none_match and asset.etag in {tag.strip() for tag in if_none_match.split(",")}:
        return response.empty(status=304, headers=headers)
    return response.raw(asset.body, content_type=asset.content_type, headers=headers)


def demo_token(path: Optional[Path]) -> Optional[str]:
    """The demo customer's token from ``path`` (bot.demo), if there is one that looks like a JWT."""
    if path is None:
        return None
    try:
        token = path.read_text().strip()
    except OSError:
        return None
    return token if JWT_SHAPE.fullmatch(token) else None


def signed_in_page(page: Asset, token: str) -> HTTPResponse:
    """The demo page with the demo customer's token in the widget's snippet; never cached, never shared."""
    body = page.body.replace(SCRIPT_TAG, SCRIPT_TAG + b' data-token="' + token.encode("ascii") + b'"', 1)
    headers = {**COMMON_HEADERS, "Cache-Control": "no-store", "Content-Security-Policy": PAGE_CSP}
    return response.raw(body, content_type=page.content_type, headers=headers)


class WidgetInput(InputChannel):
    """Serves the widget's page, script, style sheet and socket.io client; receives no messages."""

    def __init__(self, widget_dir: Path = WIDGET_DIR, demo_token_file: Optional[Path] = None) -> None:
        self.assets = load_assets(widget_dir)
        self.demo_token_file = demo_token_file

    @classmethod
    def name(cls) -> str:
        return "widget"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        credentials = credentials or {}
        folder = credentials.get("widget_dir")
        demo = credentials.get("demo_token_file") or os.environ.get(DEMO_TOKEN_FILE_ENV)
        return cls(Path(folder) if folder else WIDGET_DIR, Path(demo) if demo else None)

    def url_prefix(self) -> str:
        # Absolute: Rasa joins it onto "/webhooks/", and an absolute path replaces that.
        return URL_PREFIX

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        widget = Blueprint("finbot_widget", __name__)
        assets = self.assets
        demo_token_file = self.demo_token_file

        @widget.route("", methods=["GET", "HEAD"], strict_slashes=True)
        async def bare(request: Request) -> HTTPResponse:
            # "/widget" -> "/widget/", so that a typed address finds the page.
            return response.redirect(URL_PREFIX + "/", status=301, headers=dict(COMMON_HEADERS))

        @widget.route("/", methods=["GET", "HEAD"], strict_slashes=True)
        async def page(request: Request) -> HTTPResponse:
            token = demo_token(demo_token_file)
            if token is not None and "" in assets:
                return signed_in_page(assets[""], token)
            return serve(assets, "", request.headers.get("if-none-match"))

        @widget.route("/<name:str>", methods=["GET", "HEAD"], strict_slashes=True)
        async def asset(request: Request, name: str) -> HTTPResponse:
            return serve(assets, name, request.headers.get("if-none-match"))

        return widget
