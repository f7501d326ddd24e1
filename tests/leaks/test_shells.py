"""The leak suite through the consoles: ``finbot shell`` and plain ``rasa shell``, typed into in a terminal.

``finbot shell`` talks to the running servers over the redacting REST channel:
what it sends is redacted at the door, like any other channel. Plain ``rasa
shell`` runs its own Rasa with the built-in ``cmdline`` channel, which cannot be
wrapped, so raw text reaches that process; the redacting NLU step, tracker
store, event broker, log filter and the action server's scrubbing must still
keep every original out of every sink. The action server's raw request bodies
are therefore not a sink here (the raw text crosses the loopback from that
Rasa process); what the action code sees is.

Sinks: every file under var/ except the key file (tracker and event databases,
vault, all logs including the rasa shell's log file), both servers' captured
output, each console's terminal output except the lines echoing what was typed,
and every action call as the action code received it.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

from bot.settings import Project
from tests.leaks.canaries import chat_style, generate, search
from tests.leaks.sinks import recorded, server_sinks
from tests.support.console import Console
from tests.support.servers import NETGUARD_SITE, ROOT, RunningAssistant, free_port, project_copy, run_assistant

pytestmark = pytest.mark.servers

CANARIES = generate() + chat_style()
MESSAGES = [message for canary in CANARIES for message in canary.messages]
# Rasa reads a conversation back from the tracker store for every message, replaying all the events of its
# session: 250 messages in one session made each console's last messages slow. So every 20 canaries (never
# between the two halves of a split one) each console starts a new session, as a long-lived client would.
NEW_SESSION = "/session_start"
CANARIES_PER_SESSION = 20
TYPED = [message for index, canary in enumerate(CANARIES)
         for message in ([NEW_SESSION] if index and index % CANARIES_PER_SESSION == 0 else []) + canary.messages]
RASA = Path(sys.executable).with_name("rasa")
FINBOT = Path(sys.executable).with_name("finbot")


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningAssistant]:
    tmp = tmp_path_factory.mktemp("shells")

    def typed_by_a_machine(credentials: Dict[str, Any]) -> None:
        # Hundreds of messages in one conversation, each as soon as the last is answered: faster than a person
        # types, so no limit per sender here (tests/channels/test_ratelimit.py is about the limits).
        for channel in ("bot.channels.app.AppInput", "bot.channels.rest.RedactingRestInput"):
            credentials[channel]["rate_limits"] = {"sender_per_minute": 0}

    env = {"FINBOT_RECORD_ACTION_CALLS": str(tmp / "action-calls.jsonl"),
           **project_copy(tmp / "project", typed_by_a_machine)}
    with run_assistant(tmp, extra_env=env, run_args=["--debug"]) as running:
        yield running


def served_model(assistant: RunningAssistant) -> Path:
    """The model the running servers loaded (``finbot run`` names it as it starts)."""
    found = re.search(r"starting the assistant with (\S+) \.\.\.", assistant.read_output())
    assert found, "finbot run did not say which model it loaded"
    model = Path(found.group(1))
    return model if model.is_absolute() else Project.locate().root / model


def console_env(assistant: RunningAssistant) -> Dict[str, str]:
    env = dict(os.environ)
    env.update({
        "PYTHONPATH": os.pathsep.join(filter(None, [str(NETGUARD_SITE), str(ROOT), env.get("PYTHONPATH", "")])),
        "FINBOT_NETGUARD_LOG": str(assistant.netguard_log),
        "FINBOT_VAR_DIR": str(assistant.var_dir),
        "PYTHONUNBUFFERED": "1",
        "SANIC_NO_UVLOOP": "true",
        "RASA_TELEMETRY_ENABLED": "false",
    })
    return env


@dataclass
class Session:
    """A console that had every canary message typed into it, and what it answered to each."""

    console: Console
    replies: List[str]


def type_all(console: Console, messages: List[str]) -> Session:
    """Type ``messages``; the session's replies are those to the canary messages, in order."""
    try:
        replies = [console.say(message, timeout=120) for message in messages]
    finally:
        console.close()
    return Session(console, [reply for message, reply in zip(messages, replies) if message != NEW_SESSION])


@pytest.fixture(scope="module")
def shells(assistant: RunningAssistant) -> Dict[str, Session]:
    """Both consoles, typed into at the same time (the rasa shell loads its own model meanwhile)."""
    finbot = Console(
        [str(FINBOT), "--var-dir", str(assistant.var_dir), "shell", "--connect", assistant.rasa_url],
        ROOT, console_env(assistant), assistant.var_dir.parent / "finbot-shell.txt",
    )
    rasa = Console([
        str(RASA), "shell", "--model", str(served_model(assistant)),
        "--endpoints", str(assistant.var_dir / "run" / "endpoints.yml"),
        "--debug", "--log-file", str(assistant.var_dir / "logs" / "rasa-shell.log"), "--port", str(free_port()),
    ], ROOT, console_env(assistant), assistant.var_dir.parent / "rasa-shell.txt")
    with ThreadPoolExecutor(max_workers=2) as pool:
        typed = {name: pool.submit(type_all, console, TYPED)
                 for name, console in (("finbot shell", finbot), ("rasa shell", rasa))}
        return {name: future.result() for name, future in typed.items()}


