"""Bounded action calls, through Rasa's own RemoteAction: a reply, the turn's slots undone, a bounded wait.

These run Rasa's ``RemoteAction.run`` unchanged against a real HTTP server (or
none): if Rasa stops calling ``EndpointConfig.request`` for actions, or changes
how it reads the answer, they fail.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

import pytest
from aiohttp import web
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    FollowupAction,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.action_calls import SEAL_HEADER, CallRefused, CallSealer, CallSigner, CallVerifier, Verdict
from bot.faults import ACTION_UNAVAILABLE
from bot.faults.actions import DEFAULT_TIMEOUT_SECONDS, TIMEOUT_ENV, BoundedActionEndpoint, action_timeout
from bot.faults.deadline import DEADLINE_HEADER
from bot.privacy.errors import VaultError
from tests.support.servers import free_port

DOMAIN = Domain.from_dict({
    "intents": ["inform", "ask_budgeting"],
    "slots": {
        "budget_income": {"type": "float", "influence_conversation": False,
                          "mappings": [{"type": "from_text"}]},
    },
    "forms": {"budget_form": {"required_slots": ["budget_income"]}},
    "actions": ["validate_budget_form", "action_show_balance", "action_extract_income"],
    "responses": {"utter_ask_budget_income": [{"text": "What is your monthly take-home pay?"}]},
})

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def half_filled_form() -> DialogueStateTracker:
    """A budget form waiting for the income, and the person's answer just extracted (not yet validated)."""
    return DialogueStateTracker.from_events("conv-7", [
        ActionExecuted("action_listen"),
        UserUttered("help me budget", {"name": "ask_budgeting", "confidence": 1.0}),
        ActionExecuted("budget_form"),
        ActiveLoop("budget_form"),
        SlotSet("requested_slot", "budget_income"),
        BotUttered("What is your monthly take-home pay?"),
        ActionExecuted("action_listen"),
        UserUttered("3000", {"name": "inform", "confidence": 1.0}),
        SlotSet("budget_income", 3000.0),
    ], slots=DOMAIN.slots)


async def run_action(name: str, endpoint: EndpointConfig, tracker: DialogueStateTracker) -> List[Event]:
    nlg = TemplatedNaturalLanguageGenerator(DOMAIN.responses)
    return await RemoteAction(name, endpoint).run(CollectingOutputChannel(), nlg, tracker, DOMAIN)


class ActionServer:
    """A real HTTP server standing in for the action server; records each request's deadline header."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.deadlines: List[Optional[str]] = []
        self.url = ""

    async def webhook(self, request: web.Request) -> web.StreamResponse:
        self.deadlines.append(request.headers.get(DEADLINE_HEADER))
        return await self.handler(request)


async def serving(handler: Handler, scenario: Callable[[ActionServer], Awaitable[Any]]) -> Any:
    server = ActionServer(handler)
    app = web.Application()
    app.router.add_post("/webhook", server.webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    server.url = f"http://127.0.0.1:{port}/webhook"
    try:
        return await scenario(server)
    finally:
        await runner.cleanup()


def answers(status: int, body: Dict[str, Any]) -> Handler:
    async def handler(_: web.Request) -> web.StreamResponse:
        return web.json_response(body, status=status)
    return handler


async def hangs(_: web.Request) -> web.StreamResponse:
    await asyncio.sleep(60)
    return web.json_response({"events": [], "responses": []})


def texts(events: List[Event]) -> List[str]:
    return [event.text for event in events if isinstance(event, BotUttered)]


def dead_endpoint(**settings: Any) -> BoundedActionEndpoint:
    """The action endpoint at a port nothing listens on, with the test domain's slots."""
    return BoundedActionEndpoint(f"http://127.0.0.1:{free_port()}/webhook", slots=DOMAIN.slots, **settings)


def test_an_action_server_that_is_down_gets_the_reply_and_the_turn_undone_at_once() -> None:
    started = time.monotonic()
    events = asyncio.run(run_action("action_show_balance", dead_endpoint(timeout_seconds=5), half_filled_form()))
    assert time.monotonic() - started < 2
    assert events == [BotUttered(ACTION_UNAVAILABLE), SlotSet("budget_income", None), FollowupAction("action_listen")]


def test_a_slow_action_server_is_given_up_on_after_the_timeout_with_a_deadline_sent() -> None:
    async def scenario(server: ActionServer) -> Tuple[float, List[Event]]:
        endpoint = BoundedActionEndpoint(server.url, timeout_seconds=1.5)
        started = time.monotonic()
        events = await run_action("action_show_balance", endpoint, half_filled_form())
        return time.monotonic() - started, events

    waited, events = asyncio.run(serving(hangs, scenario))
    assert 1.4 < waited < 3.5, waited  # the default would be Rasa's five minutes
    assert texts(events) == [ACTION_UNAVAILABLE]


