"""The banking app's channel: JSON over HTTPS with a bearer token, under ``/webhooks/app/``.

A bank's backend mints a JWT for its signed-in customer (see ``bot.channels.auth``)
and calls, on the customer's behalf:

- ``POST /webhook`` (scope ``chat``): ``{"message", "metadata"?}`` in; the
  bot's answers and what was hidden from the message out. The conversation
  is the token's ``sub``; a body that names one is refused.
- ``GET /privacy-report`` (scope ``privacy:read``): kinds and counts of the
  values hidden in the conversation, and every vault reveal with its purpose.
- ``DELETE /conversation`` (scope ``privacy:erase``): erase the conversation.
- ``GET /openapi.json`` and ``GET /`` (no token): the API's description, health.

Every message passes the PrivacyGate as on the REST channel: redacted before
Rasa sees it, refused with a clear reply when redaction fails. Configured in
``credentials.yml`` under ``bot.channels.app.AppInput`` (see there).
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional

import yaml
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.exceptions import MethodNotSupported
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import metrics
from bot.channels.app_http import (
    MAX_BODY_BYTES,
    AppOutputChannel,
    allow_header_on_405,
    auth_error_response,
    check_size,
    error_json,
    parse_chat,
)
from bot.channels.auth import (
    SCOPE_CHAT,
    SCOPE_PRIVACY_ERASE,
    SCOPE_PRIVACY_READ,
    AuthError,
    Principal,
    Pseudonyms,
    TokenVerifier,
    vouched_metadata,
)
from bot.channels.gate import PrivacyGate
from bot.channels.idempotency import IdempotencyCache, IdempotencyRefused, IdempotencyStore, Result, valid_key
from bot.channels.idempotency_redis import idempotency_store
from bot.channels.privacy import conversation_lock, erase_conversation, privacy_report, report_json
from bot.channels.ratelimit import APP_DEFAULTS, RateLimiter, RateLimits
from bot.channels.rest import BadRequest, health_response, limited_response, request_address
from bot.faults.install import install_at_start

logger = logging.getLogger(__name__)

# The largest request body the Rasa server reads at all (every channel; the app channel's own limit is lower).
MAX_REQUEST_BYTES = 2 * 1024 * 1024

OPENAPI_FILE = Path(__file__).with_name("openapi.yaml")
IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"


@functools.lru_cache(maxsize=1)
def openapi_document() -> Dict[str, Any]:
    """The channel's OpenAPI 3.0 document (``openapi.yaml`` beside this module)."""
    document: Dict[str, Any] = yaml.safe_load(OPENAPI_FILE.read_text(encoding="utf-8"))
    return document


