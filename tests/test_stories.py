"""Rasa's conversation tests (tests/stories/test_*.yml) against the trained model: every story passes.

The stories run through the whole NLU pipeline (redaction step, intent
classifier, entity extractors) and the dialogue policies; ``rasa test``
compares every predicted intent, entity and action with the story's.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.settings import Project, process_env
from bot.training import train

pytestmark = pytest.mark.servers

ROOT = Path(__file__).resolve().parent.parent
STORIES = ROOT / "tests" / "stories"


def test_every_conversation_test_passes(tmp_path: Path) -> None:
    model = train(Project.locate(ROOT))
    out = tmp_path / "results"
    command = [sys.executable, "-m", "rasa", "test", "core", "--model", str(model), "--stories", str(STORIES),
               "--out", str(out), "--no-plot"]
    result = subprocess.run(command, cwd=ROOT, env=process_env(), capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stderr[-3000:]
    stories = sum(len(yaml.safe_load(f.read_text()).get("stories") or []) for f in STORIES.glob("test_*.yml"))
    assert stories >= 40
    failed = (out / "failed_test_stories.yml").read_text()
    assert "- story:" not in failed, f"failed conversation tests (predictions after '# predicted:'):\n{failed}"