def test_the_call_carries_its_deadline() -> None:
    async def scenario(server: ActionServer) -> Tuple[float, List[Optional[str]]]:
        sent = time.time()
        endpoint = BoundedActionEndpoint(server.url, timeout_seconds=4)
        await run_action("action_show_balance", endpoint, half_filled_form())
        return sent, server.deadlines

    sent, deadlines = asyncio.run(serving(answers(200, {"events": [], "responses": []}), scenario))
    assert sent + 3.5 < float(deadlines[0] or 0) < sent + 5


@pytest.mark.parametrize("status", [500, 502, 404])
def test_an_error_status_gets_the_reply(status: int) -> None:
    async def scenario(server: ActionServer) -> List[Event]:
        return await run_action("action_show_balance", BoundedActionEndpoint(server.url), half_filled_form())

    events = asyncio.run(serving(answers(status, {"error": "the action server could not handle this request"}),
                                 scenario))
    assert texts(events) == [ACTION_UNAVAILABLE]


def test_a_rejection_still_reaches_rasas_policies() -> None:
    async def scenario(server: ActionServer) -> None:
        await run_action("validate_budget_form", BoundedActionEndpoint(server.url), half_filled_form())

    body = {"action_name": "validate_budget_form", "error": "nothing to validate"}
    with pytest.raises(ActionExecutionRejection):
        asyncio.run(serving(answers(400, body), scenario))


def test_a_working_action_server_is_passed_through() -> None:
    body = {"events": [{"event": "slot", "name": "budget_income", "value": 3000.0}],
            "responses": [{"text": "Thanks, 3,000.00 a month."}]}

    async def scenario(server: ActionServer) -> List[Event]:
        return await run_action("validate_budget_form", BoundedActionEndpoint(server.url), half_filled_form())

    events = asyncio.run(serving(answers(200, body), scenario))
    assert texts(events) == ["Thanks, 3,000.00 a month."]
    assert SlotSet("budget_income", 3000.0) in events
    assert not any(isinstance(e, FollowupAction) for e in events)


def test_a_half_filled_form_is_left_where_it_was() -> None:
    tracker = half_filled_form()
    events = asyncio.run(run_action("validate_budget_form", dead_endpoint(), tracker))
    # As Rasa's processor logs an action and its events:
    tracker.update(ActionExecuted("budget_form"))
    tracker.update_with_events(events, DOMAIN)
    assert tracker.get_slot("budget_income") is None  # the unvalidated answer is not kept
    assert tracker.active_loop_name == "budget_form"
    assert tracker.get_slot("requested_slot") == "budget_income"
    assert tracker.followup_action == "action_listen"
    # Nothing is lost or undone beyond this turn: both messages are in the conversation, in order.
    assert tracker.latest_message is not None and tracker.latest_message.text == "3000"
    assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == ["help me budget", "3000"]


def test_a_slot_the_message_changed_gets_its_earlier_value_back() -> None:
    tracker = half_filled_form()
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered("actually 3500", {"name": "inform", "confidence": 1.0}))
    tracker.update(SlotSet("budget_income", 3500.0))  # a correction, extracted but not validated
    events = asyncio.run(run_action("validate_budget_form", dead_endpoint(), tracker))
    assert SlotSet("budget_income", 3000.0) in events


def test_a_second_failure_in_the_same_turn_neither_waits_nor_repeats_itself() -> None:
    async def scenario(server: ActionServer) -> Tuple[List[Event], List[Event], float, int]:
        endpoint = BoundedActionEndpoint(server.url, timeout_seconds=1, slots=DOMAIN.slots)
        tracker = half_filled_form()
        first = await run_action("validate_budget_form", endpoint, tracker)
        tracker.update(ActionExecuted("budget_form"))
        tracker.update_with_events(first, DOMAIN)
        started = time.monotonic()
        second = await run_action("action_ask_budget_costs", endpoint, tracker)
        return first, second, time.monotonic() - started, len(server.deadlines)

    first, second, waited, calls = asyncio.run(serving(hangs, scenario))
    assert texts(first) == [ACTION_UNAVAILABLE]
    assert texts(second) == []  # one reply per turn
    assert second == [SlotSet("budget_income", None), FollowupAction("action_listen")]  # undoing again changes nothing
    assert waited < 0.5
    assert calls == 1  # the second call never reached the server


def test_the_next_turn_tries_the_action_server_again() -> None:
    endpoint = dead_endpoint()
    tracker = half_filled_form()
    asyncio.run(run_action("validate_budget_form", endpoint, tracker))
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered("3000", {"name": "inform", "confidence": 1.0}))
    body = {"events": [], "responses": [{"text": "Got it."}]}

    async def scenario(server: ActionServer) -> List[Event]:
        endpoint.url = server.url  # the action server is back
        return await run_action("validate_budget_form", endpoint, tracker)

    assert texts(asyncio.run(serving(answers(200, body), scenario))) == ["Got it."]


