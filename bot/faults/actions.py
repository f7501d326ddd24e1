"""Action server calls bounded in time, answered with a clear reply when the action server fails.

Rasa 3.6 calls the action server through ``EndpointConfig.request`` with a
five-minute timeout (``rasa.core.constants.DEFAULT_REQUEST_TIMEOUT``), and when
the call fails, ``MessageProcessor._run_action`` logs the error and drops the
action's events: the person gets no reply at all. ``BoundedActionEndpoint``
replaces the agent's action endpoint (an ``EndpointConfig``, so Rasa's own
``RemoteAction`` code runs unchanged). It bounds each call and, when the action
server is down, too slow or answers an error, returns a valid action response
in Rasa's own format instead of raising:

- the reply ``ACTION_UNAVAILABLE`` (once per turn: the events Rasa holds
  show whether this turn has it already);
- every slot the person's message set goes back to its value before the
  message (as Rasa's own tracker computes it), so nothing is kept unvalidated
  and a half-filled form asks for the same slot again: the same message can be
  sent again once the action server is back;
- ``FollowupAction(action_listen)``: nothing else is predicted for this turn.

Not ``UserUtteranceReverted`` (what ``action_default_fallback`` uses): inside
a form, Rasa folds the form's repeated executions together when it replays the
tracker, and a rewind there undoes the turn before as well. After a failure,
further calls in the same turn fail at once, so the person waits at most about
one timeout.

A rejection (HTTP 400, rasa-sdk's ``ActionExecutionRejection``) is not a
failure: it still raises, for Rasa's policies to pick another action. Each call
carries ``X-Finbot-Deadline`` (Unix time) so that our action server does not
start an action its caller has given up on.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import os
import time
from collections import OrderedDict
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import aiohttp
from rasa.shared.core.constants import REQUESTED_SLOT
from rasa.shared.core.slots import Slot
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

from bot import metrics
from bot.action_calls import SEAL_HEADER
from bot.faults.deadline import DEADLINE_HEADER
from bot.faults.replies import ACTION_UNAVAILABLE

logger = logging.getLogger(__name__)

TIMEOUT_ENV = "FINBOT_ACTION_TIMEOUT"
DEFAULT_TIMEOUT_SECONDS = 10.0
LISTEN = "action_listen"
MAX_TRACKED_TURNS = 4096

Turn = Tuple[str, float]
Sealer = Callable[[Dict[str, Any]], Tuple[bytes, str]]  # a call -> (its scrubbed JSON body, the body's seal)


def action_timeout(configured: Any = None) -> float:
    """Seconds an action call may take: $FINBOT_ACTION_TIMEOUT, else ``configured``
    (``timeout:`` under ``action_endpoint`` in endpoints.yml), else 10. Raises ValueError if not positive."""
    raw = os.environ.get(TIMEOUT_ENV) or configured
    seconds = float(raw) if raw not in (None, "") else DEFAULT_TIMEOUT_SECONDS
    if not seconds > 0:
        raise ValueError(f"the action timeout must be a positive number of seconds, not {raw!r}")
    return seconds


def _split_at_this_turn(call: Dict[str, Any]) -> Tuple[Optional[float], List[Dict[str, Any]], List[Dict[str, Any]]]:
    """The timestamp of the latest user message in the call's tracker, the events before it, and after it."""
    tracker = call.get("tracker")
    events = tracker.get("events") if isinstance(tracker, dict) else None
    if not isinstance(events, list):
        return None, [], []
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if isinstance(event, dict) and event.get("event") == "user":
            stamp = event.get("timestamp")
            return (float(stamp) if isinstance(stamp, (int, float)) else 0.0), events[:index], events[index + 1:]
    return None, [], []


class _FailedTurns:
    """Turns (conversation, latest user message) in which a call failed: later calls fail at once."""

    def __init__(self, size: int = MAX_TRACKED_TURNS) -> None:
        self.size = size
        self._turns: OrderedDict[Turn, None] = OrderedDict()

    def __contains__(self, turn: Optional[Turn]) -> bool:
        return turn is not None and turn in self._turns

    def add(self, turn: Optional[Turn]) -> None:
        if turn is None:
            return
        self._turns[turn] = None
        while len(self._turns) > self.size:
            self._turns.popitem(last=False)


