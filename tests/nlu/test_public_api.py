"""bot.nlu's public surface: every name in __all__ exists, and the plain functions need no Rasa."""

from __future__ import annotations

import subprocess
import sys

import bot.nlu


def test_every_public_name_resolves() -> None:
    assert sorted(bot.nlu.__all__) == bot.nlu.__all__
    for name in bot.nlu.__all__:
        assert getattr(bot.nlu, name) is not None


def test_the_plain_functions_do_not_import_rasa_or_tensorflow() -> None:
    probe = (
        "import sys, bot.nlu; bot.nlu.find_numbers('£5'); bot.nlu.find_placeholders('<PIN_1>');"
        "print(sorted({'rasa', 'tensorflow', 'transformers'} & {m.split('.')[0] for m in sys.modules}))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
