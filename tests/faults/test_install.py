"""Installing the fault handling into a loaded agent: its action calls bounded, its tracker store closed."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig

from bot.faults.actions import DEFAULT_TIMEOUT_SECONDS, TIMEOUT_ENV, BoundedActionEndpoint
from bot.faults.install import install_fault_handling

DOMAIN = Domain.from_dict({"slots": {"budget_income": {"type": "float", "mappings": [{"type": "from_text"}]}}})


def agent_like(endpoint: EndpointConfig, store: TrackerStore) -> SimpleNamespace:
    """What Rasa's Agent holds that the installation touches: no model needed."""
    return SimpleNamespace(action_endpoint=endpoint, processor=SimpleNamespace(action_endpoint=endpoint),
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
