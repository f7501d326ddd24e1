"""Put the fault handling into a running Rasa server's agent: its action calls bounded and sealed, its
tracker store closed (see ``bot.faults``).

``ensure_installed`` does it once per agent, before the agent serves: each
redacting channel's blueprint calls ``install_at_start``, so once the server
has loaded its agent (Rasa loads it before the server starts) the handling is
in place, and Rasa's HTTP API (``--enable-api``) gets it before any channel
message. The same start-up listener starts the server's retention purge
(bot.retention). An agent loaded later (a model replaced through the API), or
one whose server has no channel of ours (plain ``rasa shell``), gets it from
``bot.patches.rasa_agent``.
"""

from __future__ import annotations

import logging
import weakref
from typing import Any, Optional

from rasa.shared.core.domain import Domain
from sanic import Blueprint

from bot.action_calls import CallSealer, CallSigner, call_key
from bot.faults.actions import DEFAULT_TIMEOUT_SECONDS, BoundedActionEndpoint
from bot.patches.guard import log_active
from bot.patches.rasa_stores import fail_closed, wrapped_store
from bot.privacy.policy import Policy
from bot.runtime import redaction_disabled
from bot.stores.scrub import EventScrubber

logger = logging.getLogger(__name__)

_installed: weakref.WeakSet[Any] = weakref.WeakSet()  # agents with fault handling in place


def install_fault_handling(agent: Any) -> None:
    """Bound the agent's action calls and make its tracker store fail closed (see ``bot.faults``).

    VersionMismatch or SignatureMismatch (``bot.patches``) if Rasa's tracker store wrapper is not the one
    ``fail_closed`` was written for.
    """
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


def call_sealer(store: Any) -> Optional[CallSealer]:
    """What seals the action calls (bot.action_calls), scrubbed first with the redacting tracker store's
    scrubber if the server has one and redaction is on (else the action server scrubs them). None when
    this server cannot read the deployment's key: its calls go unsealed, and the action server refuses them."""
    try:
        signer = CallSigner(call_key())
    except Exception as error:  # no key to read (a folder not writable, a malformed key, ...)
        logger.error("action calls cannot be sealed (%s): the action server will refuse them", type(error).__name__)
        return None
    inner = wrapped_store(store)  # Rasa wraps the configured store in a FailSafeTrackerStore
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
        log_active()


def install_at_start(blueprint: Blueprint) -> None:
    """Install the fault handling into the server's agent as soon as the server has started."""

    @blueprint.listener("after_server_start")
    async def install(app: Any, _: Any) -> None:
        from bot.retention import start_on_server

        agent = getattr(app.ctx, "agent", None)
        ensure_installed(agent)
        start_on_server(app, agent)
