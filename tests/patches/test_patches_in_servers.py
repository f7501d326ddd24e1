"""The patches are in place in the processes that serve: the Rasa server and the action server of ``finbot run``.

Each server logs the patches in place in its own process once it is ready to
serve (the Rasa server when its agent gets the fault handling, the action
server at start); a set missing there would be a privacy guarantee gone
silently. That they work there is what the leak tests (tests/leaks/) and the
fault tests (tests/faults/) check.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import List, Set

import pytest

from tests.support.servers import RunningAssistant

pytestmark = pytest.mark.servers

RASA_SERVER = {"tldextract offline", "log record redaction", "console redaction", "fault handling of loaded agents",
               "action answer validation", "API token from the header only", "tracker store fails closed"}
ACTION_SERVER = {"tldextract offline", "log record redaction"}
LINE = re.compile(r"patches in place in this process: (.*)$", re.M)


def logged_patches(log: Path) -> List[Set[str]]:
    """The set of patches each "patches in place" line of ``log`` names."""
    text = log.read_text(errors="replace") if log.exists() else ""
    return [set(found.group(1).strip().split("; ")) for found in LINE.finditer(text)]


def test_the_rasa_server_process_has_every_rasa_patch(assistant: RunningAssistant) -> None:
    assistant.say("patches-1", "hello")
    logged = logged_patches(assistant.var_dir / "logs" / "rasa.log")
    assert logged and logged[0] == RASA_SERVER, logged


def test_the_action_server_process_has_its_patches(assistant: RunningAssistant) -> None:
    logged = logged_patches(assistant.var_dir / "logs" / "actions.log")
    assert logged == [ACTION_SERVER], logged


def test_the_rasa_server_was_started_through_the_launcher(assistant: RunningAssistant) -> None:
    """The launcher installs them before Rasa starts: a Rasa server started any other way would get them late
    (bot.patches.ensure_rasa_process), from its model."""
    started = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            words = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if str(assistant.var_dir).encode() in b" ".join(words) and b"-m" in words:
            started.append(words[words.index(b"-m") + 1].decode())
    assert sorted(started) == ["bot.action_server", "bot.rasa_launcher"], started