class AppInput(InputChannel):
    """The authenticated channel for a bank's app: one conversation per token subject."""

    def __init__(
        self,
        gate: PrivacyGate,
        verifier: TokenVerifier,
        max_body_bytes: int = MAX_BODY_BYTES,
        idempotency: Optional[IdempotencyStore] = None,
        limiter: Optional[RateLimiter] = None,
    ) -> None:
        self.gate = gate
        self.verifier = verifier
        self.max_body_bytes = max_body_bytes
        self.idempotency = idempotency or IdempotencyCache()
        self.limiter = limiter or RateLimiter()

    @classmethod
    def name(cls) -> str:
        return "app"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        credentials = credentials or {}
        var_dir = credentials.get("var_dir")
        gate = PrivacyGate.shared(credentials.get("policy"), var_dir)
        verifier = TokenVerifier.from_settings(credentials, var_dir)
        verifier.pseudonyms = Pseudonyms.for_deployment(var_dir, gate.redactor.detect)
        # Idempotency keys in the deployment's Redis when it has one: a retry may reach another server.
        return cls(gate, verifier, int(credentials.get("max_body_bytes") or MAX_BODY_BYTES),
                   idempotency=idempotency_store(var_dir),
                   limiter=RateLimiter(RateLimits.from_credentials(credentials, APP_DEFAULTS)))

    def authorize(self, request: Request, scope: str) -> Principal:
        """The caller, if its token is valid and grants ``scope``; AuthError otherwise."""
        principal = self.verifier.from_header(request.headers.get("authorization"))
        principal.require(scope)
        return principal

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        app_routes = Blueprint(f"app_channel_{type(self).__name__}", __name__)
        guarded = self.gate.wrap(on_new_message)
        install_at_start(app_routes)

        @app_routes.listener("before_server_start")
        async def harden(app: Any, _: Any) -> None:
            app.error_handler.add(MethodNotSupported, allow_header_on_405)
            # Sanic buffers a whole body (100 MB by default) before any handler can refuse it,
            # even before the token is checked: no request to this server needs more than this.
            app.config.REQUEST_MAX_SIZE = min(int(app.config.REQUEST_MAX_SIZE), MAX_REQUEST_BYTES)

        @app_routes.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return health_response(request)

        @app_routes.route("/openapi.json", methods=["GET"])
        async def openapi(_: Request) -> HTTPResponse:
            return response.json(openapi_document())

        @app_routes.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                principal = self.authorize(request, SCOPE_CHAT)
            except AuthError as error:
                metrics.message_refused(self.name(), "forbidden" if error.status == 403 else "unauthorized")
                return auth_error_response(error, SCOPE_CHAT)
            try:
                check_size(request.headers.get("content-length"), request.body, self.max_body_bytes)
                text, metadata = parse_chat(request.body, self.max_body_bytes)
                key = request.headers.get(IDEMPOTENCY_HEADER)
                if key is not None and not valid_key(key):
                    raise BadRequest(400, f"{IDEMPOTENCY_HEADER} must be 1 to 128 printable ASCII characters")
            except BadRequest as error:
                metrics.message_refused(self.name(), "bad_request")
                return error_json(error.status, str(error))
            wait = self.limiter.check(principal.conversation, request_address(request, self.limiter))
            if wait:
                metrics.message_refused(self.name(), "rate_limited")
                return limited_response(wait)

            async def handle() -> Result:
                return await self._handle(guarded, principal, text, metadata)

            if key is None:
                status, body = await handle()
                return response.json(body, status=status)
            try:
                (status, body), replayed = await self.idempotency.run(principal.conversation, key, request.body, handle)
            except IdempotencyRefused as error:  # 422 another body, 409 still in progress, 503 store down
                metrics.message_refused(self.name(), "idempotency")
                return error_json(error.status, str(error), error.headers)
            return response.json(body, status=status, headers={REPLAYED_HEADER: "true" if replayed else "false"})

        @app_routes.route("/privacy-report", methods=["GET"])
        async def report(request: Request) -> HTTPResponse:
            try:
                principal = self.authorize(request, SCOPE_PRIVACY_READ)
            except AuthError as error:
                return auth_error_response(error, SCOPE_PRIVACY_READ)
            agent = getattr(request.app.ctx, "agent", None)
            if agent is None or agent.tracker_store is None:
                return error_json(503, "the assistant is not ready; please try again")
            try:
                result = await privacy_report(agent.tracker_store, principal.conversation)
            except Exception as error:  # what failed, never the conversation's content
                logger.error("a privacy report failed: %s", type(error).__name__)
                return error_json(500, "the privacy report could not be made; please try again")
            return response.json({**report_json(result), "conversation_id": principal.subject})

        @app_routes.route("/conversation", methods=["DELETE"])
        async def erase(request: Request) -> HTTPResponse:
            try:
                principal = self.authorize(request, SCOPE_PRIVACY_ERASE)
            except AuthError as error:
                return auth_error_response(error, SCOPE_PRIVACY_ERASE)
            agent = getattr(request.app.ctx, "agent", None)
            if agent is None or agent.tracker_store is None:
                return error_json(503, "the assistant is not ready; please try again")
            try:
                async with conversation_lock(agent.lock_store, principal.conversation):
                    erasure = await erase_conversation(agent.tracker_store, principal.conversation)
                    # Kept responses of this conversation go too: a replay must not bring back what was erased.
                    await self.idempotency.forget(principal.conversation)
            except Exception as error:
                logger.error("erasing a conversation failed: %s", type(error).__name__)
                return error_json(500, "the conversation could not be erased; please try again")
            return response.json({"conversation_id": principal.subject, "erased": True,
                                  "kept_elsewhere": list(erasure.kept_elsewhere)})

        return app_routes

    async def _handle(
        self,
        guarded: Callable[[UserMessage], Awaitable[Any]],
        principal: Principal,
        text: str,
        metadata: Optional[Dict[str, Any]],
    ) -> Result:
        """Pass one message through the gate into Rasa; the status and body to answer with."""
        collector = AppOutputChannel()
        conversation = principal.conversation
        message = UserMessage(text, collector, conversation, input_channel=self.name(),
                              metadata=vouched_metadata(metadata, principal))
        try:
            await guarded(message)
        except Exception as error:  # the text is never logged, only what failed
            logger.error("handling a message failed in conversation %s: %s", conversation, type(error).__name__)
            return 500, {"error": "the assistant could not handle this message; please try again", "status": 500}
        return 200, {"conversation_id": principal.subject, "messages": collector.answers(),
                     "redacted": collector.redacted}
