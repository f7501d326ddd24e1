"""Every change the project makes to another library's code, in one place, installed by the process entry points.

- ``rasa_console``: ``rasa.core.channels.console._send_message_receive_stream``
  and ``send_message_receive_block``, so that plain ``rasa shell`` redacts what
  is typed before it sends it (``bot.console_guard``).
- ``rasa_agent``: ``rasa.core.agent.load_agent``, so that every agent Rasa
  loads (at start, and on ``PUT /model``) gets the fault handling (``bot.faults``);
  in the fall-back only, ``Agent.handle_message``, so that an agent loaded
  before any code of ours ran gets it before its first message.
- ``rasa_stores``: ``FailSafeTrackerStore._on_tracker_store_error``, a private
  attribute of the agent's store (set by ``bot.faults.install``), so that the
  tracker store fails closed instead of falling back to memory.
- ``rasa_actions``: ``RemoteAction._validate_action_result``, so that answers
  are validated with a validator built once (``bot.action_validation``).
- ``rasa_api``: ``rasa.server.requires_auth``, so that the API token is taken
  from the ``Authorization`` header only.
- ``tld``: ``tldextract.tldextract.TLD_EXTRACTOR``, so that the public suffix
  list is the bundled one: no network.
- ``log_records``: the standard library's LogRecord factory, so that every log
  record is redacted (``bot.logs``).

Each patch is idempotent and names its targets (``guard.Target``): the pinned
version of the library it was written for, read from the installed package
metadata, and the signature of what it replaces. Before changing anything it
refuses with ``VersionMismatch`` or ``SignatureMismatch`` when the installed
library is not that one (tests/patches/ checks every target against the
installed libraries and the pins).

Who installs what, first thing in the process:

- ``install_rasa_server``: ``bot.rasa_launcher``, which starts every Rasa
  server (``finbot run``, ``finbot shell``, the deploy files): all of the above
  but ``Agent.handle_message``.
- ``install_training``: ``bot.rasa_launcher train`` (``finbot train``): ``tld``.
- ``install_action_server``: ``bot.action_server``: ``tld``, ``log_records``.
- ``install_engine``: the commands that run the engine in their own process
  (``finbot redact``, ``parse``, ``eval-redaction``, ``purge``; the benchmarks):
  ``tld``, ``log_records``.
- ``ensure_rasa_process``: the fallback for a process started by Rasa's own
  command line (plain ``rasa shell`` or ``rasa run``), where no code of ours
  runs before Rasa loads the model: the NLU step's ``create`` calls it, and
  it installs what ``install_rasa_server`` does but the API patch (Rasa's
  server exists by then), and ``Agent.handle_message`` (the agent being loaded
  then came too early for ``load_agent``'s). In a process an entry point
  prepared it does nothing.

``bot.runtime.shared_redactor`` hands the process's redactor to ``log_records``,
and installs that patch itself where no entry point did (a test, a script):
a process that holds a redactor never logs unredacted.

Errors::

    PatchError              a patch cannot be installed
    ├── VersionMismatch     the installed library is not the pinned version the patch was written for
    └── SignatureMismatch   what the patch replaces is missing or has another signature
"""

from __future__ import annotations

from typing import List

from bot.patches.guard import PatchError, SignatureMismatch, Target, VersionMismatch, active, log_active

_prepared: List[str] = []  # the set an entry point installed in this process


def _prepare(name: str) -> None:
    if name not in _prepared:
        _prepared.append(name)


def prepared() -> List[str]:
    """The patch sets entry points installed in this process (empty: none prepared it)."""
    return list(_prepared)


def install_engine() -> None:
    """What a process running the privacy engine needs: no network, redacted logs."""
    from bot.patches import log_records, tld

    tld.install()
    log_records.install()
    _prepare("engine")


def install_action_server() -> None:
    """What the action server needs (``bot.action_server``)."""
    install_engine()
    _prepare("action server")


def install_training() -> None:
    """What ``rasa train`` needs (``bot.rasa_launcher train``): no network."""
    from bot.patches import tld

    tld.install()
    _prepare("training")


def _install_rasa(*, fallback: bool) -> None:
    from bot.patches import rasa_actions, rasa_agent, rasa_api, rasa_console, rasa_stores

    install_engine()
    rasa_stores.check()  # set on each agent's store later (bot.faults.install): refused now, not then
    rasa_console.install_console_guard()
    rasa_agent.install_agent_hook()
    rasa_actions.install_action_validation()
    if fallback:
        rasa_agent.install_message_hook()
    else:
        rasa_api.install_header_only_token()


def install_rasa_server() -> None:
    """What a Rasa server or shell process needs (``bot.rasa_launcher``), before Rasa builds its server."""
    _install_rasa(fallback=False)
    _prepare("rasa server")


def ensure_rasa_process() -> None:
    """The fallback for a Rasa process that no entry point of ours prepared (see the module docstring)."""
    if _prepared:
        return
    _install_rasa(fallback=True)
    _prepare("rasa process (fallback)")


def targets() -> List[Target]:
    """Every attribute a patch replaces or relies on."""
    from bot.patches import log_records, rasa_actions, rasa_agent, rasa_api, rasa_console, rasa_stores, tld

    return [*rasa_console.TARGETS, *rasa_agent.TARGETS, rasa_stores.CONSTRUCTOR, rasa_actions.VALIDATE,
            rasa_api.REQUIRES_AUTH, *tld.TARGETS, *log_records.TARGETS]


__all__ = [
    "PatchError",
    "SignatureMismatch",
    "VersionMismatch",
    "active",
    "ensure_rasa_process",
    "install_action_server",
    "install_engine",
    "install_rasa_server",
    "install_training",
    "log_active",
    "prepared",
    "targets",
]
