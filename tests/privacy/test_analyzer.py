"""The analyzer's lean path tags results as Presidio's own ``analyze`` does, without Presidio's private methods."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import List, Optional

import pytest
from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from bot.privacy.analyzer import build_analyzer, tag_with_recognizer
from bot.privacy.nlp import LANGUAGE, NerOnlyNlpEngine

ROOT = Path(__file__).resolve().parents[2]
ID_KEY, NAME_KEY = RecognizerResult.RECOGNIZER_IDENTIFIER_KEY, RecognizerResult.RECOGNIZER_NAME_KEY


class BareRecognizer(EntityRecognizer):
    """Finds "4111" and says nothing of itself in its results: the engine must tag them."""

    def __init__(self) -> None:
        super().__init__(supported_entities=["ACCOUNT_NUMBER"], name="bare")

    def load(self) -> None:
        pass

    def analyze(
        self, text: str, entities: List[str], nlp_artifacts: Optional[NlpArtifacts] = None
    ) -> List[RecognizerResult]:
        return [RecognizerResult("ACCOUNT_NUMBER", match.start(), match.end(), 0.9)
                for match in re.finditer("4111", text)]


def test_results_get_the_recognizers_id_and_name_where_they_have_none() -> None:
    recognizer = BareRecognizer()
    bare = RecognizerResult("ACCOUNT_NUMBER", 0, 4, 0.9)
    tagged = RecognizerResult("ACCOUNT_NUMBER", 5, 9, 0.9, recognition_metadata={ID_KEY: "other", "x": 1})
    tag_with_recognizer([bare, tagged], recognizer)
    assert bare.recognition_metadata == {ID_KEY: recognizer.id, NAME_KEY: "bare"}
    assert tagged.recognition_metadata == {ID_KEY: "other", "x": 1, NAME_KEY: "bare"}  # what it had is kept


def test_detect_tags_results_as_presidios_analyze_does(nlp_engine: NerOnlyNlpEngine) -> None:
    recognizer = BareRecognizer()
    text = "my account is 4111 and 4111"
    ours = build_analyzer([recognizer], nlp_engine=nlp_engine)
    ours.prepare(["ACCOUNT_NUMBER"])
    stock = AnalyzerEngine(registry=RecognizerRegistry(recognizers=[recognizer], supported_languages=[LANGUAGE]),
                           nlp_engine=nlp_engine, supported_languages=[LANGUAGE])
    detected = ours.detect(text, {"ACCOUNT_NUMBER": 0.5})
    analyzed = stock.analyze(text, language=LANGUAGE, entities=["ACCOUNT_NUMBER"])
    assert detected and [r.recognition_metadata for r in detected] == [r.recognition_metadata for r in analyzed]
    assert all(r.recognition_metadata == {ID_KEY: recognizer.id, NAME_KEY: "bare"} for r in detected)


@pytest.mark.parametrize("package", ["bot", "actions"])
def test_no_name_mangled_private_member_of_another_class_is_used(package: str) -> None:
    """``obj._Class__name`` reaches into a library's private method: it may go in any release."""
    mangled = re.compile(r"^_[A-Za-z][A-Za-z0-9]*__[A-Za-z0-9_]+$")
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno}: {node.attr}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Attribute) and mangled.match(node.attr)
    ]
    assert found == []
