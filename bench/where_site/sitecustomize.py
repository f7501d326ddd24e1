"""For ``bench/where.py`` only: count the redaction engine's detection calls in this process, by place.

Put on PYTHONPATH with FINBOT_WHERE_OUT=<file>; every 2 seconds the calls, the
seconds spent and how many calls the engine answered from its memory of texts
it had seen, by the place in our code that asked, are written there as JSON.
Only counts and times: never a text.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from typing import Any, Dict, List

# The place is the first of these, in this order, found anywhere up the stack: a log record made while
# the store saves is the logs' cost; the action server, the Rasa server's scrubbing of the action calls it
# sends, and the broker use the tracker store's scrubber.
# The channel gate is not looked for: all of a message's handling runs inside it. Its own redaction runs
# in an executor thread, with none of these above it.
PLACES = (("runtime.py", "logs"), ("action_server.py", "action server"), ("action_calls.py", "action calls"),
          ("broker.py", "event broker"),
          ("nlu_redacting.py", "NLU step"), ("console_guard.py", "console"), ("tracker_store.py", "tracker store"))


def _place() -> str:
    files = set()
    frame = sys._getframe(2)
    while frame is not None:
        files.add(os.path.basename(frame.f_code.co_filename))
        frame = frame.f_back  # type: ignore[assignment]
    return next((place for file, place in PLACES if file in files), "channel gate")


def _install(out: str) -> None:
    from bot.privacy import engine

    counts: Dict[str, List[float]] = {}
    lock = threading.Lock()
    detect = engine.Redactor.detect

    def counted(self: Any, text: str) -> Any:
        began = time.perf_counter()
        memory = getattr(self, "_detected", None)  # what the engine already found in a text it saw
        remembered = memory is not None and isinstance(text, str) and memory.get(memory.digest(text)) is not None
        try:
            return detect(self, text)
        finally:
            spent = time.perf_counter() - began
            place = _place()
            with lock:
                entry = counts.setdefault(place, [0, 0.0, 0])
                entry[0] += 1
                entry[1] += spent
                entry[2] += int(remembered)

    engine.Redactor.detect = counted  # type: ignore[method-assign]

    def dump() -> None:
        while True:
            time.sleep(2)
            with lock:
                snapshot = {place: list(entry) for place, entry in counts.items()}
            with open(out, "w", encoding="utf-8") as sink:
                json.dump(snapshot, sink)

    threading.Thread(target=dump, name="where-dump", daemon=True).start()


_out = os.environ.get("FINBOT_WHERE_OUT")
if _out:
    try:
        _install(f"{_out}.{os.getpid()}")
    except ImportError:  # not this project's environment
        pass