@pytest.fixture(scope="module")
def finbot_shell(shells: Dict[str, Session]) -> Session:
    return shells["finbot shell"]


@pytest.fixture(scope="module")
def rasa_shell(shells: Dict[str, Session]) -> Session:
    return shells["rasa shell"]


def sinks(assistant: RunningAssistant, sessions: Dict[str, Session]) -> Dict[str, str]:
    found = server_sinks(assistant)
    for name, session in sessions.items():
        found[f"{name} terminal"] = session.console.transcript_without_typing()
    found["action calls"] = recorded(assistant.var_dir.parent / "action-calls.jsonl")
    return found


@pytest.mark.parametrize("name", ["finbot shell", "rasa shell"])
def test_each_shell_tells_the_user_what_it_hid(shells: Dict[str, Session], name: str) -> None:
    replies = shells[name].replies
    assert len(replies) == len(MESSAGES) >= 200
    with_value = [i for i, m in enumerate(MESSAGES) if m != "my account number is"]
    told = [i for i in with_value if "I hid the" in replies[i]]
    assert len(told) == len(with_value), [MESSAGES[i][:3] for i in with_value if i not in told][:5]


def test_no_sink_holds_any_canary_after_both_shells(
    assistant: RunningAssistant, finbot_shell: Session, rasa_shell: Session
) -> None:
    assert len(rasa_shell.replies) == len(MESSAGES)
    found = sinks(assistant, {"finbot shell": finbot_shell, "rasa shell": rasa_shell})
    assert "logs/rasa-shell.log" in found and len(found["logs/rasa-shell.log"]) > 0
    assert len(found["action calls"]) > 0, "the action server was never called"
    hits = search(found, CANARIES)
    assert hits == [], f"{len(hits)} leaks: {hits[:20]}"


def test_each_shell_started_a_new_session_every_so_often(
    assistant: RunningAssistant, shells: Dict[str, Session]
) -> None:
    with sqlite3.connect(assistant.var_dir / "tracker.db") as db:
        rows = db.execute("SELECT sender_id, count(*) FROM events WHERE type_name = 'session_started' "
                          "GROUP BY sender_id").fetchall()
    assert sorted(n for _, n in rows if n > 1)[-2:] == [TYPED.count(NEW_SESSION) + 1] * 2, rows


def test_both_shells_conversations_are_stored_with_placeholders(
    assistant: RunningAssistant, finbot_shell: Session, rasa_shell: Session
) -> None:
    with sqlite3.connect(assistant.var_dir / "tracker.db") as db:
        rows = db.execute("SELECT sender_id, data FROM events WHERE type_name = 'user'").fetchall()
    by_sender: Dict[str, List[str]] = {}
    for sender, data in rows:
        by_sender.setdefault(sender, []).append(json.loads(data).get("text") or "")
    shells = [texts for texts in by_sender.values() if len(texts) >= len(MESSAGES)]
    assert len(shells) == 2, {sender: len(texts) for sender, texts in by_sender.items()}
    cards = sum(c.kind == "CREDIT_CARD" for c in CANARIES)
    for texts in shells:
        assert sum("<CREDIT_CARD_" in text for text in texts) >= cards


def test_the_search_would_find_a_canary_in_a_terminal(finbot_shell: Session) -> None:
    console = finbot_shell.console
    planted = {"finbot shell terminal": console.transcript_without_typing() + "\n" + CANARIES[0].message}
    assert search(planted, [CANARIES[0]]) == [f"canary #0 ({CANARIES[0].kind}) in finbot shell terminal"]
    # The typed lines themselves are what the transcript leaves out: they do hold the canaries.
    assert search({"typed": "\n".join(console.typed)}, CANARIES[:5]) != []


def test_the_plain_rasa_shell_got_the_projects_patches(assistant: RunningAssistant, rasa_shell: Session) -> None:
    """No entry point of ours starts plain ``rasa shell``: its patches come from the model's NLU step
    (bot.patches.ensure_rasa_process), and its agent's fault handling before the first message's actions."""
    log = (assistant.var_dir / "logs" / "rasa-shell.log").read_text(errors="replace")
    found = re.findall(r"patches in place in this process: (.*)$", log, re.M)
    assert found, "the rasa shell's agent never got the fault handling"
    assert set(found[0].strip().split("; ")) >= {
        "tldextract offline", "log record redaction", "console redaction", "fault handling of loaded agents",
        "action answer validation", "fault handling at an agent's first message", "tracker store fails closed"}
