"""Fixtures shared by the privacy engine's tests."""

from __future__ import annotations

import pytest

from bot.privacy.nlp import NerOnlyNlpEngine


@pytest.fixture(scope="session")
def nlp_engine() -> NerOnlyNlpEngine:
    """spaCy's NER-only pipeline, loaded once for the whole session."""
    engine = NerOnlyNlpEngine()
    engine.load()
    return engine
