"""Every agent Rasa loads gets the fault handling (``bot.faults``) before it serves.

- ``rasa.core.agent.load_agent`` is how Rasa loads its agent: at server start,
  and again when a model is replaced through the HTTP API (``PUT /model``),
  which makes a new agent. Wrapped, it hands each agent it returns to
  ``bot.faults.install.ensure_installed`` (its action calls bounded and sealed,
  its tracker store closed), once, as soon as it is loaded. Installed by
  ``bot.rasa_launcher`` before Rasa starts.
- ``Agent.handle_message``, for a process that Rasa's own command line started
  (plain ``rasa shell``, ``rasa run``): its first agent was loaded before any
  code of ours ran, and its channels may not be ours (the shell's ``cmdline``,
  Rasa's stock channels), so no listener of ours installs the handling when the
  server starts. Wrapped, it installs it into the agent before the agent's
  first message (then: a look-up in a set per message). Installed only by the
  fall-back, ``bot.patches.ensure_rasa_process``.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Callable

from bot.patches.guard import Target, mark

logger = logging.getLogger(__name__)

AT_LOAD = "fault handling of loaded agents"
AT_FIRST_MESSAGE = "fault handling at an agent's first message"
RASA = "3.6.21"
LOAD_AGENT = Target(
    AT_LOAD, "rasa", RASA, "rasa.core.agent", "load_agent",
    "(model_path: 'Optional[Text]' = …, model_server: 'Optional[EndpointConfig]' = …, "
    "remote_storage: 'Optional[Text]' = …, endpoints: 'Optional[AvailableEndpoints]' = …, "
    "loop: 'Optional[AbstractEventLoop]' = …) -> 'Agent'",
)
HANDLE_MESSAGE = Target(AT_FIRST_MESSAGE, "rasa", RASA, "rasa.core.agent", "Agent.handle_message",
                        "(self, message: 'UserMessage') -> 'Optional[List[Dict[Text, Any]]]'")
TARGETS = (LOAD_AGENT, HANDLE_MESSAGE)
OURS = "__finbot_patch__"


def install_agent_hook() -> None:
    """Install the fault handling into every agent ``load_agent`` returns from now on; idempotent.

    VersionMismatch or SignatureMismatch if Rasa is not the version this was written for."""
    import rasa.core.agent

    current = LOAD_AGENT.present()
    if getattr(current, OURS, None) != AT_LOAD:
        LOAD_AGENT.check_signature(current)
        rasa.core.agent.load_agent = _handling_faults(current)
    mark(AT_LOAD)


def install_message_hook() -> None:
    """Install the fault handling into each agent before it handles its first message; idempotent.

    VersionMismatch or SignatureMismatch if Rasa is not the version this was written for."""
    from rasa.core.agent import Agent

    current = HANDLE_MESSAGE.present()
    if getattr(current, OURS, None) != AT_FIRST_MESSAGE:
        HANDLE_MESSAGE.check_signature(current)
        Agent.handle_message = _handling_faults_first(current)
    mark(AT_FIRST_MESSAGE)


def _handling_faults(load_agent: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(load_agent)
    async def loading(*args: Any, **kwargs: Any) -> Any:
        from bot.faults.install import ensure_installed

        agent = await load_agent(*args, **kwargs)
        ensure_installed(agent)
        return agent

    setattr(loading, OURS, AT_LOAD)
    return loading


def _handling_faults_first(handle_message: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(handle_message)
    async def handling(self: Any, message: Any) -> Any:
        from bot.faults.install import ensure_installed

        ensure_installed(self)
        return await handle_message(self, message)

    setattr(handling, OURS, AT_FIRST_MESSAGE)
    return handling
