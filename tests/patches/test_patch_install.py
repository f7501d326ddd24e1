"""Installing the patches: what each puts in place, once however often it is called, and a clear refusal when
the installed library is not the version it was written for."""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace
from typing import Any, Callable, List

import pytest
import rasa.core.agent
import rasa.server
import tldextract
import tldextract.tldextract
from rasa.core.actions.action import RemoteAction
from rasa.core.agent import Agent
from rasa.core.channels import console
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig

from bot import action_validation, patches
from bot.faults.actions import BoundedActionEndpoint
from bot.faults.install import install_fault_handling
from bot.patches import guard, log_records, rasa_actions, rasa_agent, rasa_api, rasa_console, rasa_stores, tld
from bot.privacy.offline import OFFLINE
from tests.patches.conftest import ORIGINAL_FACTORY, ORIGINALS

pytestmark = pytest.mark.usefixtures("pristine")

RASA_SERVER = {"tldextract offline", "log record redaction", "console redaction", "fault handling of loaded agents",
               "action answer validation", "API token from the header only"}
FALLBACK = RASA_SERVER - {"API token from the header only"} | {"fault handling at an agent's first message"}


def patched_attributes() -> List[Any]:
    return [console._send_message_receive_stream, console.send_message_receive_block, rasa.core.agent.load_agent,
            Agent.handle_message, RemoteAction._validate_action_result, rasa.server.requires_auth,
            tldextract.tldextract.TLD_EXTRACTOR, logging.getLogRecordFactory()]


class AgentLike(SimpleNamespace):
    """What Rasa's Agent holds that the fault handling touches: no model needed."""

    __hash__ = object.__hash__  # an agent is known by its identity, as Rasa's is


def agent_like() -> AgentLike:
    endpoint = EndpointConfig("http://127.0.0.1:5055/webhook")
    return AgentLike(action_endpoint=endpoint, processor=SimpleNamespace(action_endpoint=endpoint),
                     tracker_store=FailSafeTrackerStore(InMemoryTrackerStore(Domain.empty())), domain=Domain.empty())