def test_without_a_message_of_the_persons_only_the_reply() -> None:
    tracker = DialogueStateTracker.from_events("conv-8", [ActionExecuted("action_session_start")], slots=[])
    assert asyncio.run(run_action("action_show_balance", dead_endpoint(), tracker)) == [BotUttered(ACTION_UNAVAILABLE)]


def test_the_reply_never_carries_what_the_person_typed() -> None:
    tracker = half_filled_form()
    tracker.update(UserUttered("my name is Zebulon Quackenbush", {"name": "inform", "confidence": 1.0}))
    events = asyncio.run(run_action("action_show_balance", dead_endpoint(), tracker))
    assert "Quackenbush" not in json.dumps([e.as_dict() for e in events])


def test_wrapping_keeps_the_endpoint_and_reads_its_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TIMEOUT_ENV, raising=False)
    plain = EndpointConfig("http://127.0.0.1:5055/webhook", headers={"X-Bank": "1"}, token="t", timeout=7)
    bounded = BoundedActionEndpoint.wrapping(plain)
    assert (bounded.url, bounded.headers, bounded.token) == (plain.url, {"X-Bank": "1"}, "t")
    assert bounded.timeout_seconds == 7
    assert "timeout" not in bounded.kwargs
    assert isinstance(bounded.copy(), BoundedActionEndpoint) and bounded.copy().timeout_seconds == 7
    assert BoundedActionEndpoint.wrapping(EndpointConfig("http://x/webhook")).timeout_seconds == DEFAULT_TIMEOUT_SECONDS
    monkeypatch.setenv(TIMEOUT_ENV, "2.5")
    assert BoundedActionEndpoint.wrapping(plain).timeout_seconds == 2.5
    assert action_timeout() == 2.5


@pytest.mark.parametrize("value", ["0", "-3", "soon"])
def test_a_timeout_that_is_not_a_positive_number_is_refused(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TIMEOUT_ENV, value)
    with pytest.raises(ValueError):
        action_timeout()


class Scrubbing:
    """A stand-in for the tracker store's scrubber: it hides the text "3000", everywhere in the tracker."""

    def event(self, tracker: Dict[str, Any], conversation: str) -> Dict[str, Any]:
        return json.loads(json.dumps(tracker).replace('"3000"', '"<AMOUNT_1>"'))


def sent_calls(sealer: Optional[CallSealer]) -> Tuple[List[Tuple[bytes, Optional[str]]], List[Event]]:
    """What an action server receives for one call through the bounded endpoint (bodies and seals), and
    the events the call gave."""
    received: List[Tuple[bytes, Optional[str]]] = []

    async def keep(request: web.Request) -> web.StreamResponse:
        received.append((await request.read(), request.headers.get(SEAL_HEADER)))
        return web.json_response({"events": [], "responses": []})

    async def scenario(server: ActionServer) -> List[Event]:
        return await run_action("action_show_balance", BoundedActionEndpoint(server.url, sealer=sealer),
                                half_filled_form())

    events = asyncio.run(serving(keep, scenario))
    return received, events


def test_a_sealed_call_is_sent_scrubbed_with_the_seal_of_exactly_that_body() -> None:
    key = b"s" * 32
    [(body, mark)], _ = sent_calls(CallSealer(CallSigner(key), Scrubbing(), "policy-1"))  # type: ignore[arg-type]
    assert b'"3000"' not in body and b"<AMOUNT_1>" in body and json.loads(body)["next_action"] == "action_show_balance"
    assert CallVerifier(key).verify(body, mark) == Verdict("policy-1")
    with pytest.raises(CallRefused):
        CallVerifier(b"t" * 32).verify(body, mark)


class Failing:
    """A scrubber whose vault is down."""

    def event(self, tracker: Dict[str, Any], conversation: str) -> Dict[str, Any]:
        raise VaultError("the vault database is unavailable: OperationalError")


def test_a_call_that_cannot_be_scrubbed_goes_sealed_as_not_scrubbed_for_the_action_server_to_scrub() -> None:
    key = b"s" * 32
    [(body, mark)], events = sent_calls(CallSealer(CallSigner(key), Failing(), "policy-1"))  # type: ignore[arg-type]
    assert b'"3000"' in body and json.loads(body)["next_action"] == "action_show_balance" and events == []
    assert CallVerifier(key).verify(body, mark) == Verdict(None)


def test_without_a_sealer_a_call_goes_unsealed_and_the_action_server_would_refuse_it() -> None:
    [(body, mark)], _ = sent_calls(None)
    assert mark is None
    with pytest.raises(CallRefused, match="no seal"):
        CallVerifier(b"s" * 32).verify(body, mark)
