"""The action server, hardened: actions see placeholders only, errors never echo the request.

``python -m bot.action_server --port 5055`` replaces ``rasa run actions``:

- a call runs only if it carries a valid seal of a Rasa server of the same
  deployment (bot.action_calls): fresh, never seen before, over exactly this
  body; anything else is refused with 401 and nothing runs;
- an action that acts on a customer's accounts or data runs only in a signed-in
  conversation (actions.signed_in); any other gets the sign-in answer instead;
- every action call is scrubbed (tracker events, latest message, slots) before
  any action code or log sees it, so even a message that entered through
  plain ``rasa shell`` reaches actions as placeholders: by the Rasa server that
  sent it, when its seal says so under this server's policy, else here;
- an unexpected error answers a short JSON error, never the request body
  (rasa-sdk's own handler returns the whole tracker);
- every log record of the process is redacted (see bot.logs; the patches of
  ``bot.patches.install_action_server`` are installed first).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import zlib
from typing import Any, Dict, Optional

from rasa_sdk import utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import metrics
from bot.action_calls import (
    SEAL_HEADER,
    CallRefused,
    CallVerifier,
    MemoryReplayCache,
    RedisReplayCache,
    ReplayCacheUnavailable,
    call_keys,
    scrub_action_call,
)
from bot.channels.auth import is_signed_in
from bot.faults.deadline import DEADLINE_HEADER, DeadlinePassed, before_deadline, parse_deadline
from bot.runtime import redaction_disabled, shared_redactor, without_vault
from bot.stores.scrub import EventScrubber, scrubber_for

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 8 * 1024 * 1024
# For the leak tests only: append every request body, as received, to this file;
# and every call as the action code sees it (scrubbed) to the second one.
RECORD_ENV = "FINBOT_RECORD_ACTION_REQUESTS"
RECORD_CALLS_ENV = "FINBOT_RECORD_ACTION_CALLS"


class CallRecorder:
    """Appends each call as the action code sees it, with only the tracker events not recorded before.

    Rasa sends the whole tracker with every call; writing each event once keeps
    the record linear in the length of the conversation.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._seen: set = set()

    def record(self, call: Dict[str, Any]) -> None:
        tracker = dict(call.get("tracker") or {})
        new_events = []
        for event in tracker.get("events") or []:
            digest = hashlib.blake2b(json.dumps(event, sort_keys=True).encode(), digest_size=16).digest()
            if digest not in self._seen:
                self._seen.add(digest)
                new_events.append(event)
        tracker["events"] = new_events
        with open(self.path, "a", encoding="utf-8") as sink:
            sink.write(json.dumps({**call, "tracker": tracker}) + "\n")


def inflate(body: bytes, limit: int) -> bytes:
    """A deflated body decompressed, or ValueError if it would be over ``limit`` bytes (a small body can
    decompress to gigabytes: only ``limit`` + 1 bytes are ever produced)."""
    inflater = zlib.decompressobj()
    out = inflater.decompress(body, limit + 1)
    if len(out) > limit or inflater.unconsumed_tail:
        raise ValueError("the decompressed body is over the size limit")
    out += inflater.flush()
    if len(out) > limit:
        raise ValueError("the decompressed body is over the size limit")
    if not inflater.eof:
        raise zlib.error("the deflated body is truncated")
    return out


def call_body(request: Request) -> bytes:
    """The body as sealed (decompressed); ValueError or zlib.error if it is over the limit or truncated."""
    body = request.body or b""
    if len(body) > MAX_BODY_BYTES:
        raise ValueError("the body is over the size limit")
    if request.headers.get("Content-Encoding") == "deflate":
        body = inflate(body, MAX_BODY_BYTES)
    return body


def parse_call(body: bytes) -> Optional[Dict[str, Any]]:
    """The call ``body`` holds, or None if it is not a JSON object."""
    try:
        call = json.loads(body)
    except ValueError:  # also UnicodeDecodeError
        return None
    return call if isinstance(call, dict) else None