class BoundedActionEndpoint(EndpointConfig):
    """The action endpoint, with each call bounded and every failure answered (see the module docstring)."""

    def __init__(
        self,
        *args: Any,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
        slots: Sequence[Slot] = (),
        sealer: Optional[Sealer] = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.timeout_seconds = float(timeout_seconds)
        self.slots = list(slots)  # the domain's slots: to compute their values before a message
        self.sealer = sealer  # scrubs and seals each call's body (bot.action_calls), if the server redacts
        self._failed = _FailedTurns()

    @classmethod
    def wrapping(
        cls, endpoint: EndpointConfig, timeout_seconds: Optional[float] = None, slots: Sequence[Slot] = (),
        sealer: Optional[Sealer] = None,
    ) -> BoundedActionEndpoint:
        """``endpoint``'s URL, headers, authentication and settings, bounded.

        The timeout: ``timeout_seconds``, else as ``action_timeout`` reads it."""
        settings = dict(endpoint.kwargs)
        configured = settings.pop("timeout", None)
        seconds = timeout_seconds if timeout_seconds is not None else action_timeout(configured)
        return cls(
            endpoint.url, endpoint.params, endpoint.headers, endpoint.basic_auth, endpoint.token,
            endpoint.token_name, endpoint.cafile, timeout_seconds=seconds, slots=slots, sealer=sealer, **settings,
        )

    def copy(self) -> BoundedActionEndpoint:
        return BoundedActionEndpoint.wrapping(self, self.timeout_seconds, self.slots, self.sealer)

    async def request(
        self,
        method: str = "post",
        subpath: Optional[str] = None,
        content_type: Optional[str] = "application/json",
        compress: bool = False,
        **kwargs: Any,
    ) -> Optional[Any]:
        """The action server's answer, or, if it fails or takes longer than the timeout, a fallback answer.

        Raises only for a rejection (HTTP 400), as Rasa expects; a request that
        is not an action call (no ``next_action``) is passed through unchanged.
        """
        call = kwargs.get("json")
        if not isinstance(call, dict) or "next_action" not in call:
            return await super().request(method, subpath, content_type, compress, **kwargs)
        stamp, _, _ = _split_at_this_turn(call)
        turn = (str(call.get("sender_id")), stamp) if stamp is not None else None
        action = str(call.get("next_action"))
        if turn in self._failed:
            return self.fallback(call)
        deadline = time.time() + self.timeout_seconds
        kwargs["timeout"] = aiohttp.ClientTimeout(total=self.timeout_seconds)
        kwargs["headers"] = {**(kwargs.get("headers") or {}), DEADLINE_HEADER: f"{deadline:.3f}"}
        self._seal(call, kwargs)
        try:
            # wait_for as well: aiohttp's timeout does not cover every step (e.g. a stalled DNS lookup).
            result = await asyncio.wait_for(
                super().request(method, subpath, content_type, compress, **kwargs), self.timeout_seconds + 1.0
            )
        except ClientResponseError as error:
            if error.status == 400:
                raise  # a rejection: Rasa's policies predict another action
            failure, reason = f"HTTP {error.status}", "error"
        except asyncio.TimeoutError:
            failure, reason = "TimeoutError", "timeout"
        except (aiohttp.ClientError, OSError) as error:
            failure, reason = type(error).__name__, "unreachable"
        else:
            if isinstance(result, dict):
                return result
            failure, reason = "an answer that is not a JSON object", "error"
        metrics.action_call_failed(reason)
        # The conversation id and action name only: the call itself holds the conversation.
        logger.warning(
            "the action server failed for %s in conversation %s (%s); the person is told to try again later",
            action, call.get("sender_id"), failure,
        )
        self._failed.add(turn)
        return self.fallback(call)

    def _seal(self, call: Dict[str, Any], kwargs: Dict[str, Any]) -> None:
        """Send the call sealed (bot.action_calls), scrubbed if the sealer could; without a sealer it goes
        unsealed and the action server refuses it."""
        if self.sealer is None:
            logger.error("an action call goes unsealed (this server holds no sealing key): it will be refused")
            return
        body, mark = self.sealer(call)
        kwargs.pop("json", None)
        kwargs["data"] = body
        kwargs["headers"][SEAL_HEADER] = mark

    def fallback(self, call: Dict[str, Any]) -> Dict[str, Any]:
        """The answer for a failed call: the reply (unless this turn has it), this turn's slots back as they
        were before the person's message, and nothing more predicted in this turn."""
        stamp, before, this_turn = _split_at_this_turn(call)
        answered = any(e.get("event") == "bot" and e.get("text") == ACTION_UNAVAILABLE for e in this_turn)
        responses = [] if answered else [{"text": ACTION_UNAVAILABLE}]
        if stamp is None:  # no message of the person's to answer: nothing of theirs to undo
            return {"events": [], "responses": responses}
        changed = {e.get("name") for e in this_turn if e.get("event") == "slot"} - {REQUESTED_SLOT, None}
        previous = self._slot_values(str(call.get("sender_id")), before)
        events: List[Dict[str, Any]] = [
            {"event": "slot", "name": name, "value": previous.get(name)} for name in sorted(map(str, changed))
        ]
        events.append({"event": "followup", "name": LISTEN})
        return {"events": events, "responses": responses}

    def _slot_values(self, sender_id: str, events: List[Dict[str, Any]]) -> Dict[str, Any]:
        """The slot values after ``events``, as Rasa's tracker computes them (initial values, resets, forms)."""
        tracker = DialogueStateTracker.from_dict(sender_id, events, copy.deepcopy(self.slots))
        return dict(tracker.current_slot_values())
