"""Hostile input against the running assistant: messages built to make detection slow do not starve
anyone else. (Issue 13: six such messages once made the server refuse everyone for 40 seconds.)"""

from __future__ import annotations

import concurrent.futures
import threading
import time
from typing import Any, List

import pytest

from tests.support.servers import RunningAssistant

pytestmark = pytest.mark.servers

HOSTILE = 20
# Each of the shapes that once took detection quadratic time: a cue, then a long run of white space,
# line breaks or dots before a short value.
SHAPES = ["the answer is{}1 x", "my first pet was{}1 x", "my pin is {}1", "card{}4111"]
FILLERS = [" " * 4800, "\n" * 4800, "1." * 2400, " " * 4800]


def hostile(index: int) -> str:
    return SHAPES[index % len(SHAPES)].format(FILLERS[index % len(FILLERS)])


def texts(reply: List[Any]) -> str:
    return " ".join(str(message.get("text", "")) for message in reply)


def test_hostile_messages_do_not_starve_another_conversation(assistant: RunningAssistant) -> None:
    assistant.say("hostile-warm-up", "hi")  # the first answer loads what loads lazily
    start = threading.Barrier(HOSTILE + 1)

    def attack(index: int) -> List[Any]:
        start.wait()
        return assistant.say(f"attacker-{index}", hostile(index))

    with concurrent.futures.ThreadPoolExecutor(max_workers=HOSTILE) as senders:
        attacks = [senders.submit(attack, n) for n in range(HOSTILE)]
        start.wait()  # every attack is being sent now
        began = time.monotonic()
        reply = assistant.say("bystander", "hi")
        waited = time.monotonic() - began
        answered = [attack.result() for attack in attacks]
    assert "Hello" in texts(reply), reply
    assert waited < 2.0, f"an ordinary message waited {waited:.1f} s behind {HOSTILE} hostile ones"
    # The hostile messages got an answer too (refused or answered), and the server is still up.
    assert all(isinstance(answer, list) for answer in answered)
    assert "Hello" in texts(assistant.say("bystander-2", "hi"))
