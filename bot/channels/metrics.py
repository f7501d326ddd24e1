"""``GET /metrics`` on the Rasa server: the process's Prometheus metrics (bot.metrics).

A channel only to be mounted by Rasa like the others (``credentials.yml``); it
receives no messages. The metrics hold counts and timings under closed labels,
never a value or a conversation id; still, ``deploy/`` does not publish the path:
Prometheus scrapes each server directly.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import metrics

URL_PREFIX = "/metrics"


class MetricsInput(InputChannel):
    """Serves the metrics at ``/metrics``."""

    @classmethod
    def name(cls) -> str:
        return "metrics"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        return cls()

    def url_prefix(self) -> str:
        # Absolute: Rasa joins it onto "/webhooks/", and an absolute path replaces that.
        return URL_PREFIX

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        routes = Blueprint("finbot_metrics", __name__)

        @routes.route("", methods=["GET"], strict_slashes=False)
        async def scrape(_: Request) -> HTTPResponse:
            body, content_type = metrics.exposition()
            return response.raw(body, content_type=content_type)

        return routes
