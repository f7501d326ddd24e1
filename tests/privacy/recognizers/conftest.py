"""Analyzers for the recognizer tests: one per recognizer family, and one running all of them.

Assertions are fixtures returning functions, so test modules need no helper
imports: ``assert_detected(family, text, entity, value)`` checks the family's
own analyzer finds ``value`` exactly, and that on the combined analyzer no
other entity type scores as high on that span (the engine keeps the best one).
"""

from __future__ import annotations

from types import ModuleType
from typing import Callable, Dict, List, Optional

import pytest
from presidio_analyzer import AnalyzerEngine, RecognizerResult

from bot.privacy.analyzer import build_analyzer
from bot.privacy.nlp import LANGUAGE, NerOnlyNlpEngine
from bot.privacy.recognizers import banking, cards, contact, government, phones, secrets

# The engine keeps a result whose final score reaches this.
THRESHOLD = 0.5
FAMILIES: Dict[str, ModuleType] = {
    "cards": cards,
    "banking": banking,
    "government": government,
    "contact": contact,
    "phones": phones,
    "secrets": secrets,
}
ALL = "all"

Detect = Callable[[str, str], List[RecognizerResult]]
AssertDetected = Callable[[str, str, str, str], None]
AssertNotDetected = Callable[[str, str, Optional[str]], None]


@pytest.fixture(scope="session")
def analyzers(nlp_engine: NerOnlyNlpEngine) -> Dict[str, AnalyzerEngine]:
    built = {name: build_analyzer(module.recognizers(), nlp_engine) for name, module in FAMILIES.items()}
    built[ALL] = build_analyzer(
        [recognizer for module in FAMILIES.values() for recognizer in module.recognizers()], nlp_engine
    )
    return built


@pytest.fixture(scope="session")
def detect(analyzers: Dict[str, AnalyzerEngine]) -> Detect:
    """``detect(family, text)``: the results the engine would keep, family being a module name or "all"."""

    def run(family: str, text: str) -> List[RecognizerResult]:
        results: List[RecognizerResult] = analyzers[family].analyze(text, LANGUAGE, score_threshold=THRESHOLD)
        return results

    return run


def _describe(text: str, results: List[RecognizerResult]) -> str:
    return ", ".join(f"{r.entity_type}:{text[r.start : r.end]!r}@{r.score:.2f}" for r in results) or "nothing"


@pytest.fixture(scope="session")
def assert_detected(detect: Detect) -> AssertDetected:
    """``assert_detected(family, text, entity, value)``: the first ``value`` in ``text`` is found as ``entity``."""

    def check(family: str, text: str, entity: str, value: str) -> None:
        start = text.index(value)
        end = start + len(value)
        own = detect(family, text)
        assert any((r.entity_type, r.start, r.end) == (entity, start, end) for r in own), (
            f"{entity} {value!r} not found in {text!r}; found {_describe(text, own)}"
        )
        everyone = detect(ALL, text)
        ours = max(r.score for r in everyone if (r.entity_type, r.start, r.end) == (entity, start, end))
        rivals = [r for r in everyone if r.entity_type != entity and r.start < end and start < r.end]
        assert all(r.score < ours for r in rivals), (
            f"{entity} {value!r} is not the best result: {_describe(text, everyone)}"
        )

    return check


@pytest.fixture(scope="session")
def assert_not_detected(detect: Detect) -> AssertNotDetected:
    """``assert_not_detected(family, text, entity)``: no ``entity`` (or, for None, nothing at all) is kept."""

    def check(family: str, text: str, entity: Optional[str]) -> None:
        results = [r for r in detect(family, text) if entity is None or r.entity_type == entity]
        assert not results, f"unexpected in {text!r}: {_describe(text, results)}"

    return check