def sign_in_refusal(executor: ActionExecutor, call: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """The answer in place of an action that needs a signed-in customer (``requires_signed_in_customer``, see
    actions.signed_in) when the conversation is not signed in; None when the action may run."""
    owner = getattr(executor.actions.get(str(call.get("next_action"))), "__self__", None)
    if not getattr(owner, "requires_signed_in_customer", False):
        return None
    tracker = call.get("tracker")
    tracker = tracker if isinstance(tracker, dict) else {}
    sender, tracked = call.get("sender_id"), tracker.get("sender_id", call.get("sender_id"))
    if isinstance(sender, str) and sender == tracked and is_signed_in(sender):
        return None
    logger.info("%s was not run: the conversation is not signed in", call.get("next_action"))
    answer: Dict[str, Any] = owner.answer_without_sign_in(tracker)  # type: ignore[union-attr]
    return answer


def create_app(
    action_package: str, scrubber: EventScrubber, verifier: CallVerifier, policy: Optional[str] = None
) -> Sanic:
    """The action server's Sanic app: rasa-sdk's executor behind our seal check, scrubbing and error handling.

    A call runs only if ``verifier`` accepts its seal; one its sender scrubbed under ``policy`` (this server's
    policy fingerprint; None when redaction is off) is used as it is, any other is scrubbed here.
    """
    app = Sanic("finbot_actions", configure_logging=False)
    executor = ActionExecutor()
    executor.register_package(action_package)
    record = os.environ.get(RECORD_ENV)
    recorder = CallRecorder(os.environ[RECORD_CALLS_ENV]) if os.environ.get(RECORD_CALLS_ENV) else None

    @app.get("/health")
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    @app.get("/actions")
    async def actions(_: Request) -> HTTPResponse:
        return response.json([{"name": name} for name in executor.actions])

    @app.post("/webhook")
    async def webhook(request: Request) -> HTTPResponse:
        if record:
            with open(record, "ab") as sink:
                sink.write((request.body or b"") + b"\n")
        try:
            body = call_body(request)
        except (ValueError, zlib.error):
            return response.json({"error": "the body must be a JSON object (at most 8 MB)"}, status=400)
        try:
            verdict = verifier.verify(body, request.headers.get(SEAL_HEADER))
        except CallRefused as refused:
            logger.warning("an action call was refused: %s", refused.reason)
            metrics.action_call("bad_seal")
            return response.json({"error": f"not authenticated: {refused.reason}"}, status=401)
        except ReplayCacheUnavailable as error:
            logger.error("an action call was not run: the replay cache cannot be reached (%s)", error)
            metrics.action_call("replay_cache_down")
            return response.json({"error": "the action server cannot check calls now"}, status=503)
        call = parse_call(body)
        if call is None:
            return response.json({"error": "the body must be a JSON object (at most 8 MB)"}, status=400)
        utils.check_version_compatibility(call.get("version"))
        if policy is None or verdict.scrubbed_under != policy:
            call = scrub_action_call(call, scrubber)
        if recorder is not None:
            recorder.record(call)
        refusal = sign_in_refusal(executor, call)
        if refusal is not None:
            metrics.action_call("sign_in_required")
            return response.json(refusal)
        try:
            # Past the deadline, Rasa has told the person it could not be done: do not do it now.
            result = await before_deadline(executor.run(call), parse_deadline(request.headers.get(DEADLINE_HEADER)))
        except DeadlinePassed:
            logger.warning("an action call reached its caller's deadline: not run, or cancelled")
            metrics.action_call("deadline_passed")
            return response.json({"error": "the caller's deadline for this call passed"}, status=504)
        except ActionExecutionRejection as error:
            metrics.action_call("rejected")
            return response.json({"error": error.message, "action_name": error.action_name}, status=400)
        except ActionNotFoundException as error:
            logger.error("action not found: %s", error.action_name)
            metrics.action_call("not_found")
            return response.json({"error": error.message, "action_name": error.action_name}, status=404)
        metrics.action_call("ok")
        return response.json(result)

    @app.get("/metrics")
    async def metrics_endpoint(_: Request) -> HTTPResponse:
        body, content_type = metrics.exposition()
        return response.raw(body, content_type=content_type)

    @app.exception(Exception)
    async def on_error(request: Request, error: Exception) -> HTTPResponse:
        # Never the request body, never the exception text (it may quote tracker data).
        logger.error("action server error on %s: %s", request.path, type(error).__name__)
        if request.path == "/webhook":
            metrics.action_call("error")
        status = getattr(error, "status_code", 500)
        return response.json({"error": "the action server could not handle this request"}, status=status)

    return app


def main(argv: Optional[list] = None) -> None:
    from bot import patches

    try:
        patches.install_action_server()  # before anything logs or runs the engine (bot.patches)
    except patches.PatchError as error:
        raise SystemExit(f"the action server cannot start: {error}") from None
    parser = argparse.ArgumentParser(description="finbot's action server")
    parser.add_argument("--actions", default="actions", help="the package of actions")
    parser.add_argument("--host", default=os.environ.get("SANIC_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--log-file", default=None)
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args(argv)

    level = logging.DEBUG if args.debug else logging.INFO
    utils.configure_colored_logging(level)
    utils.configure_file_logging(logging.getLogger(APPLICATION_ROOT_LOGGER_NAME), args.log_file, level, None)
    if args.log_file:
        utils.configure_file_logging(logging.getLogger("bot"), args.log_file, level, None)
    utils.update_sanic_log_level()
    patches.log_active()  # the "bot" logger's: in the log file too
    # Log records are redacted with this process's redactor from here on. The action server scrubs what it
    # is sent but keeps no original: only the conversation's own redaction (channel, NLU step) writes to the vault.
    redactor = without_vault(shared_redactor())
    scrubber = scrubber_for(redactor)
    try:
        keys = call_keys()  # every key of the ring: seals from servers on an old or a new key both pass
    except Exception as error:  # VaultKeyError, OSError: without the key no call could be checked
        raise SystemExit(f"the action server cannot read the deployment's key: {error}") from None
    replays = RedisReplayCache.from_environment() or MemoryReplayCache()
    verifier = CallVerifier(keys, replays)
    policy = None if redaction_disabled() else redactor.policy.fingerprint
    app = create_app(args.actions, scrubber, verifier, policy)
    logger.info("action server listening on http://%s:%s", args.host, args.port)
    app.run(args.host, args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
