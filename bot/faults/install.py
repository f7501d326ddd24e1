"""Put the fault handling into a running Rasa server: every input channel passes its messages through it.

The same start-up listener starts the server's retention purge (bot.retention).

Each redacting channel's blueprint calls ``install_at_start``: once the server
has loaded its agent (Rasa loads it before the server starts), the agent's
action calls are bounded and its tracker store fails closed, so Rasa's HTTP API
(``--enable-api``) gets the same handling before any channel message.
``PrivacyGate.wrap`` (every channel's path into Rasa) wraps Rasa's
``on_new_message`` with ``guard_messages``: it installs the handling into an
agent that came later (a model replaced through the API), and answers a
tracker-store outage for every message.
"""

from __future__ import annotations

import logging
import weakref
from typing import Any, Optional

import rasa
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.domain import Domain
from sanic import Blueprint, Sanic
from sanic.exceptions import SanicException

from bot import action_validation
from bot.action_calls import CallSealer, CallSigner, call_key
from bot.faults.actions import DEFAULT_TIMEOUT_SECONDS, BoundedActionEndpoint
from bot.faults.stores import OnNewMessage, answer_store_outages, fail_closed
from bot.privacy.policy import Policy
from bot.runtime import redaction_disabled
from bot.stores.scrub import EventScrubber

logger = logging.getLogger(__name__)

TESTED_RASA = "3.6."
_installed: weakref.WeakSet[Any] = weakref.WeakSet()  # agents with fault handling in place


def install_fault_handling(agent: Any) -> None:
    """Bound the agent's action calls and make its tracker store fail closed (see ``bot.faults``).

    Also has the action server's answers validated with a validator built once (``bot.action_validation``).
    """
    if not rasa.__version__.startswith(TESTED_RASA):
        logger.warning("fault handling was tested with Rasa %sx, this is %s", TESTED_RASA, rasa.__version__)
    endpoint = getattr(agent, "action_endpoint", None)
    if endpoint is not None and not isinstance(endpoint, BoundedActionEndpoint):
        domain = getattr(agent, "domain", None)
        slots = domain.slots if isinstance(domain, Domain) else []
        sealer = call_sealer(getattr(agent, "tracker_store", None))
        try:
            bounded = BoundedActionEndpoint.wrapping(endpoint, slots=slots, sealer=sealer)
        except ValueError as error:  # a bad setting must not stop every message: say so, use the default
            logger.error("%s; using %g s", error, DEFAULT_TIMEOUT_SECONDS)
            bounded = BoundedActionEndpoint.wrapping(endpoint, DEFAULT_TIMEOUT_SECONDS, slots, sealer)
        # The processor got the endpoint when the model was loaded; a model loaded later takes the agent's.
        agent.action_endpoint = bounded
        if getattr(agent, "processor", None) is not None:
            agent.processor.action_endpoint = bounded
        logger.info("action server calls are bounded to %g s", bounded.timeout_seconds)
    store = getattr(agent, "tracker_store", None)
    if store is not None and fail_closed(store):
        logger.info("the tracker store fails closed: no in-memory fall-back")
    try:
        action_validation.install()
    except Exception as error:  # Rasa's own (slower) validation stays: nothing else depends on this
        logger.warning("action answers keep Rasa's own validation (%s)", type(error).__name__)


def call_sealer(store: Any) -> Optional[CallSealer]:
    """What seals the action calls (bot.action_calls), scrubbed first with the redacting tracker store's
    scrubber if the server has one and redaction is on (else the action server scrubs them). None when
    this server cannot read the deployment's key: its calls go unsealed, and the action server refuses them."""
    try:
        signer = CallSigner(call_key())
    except Exception as error:  # no key to read (a folder not writable, a malformed key, ...)
        logger.error("action calls cannot be sealed (%s): the action server will refuse them", type(error).__name__)
        return None
    inner = getattr(store, "_tracker_store", store)  # Rasa wraps the configured store in a FailSafeTrackerStore
    scrubber = getattr(inner, "scrubber", None)
    policy = policy_of(inner)
    if not isinstance(scrubber, EventScrubber) or redaction_disabled() or policy is None:
        if not redaction_disabled():
            logger.warning("action calls are sealed unscrubbed (the tracker store is not a redacting one, or "
                           "does not say its policy): the action server scrubs them")
        return CallSealer(signer)
    return CallSealer(signer, scrubber, policy.fingerprint)


def policy_of(store: Any) -> Optional[Policy]:
    """The privacy policy the redacting tracker store redacts with (None if it does not say)."""
    policy = getattr(getattr(store, "redactor", None), "policy", None)
    return policy if isinstance(policy, Policy) else None


def ensure_installed(agent: Any) -> None:
    """``install_fault_handling`` once per agent."""
    if agent is not None and agent not in _installed:
        install_fault_handling(agent)
        _installed.add(agent)


def install_at_start(blueprint: Blueprint) -> None:
    """Install the fault handling into the server's agent as soon as the server has started."""

    @blueprint.listener("after_server_start")
    async def install(app: Any, _: Any) -> None:
        from bot.retention import start_on_server

        agent = getattr(app.ctx, "agent", None)
        ensure_installed(agent)
        start_on_server(app, agent)


def running_agent() -> Optional[Any]:
    """The agent of the Rasa server running in this process, or None (not loaded yet, or no server)."""
    try:
        apps = [Sanic.get_app()]
    except SanicException:  # none, or several (then the one that holds an agent)
        apps = list(getattr(Sanic, "_app_registry", {}).values())
    agents = [agent for agent in (getattr(app.ctx, "agent", None) for app in apps) if agent is not None]
    return agents[0] if len(agents) == 1 else None


def guard_messages(on_new_message: OnNewMessage) -> OnNewMessage:
    """``on_new_message`` with the fault handling in place: installed into the running server's agent
    before a message is handled, and a tracker-store outage answered (``answer_store_outages``)."""
    answered = answer_store_outages(on_new_message)

    async def guarded(message: UserMessage) -> Any:
        ensure_installed(running_agent())
        return await answered(message)

    return guarded
