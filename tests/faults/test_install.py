"""Installing the fault handling into a loaded agent: its action calls bounded, its tracker store closed."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace

import pytest
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig
from sanic import Blueprint, Sanic

from bot.faults.actions import DEFAULT_TIMEOUT_SECONDS, TIMEOUT_ENV, BoundedActionEndpoint
from bot.faults.install import install_at_start, install_fault_handling

DOMAIN = Domain.from_dict({"slots": {"budget_income": {"type": "float", "mappings": [{"type": "from_text"}]}}})


class AgentLike(SimpleNamespace):
    """What Rasa's Agent holds that the installation touches: no model needed."""

    __hash__ = object.__hash__  # an agent is known by its identity, as Rasa's is


def agent_like(endpoint: EndpointConfig, store: TrackerStore) -> AgentLike:
    return AgentLike(action_endpoint=endpoint, processor=SimpleNamespace(action_endpoint=endpoint),
                           tracker_store=store, domain=DOMAIN)


def test_installing_bounds_the_action_calls_and_closes_the_store_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TIMEOUT_ENV, raising=False)
    store: TrackerStore = FailSafeTrackerStore(InMemoryTrackerStore(DOMAIN))
    endpoint = EndpointConfig("http://127.0.0.1:5055/webhook", timeout=4)
    agent = agent_like(endpoint, store)
    install_fault_handling(agent)
    bounded = agent.action_endpoint
    assert isinstance(bounded, BoundedActionEndpoint) and agent.processor.action_endpoint is bounded
    assert bounded.url == endpoint.url and bounded.timeout_seconds == 4
    assert [slot.name for slot in bounded.slots] == [slot.name for slot in DOMAIN.slots]
    install_fault_handling(agent)
    assert agent.action_endpoint is bounded  # not wrapped twice
    assert store._on_tracker_store_error is not None


def test_a_bad_timeout_setting_is_reported_and_the_default_used(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv(TIMEOUT_ENV, "soon")
    agent = agent_like(EndpointConfig("http://127.0.0.1:5055/webhook"), InMemoryTrackerStore(DOMAIN))
    install_fault_handling(agent)
    assert agent.action_endpoint.timeout_seconds == DEFAULT_TIMEOUT_SECONDS
    assert "'soon'" in caplog.text


def test_the_handling_is_in_place_once_the_server_has_started(monkeypatch: pytest.MonkeyPatch) -> None:
    # Before any channel message: Rasa's HTTP API (--enable-api) runs actions through the same agent.
    monkeypatch.delenv(TIMEOUT_ENV, raising=False)
    app = Sanic("fault_handling_at_start", configure_logging=False)  # leave the process's loggers alone
    routes = Blueprint("channel_like", url_prefix="/webhooks/like")
    install_at_start(routes)
    app.blueprint(routes)
    agent = agent_like(EndpointConfig("http://127.0.0.1:5055/webhook", timeout=3), InMemoryTrackerStore(DOMAIN))
    app.ctx.agent = agent

    async def started() -> None:  # what Sanic 21.12 does once its server is up (its listeners are signals)
        app.signal_router.finalize()
        await app._server_event("init", "after", loop=asyncio.get_running_loop())

    try:
        asyncio.run(started())
    finally:
        Sanic._app_registry.pop(app.name, None)  # the next test may make an app of the same name
    assert isinstance(agent.action_endpoint, BoundedActionEndpoint) and agent.action_endpoint.timeout_seconds == 3
    assert agent.processor.action_endpoint is agent.action_endpoint


def test_the_rasa_servers_seal_is_the_one_the_action_server_checks(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Both derive the key from the deployment's master key (bot.action_server.main)."""
    from bot.action_calls import CallRefused, CallSealer, CallVerifier, Verdict, call_key
    from bot.faults.install import call_sealer
    from bot.privacy.policy import Policy
    from bot.stores import EventScrubber, RedactingTrackerStore

    monkeypatch.setenv("FINBOT_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("FINBOT_UNSAFE_NO_REDACTION", raising=False)
    policy = Policy.load()
    store = RedactingTrackerStore(Domain.empty(), inner=InMemoryTrackerStore(Domain.empty()),
                                  scrubber=EventScrubber(lambda text, conversation, after: text),
                                  redactor=SimpleNamespace(policy=policy))  # type: ignore[arg-type]
    sealer = call_sealer(FailSafeTrackerStore(store))
    assert isinstance(sealer, CallSealer)
    body, mark = sealer({"next_action": "action_x", "tracker": {"sender_id": "c1", "events": []}})
    verifier = CallVerifier(call_key(tmp_path / "var"))  # the action server's, from the same master key
    assert verifier.verify(body, mark) == Verdict(policy.fingerprint)
    # A Rasa server that does not say its policy still seals, as not scrubbed: the action server scrubs.
    store.redactor = None
    body, mark = call_sealer(FailSafeTrackerStore(store))({"next_action": "action_x"})  # type: ignore[misc]
    assert verifier.verify(body, mark) == Verdict(None)
    # Another deployment (another master key) cannot seal for this one.
    monkeypatch.setenv("FINBOT_VAR_DIR", str(tmp_path / "other"))
    body, mark = call_sealer(FailSafeTrackerStore(store))({"next_action": "action_x"})  # type: ignore[misc]
    with pytest.raises(CallRefused, match="key"):
        verifier.verify(body, mark)
