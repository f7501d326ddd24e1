"""The action server stalled or down: a clear reply within the timeout, and the conversation goes on after."""

from __future__ import annotations

import os
import signal
import time

import pytest

from bot.faults import ACTION_UNAVAILABLE
from tests.faults.support import ACTION_TIMEOUT_SECONDS, answers, kill, texts, tracker_rows, wait_for_output
from tests.support.servers import RunningAssistant

pytestmark = pytest.mark.servers

COSTS = "rent 1200, groceries 300"


def test_a_stalled_action_server_gets_a_reply_in_time_and_the_form_is_retried(faulty: RunningAssistant) -> None:
    asked = faulty.say("stalled", "I earn 3000 a month, how should I budget it?")
    assert any("regular monthly costs" in t for t in texts(asked)), asked
    mark = len(faulty.read_output())
    pid = kill(faulty, "bot.action_server", signal.SIGSTOP)  # alive, accepting connections, answering nothing
    try:
        started = time.monotonic()
        reply = faulty.say("stalled", COSTS)
        waited = time.monotonic() - started
        # No need to wait for the deadline: Rasa answers once its timeout has fired, at or after the deadline
        # it sent with the call (on this machine's clock), and the action server stops CLOCK_SKEW_SECONDS
        # (bot.faults.deadline) short of it: the call waiting in the stopped server is past its deadline already.
    finally:
        os.kill(pid, signal.SIGCONT)
    assert texts(reply)[0] == ACTION_UNAVAILABLE, reply
    assert any("regular monthly costs" in t for t in texts(reply)), reply  # the form asks for the same slot again
    assert ACTION_TIMEOUT_SECONDS <= waited < ACTION_TIMEOUT_SECONDS + 5, waited
    # Back: the same message again fills the form, with the income given before the stall.
    reply = faulty.say("stalled", COSTS)
    assert ACTION_UNAVAILABLE not in texts(reply), reply
    assert any("Your budget on 3,000.00 a month" in t and "1,200.00" in t for t in texts(reply)), reply
    users = [e.get("text") for kind, e in tracker_rows(faulty, "stalled") if kind == "user"]
    assert users == ["I earn 3000 a month, how should I budget it?", COSTS, COSTS]
    # The call that stalled reached the action server after Rasa gave up on it: it was not run.
    wait_for_output(faulty, "reached its caller's deadline", mark, timeout=30)


def test_an_action_server_that_is_down_gets_a_reply_at_once_and_is_restarted(faulty: RunningAssistant) -> None:
    mark = len(faulty.read_output())
    kill(faulty, "bot.action_server")
    started = time.monotonic()
    reply = faulty.say("down", "I earn 2000 a month, how should I budget it?")
    waited = time.monotonic() - started
    assert ACTION_UNAVAILABLE in texts(reply), reply
    assert waited < ACTION_TIMEOUT_SECONDS, waited  # refused connections need no timeout
    wait_for_output(faulty, "the action server is back.", mark)
    assert "the action server stopped (killed by SIGKILL); restarting it" in faulty.read_output()[mark:]
    assert answers(faulty.actions_url + "/health")
    reply = faulty.say("down", "I earn 2000 a month, how should I budget it?")
    assert ACTION_UNAVAILABLE not in texts(reply), reply
    assert any("regular monthly costs" in t for t in texts(reply)), reply
