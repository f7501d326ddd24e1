"""The Rasa server killed mid-conversation: ``finbot run`` restarts it and the conversation resumes."""

from __future__ import annotations

import pytest

from tests.faults.support import answers, kill, texts, tracker_rows, wait_for_output
from tests.support.servers import RunningAssistant

pytestmark = pytest.mark.servers


def test_rasa_killed_mid_form_is_restarted_and_the_form_goes_on_from_the_store(faulty: RunningAssistant) -> None:
    asked = faulty.say("restart", "I earn 3000 a month, how should I budget it?")
    assert any("regular monthly costs" in t for t in texts(asked)), asked
    before = tracker_rows(faulty, "restart")
    mark = len(faulty.read_output())
    kill(faulty, "bot.rasa_launcher")
    wait_for_output(faulty, "the Rasa server stopped (killed by SIGKILL); restarting it", mark, timeout=30)
    wait_for_output(faulty, "the Rasa server is back.", mark)
    assert faulty.process.poll() is None and answers(faulty.rasa_url + "/")
    assert tracker_rows(faulty, "restart") == before  # the restart itself lost and added nothing
    reply = faulty.say("restart", "skip")
    assert any("1,500.00" in t and "900.00" in t and "600.00" in t for t in texts(reply)), reply  # income kept
    after = tracker_rows(faulty, "restart")
    assert after[:len(before)] == before
    assert [e.get("text") for kind, e in after if kind == "user"] == [
        "I earn 3000 a month, how should I budget it?", "skip",
    ]
    assert len({(kind, repr(sorted(e.items()))) for kind, e in after}) == len(after)  # nothing twice
