"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

from bot.privacy.nlp import NerOnlyNlpEngine
from tests.support import netguard
from tests.support.servers import RunningAssistant, run_assistant

ROOT = Path(__file__).resolve().parent.parent

# No test may reach the network, and the Rasa processes they start neither.
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture
def no_network() -> Iterator[list]:
    """Block outbound connections in this process; yields the list of attempts (should stay empty)."""
    netguard.attempts.clear()
    netguard.install()
    try:
        yield netguard.attempts
    finally:
        netguard.uninstall()


@pytest.fixture(scope="session")
def nlp_engine() -> NerOnlyNlpEngine:
    """spaCy's NER-only pipeline, loaded once for the whole session."""
    engine = NerOnlyNlpEngine()
    engine.load()
    return engine


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningAssistant]:
    """One real ``finbot run`` (Rasa and action server, default channels) shared by the tests that
    only talk to it: the app channel, the widget, the client, the OpenAPI check. Each test uses its
    own conversation ids (``assistant.token(subject)`` mints a token for the app channel)."""
    with run_assistant(tmp_path_factory.mktemp("shared-assistant")) as running:
        yield running
