"""bot.faults' public surface: every name in __all__ exists; the action server's part needs no Rasa."""

from __future__ import annotations

import subprocess
import sys

import bot.faults


def test_every_public_name_resolves() -> None:
    assert len(set(bot.faults.__all__)) == len(bot.faults.__all__)
    for name in bot.faults.__all__:
        assert getattr(bot.faults, name) is not None


def test_the_deadline_check_does_not_import_rasa() -> None:
    # The action server runs rasa-sdk only: loading Rasa there would cost seconds and a few hundred MB.
    probe = "import sys, bot.faults.deadline; print('rasa' in {m.split('.')[0] for m in sys.modules})"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