@pytest.fixture(autouse=True)
def var_dir(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fault handling reads the deployment's key to seal action calls: a var/ of the test's own."""
    monkeypatch.setenv("FINBOT_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("FINBOT_ACTION_TIMEOUT", raising=False)


def test_the_fixture_starts_from_the_libraries_own_attributes() -> None:
    assert Agent.handle_message is ORIGINALS["rasa.core.agent.Agent.handle_message"]
    assert logging.getLogRecordFactory() is ORIGINAL_FACTORY and patches.prepared() == []


def test_the_rasa_server_set_puts_every_patch_in_place_once() -> None:
    before = patched_attributes()
    patches.install_rasa_server()
    after = patched_attributes()
    changed = [new is not old for new, old in zip(after, before)]
    assert changed == [True, True, True, False, True, True, True, True]  # Agent.handle_message: the fall-back's
    assert RemoteAction._validate_action_result is action_validation.validate_action_result
    assert tldextract.tldextract.TLD_EXTRACTOR is OFFLINE and tldextract.extract("a.example.co.uk").suffix == "co.uk"
    assert set(patches.active()) == RASA_SERVER and patches.prepared() == ["engine", "rasa server"]
    patches.install_rasa_server()  # again: nothing is wrapped twice
    assert patched_attributes() == after


def test_each_process_gets_its_own_set() -> None:
    patches.install_training()
    assert patches.active() == ["tldextract offline"]
    patches.install_action_server()
    assert patches.active() == ["tldextract offline", "log record redaction"]
    assert rasa.core.agent.load_agent is ORIGINALS["rasa.core.agent.load_agent"]


def test_the_fallback_installs_the_rasa_set_and_the_message_hook_in_a_process_nothing_prepared() -> None:
    patches.ensure_rasa_process()
    assert set(patches.active()) == FALLBACK  # Rasa's server exists by then: too late for the API patch
    assert rasa.server.requires_auth is ORIGINALS["rasa.server.requires_auth"]
    assert patches.prepared() == ["engine", "rasa process (fallback)"]
    patches.ensure_rasa_process()
    assert set(patches.active()) == FALLBACK


def test_the_fallback_does_nothing_where_an_entry_point_prepared_the_process() -> None:
    patches.install_engine()  # finbot parse, which loads the model in its own process
    patches.ensure_rasa_process()
    assert patches.active() == ["tldextract offline", "log record redaction"]


INSTALLS: List[Callable[[], None]] = [
    patches.install_rasa_server, patches.install_training, patches.install_action_server, patches.install_engine,
    patches.ensure_rasa_process, tld.install, log_records.install, rasa_console.install_console_guard,
    rasa_agent.install_agent_hook, rasa_agent.install_message_hook, rasa_actions.install_action_validation,
    rasa_api.install_header_only_token, rasa_stores.check,
]


@pytest.mark.parametrize("install", INSTALLS, ids=lambda install: install.__qualname__)
def test_another_version_is_refused_before_anything_changes(
        install: Callable[[], None], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guard, "installed_version", lambda distribution: "9.9.9")
    before = patched_attributes()
    with pytest.raises(guard.VersionMismatch) as refused:
        install()
    assert patched_attributes() == before and patches.active() == []
    message = str(refused.value)
    assert "9.9.9" in message and refused.value.expected in message and refused.value.distribution in message


def test_a_changed_signature_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    async def load_agent(model_path: str) -> Any: ...

    monkeypatch.setattr(rasa.core.agent, "load_agent", load_agent)
    with pytest.raises(guard.SignatureMismatch, match=r"rasa\.core\.agent\.load_agent"):
        rasa_agent.install_agent_hook()
    assert rasa.core.agent.load_agent is load_agent


def test_a_missing_attribute_is_refused_and_nothing_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = console._send_message_receive_stream
    monkeypatch.delattr(console, "send_message_receive_block")
    with pytest.raises(guard.SignatureMismatch, match="missing"):
        rasa_console.install_console_guard()
    assert console._send_message_receive_stream is stream


def test_a_store_is_closed_only_with_the_attribute_rasa_keeps_its_callback_in() -> None:
    store = FailSafeTrackerStore(InMemoryTrackerStore(Domain.empty()))
    assert rasa_stores.fail_closed(store) and "tracker store fails closed" in patches.active()
    del store._on_tracker_store_error
    with pytest.raises(guard.SignatureMismatch, match="_on_tracker_store_error"):
        rasa_stores.fail_closed(store)
    assert not rasa_stores.fail_closed(InMemoryTrackerStore(Domain.empty()))


def test_every_agent_rasa_loads_gets_the_fault_handling() -> None:
    loaded = agent_like()

    async def load_agent(*args: Any, **kwargs: Any) -> Any:
        return loaded

    hooked = rasa_agent._handling_faults(load_agent)
    assert asyncio.run(hooked(model_path="m")) is loaded
    assert isinstance(loaded.action_endpoint, BoundedActionEndpoint)
    assert loaded.processor.action_endpoint is loaded.action_endpoint


def test_in_the_fallback_an_agent_gets_the_fault_handling_before_its_first_message() -> None:
    agent = agent_like()
    handled: List[str] = []

    async def handle_message(self: Any, message: Any) -> List[Any]:
        assert isinstance(self.action_endpoint, BoundedActionEndpoint)  # in place before the message is handled
        handled.append(message)
        return []

    hooked = rasa_agent._handling_faults_first(handle_message)
    assert asyncio.run(hooked(agent, "hi")) == [] and handled == ["hi"]
    bounded = agent.action_endpoint
    asyncio.run(hooked(agent, "again"))
    assert agent.action_endpoint is bounded  # once per agent


def test_the_fault_handling_of_an_agent_closes_its_store() -> None:
    agent = agent_like()
    install_fault_handling(agent)
    assert agent.tracker_store._on_tracker_store_error is not None
    assert rasa_stores.wrapped_store(agent.tracker_store) is agent.tracker_store._tracker_store


def test_the_package_says_what_it_offers() -> None:
    assert all(hasattr(patches, name) for name in patches.__all__)
    assert {"install_rasa_server", "install_training", "install_action_server", "install_engine",
            "ensure_rasa_process", "PatchError", "VersionMismatch", "SignatureMismatch"} <= set(patches.__all__)
