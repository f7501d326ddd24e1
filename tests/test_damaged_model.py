"""A model that cannot be loaded stops ``finbot run`` with a clear error, instead of a server that drops
every message while it says it is ready."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import Project
from bot.training import model_path
from tests.support.servers import ROOT, free_port


def test_a_damaged_model_stops_finbot_run_with_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    models = tmp_path / "models"
    monkeypatch.setenv("FINBOT_MODELS_DIR", str(models))
    damaged = model_path(Project.locate(ROOT))  # the name finbot run looks for: it will not train
    models.mkdir()
    damaged.write_bytes(b"\x1f\x8b\x08\x00 half a model, cut off")
    env = {**os.environ, "FINBOT_MODELS_DIR": str(models), "PYTHONUNBUFFERED": "1"}
    finbot = Path(sys.executable).with_name("finbot")
    done = subprocess.run(
        [str(finbot), "--project-dir", str(ROOT), "--var-dir", str(tmp_path / "var"), "run",
         "--port", str(free_port()), "--actions-port", str(free_port())],
        env=env, capture_output=True, text=True, timeout=400,
    )
    assert done.returncode == 1, done.stdout[-2000:] + done.stderr[-2000:]
    assert "the Rasa server started without a model" in done.stderr and damaged.name in done.stderr
    assert "finbot is ready" not in done.stdout
