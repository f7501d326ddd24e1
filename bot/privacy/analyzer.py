"""The one module that assembles Presidio's analyzer for the project.

Our recognizers replace Presidio's predefined ones: those mislabel financial
data (a US phone as UK_NHS, an SSN as a phone number, an account number as a
date) and cost time on every message for entities a bank chat never holds.
"""

from __future__ import annotations

from typing import Dict, Iterable, List, Optional

from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry, RecognizerResult
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer

from bot.privacy import deadline
from bot.privacy.nlp import LANGUAGE, NerOnlyNlpEngine

# How far from a value its context words may stand, in tokens: "my account
# number is 12345678" (before) and "12345678 is my account number" (after).
CONTEXT_PREFIX_TOKENS = 6
CONTEXT_SUFFIX_TOKENS = 4
# A context word raises a weak pattern's score by this much, to at least the floor.
CONTEXT_BOOST = 0.35
CONTEXT_FLOOR = 0.4


def tag_with_recognizer(results: List[RecognizerResult], recognizer: EntityRecognizer) -> None:
    """Give each result the recognizer's id and name in its recognition metadata, where it has none yet.

    What Presidio 2.2.360's ``AnalyzerEngine.analyze`` does to every recognizer's
    results (in a private method): its context enhancer finds the recognizer of a
    result by that id.
    """
    identifier = recognizer.id
    name: str = recognizer.name  # type: ignore[has-type]  # set in Presidio's __init__ from an untyped default
    for result in results:
        if not result.recognition_metadata:
            result.recognition_metadata = {}
        result.recognition_metadata.setdefault(RecognizerResult.RECOGNIZER_IDENTIFIER_KEY, identifier)
        result.recognition_metadata.setdefault(RecognizerResult.RECOGNIZER_NAME_KEY, name)


class ChatAnalyzerEngine(AnalyzerEngine):
    """Presidio's analyzer with a lean path for chat messages: ``detect``.

    ``analyze`` works as in Presidio. ``detect`` does the same work for one
    message with less overhead per call: the recognizer list is resolved once,
    recognizers are loaded up front, and only results below their entity's
    threshold go through context enhancement (which deep-copies what it is given).
    """

    def prepare(self, entities: List[str]) -> None:
        """Resolve and load the recognizers for ``entities`` once."""
        self._entities = list(entities)
        self._recognizers = self.registry.get_recognizers(language=LANGUAGE, entities=self._entities)
        for recognizer in self._recognizers:
            if not recognizer.is_loaded:
                recognizer.load()
                recognizer.is_loaded = True

    def detect(self, text: str, thresholds: Dict[str, float]) -> List[RecognizerResult]:
        """Every result for ``text``, context-enhanced where still below its entity's threshold."""
        nlp_artifacts = self.nlp_engine.process_text(text, LANGUAGE)
        results: List[RecognizerResult] = []
        for recognizer in self._recognizers:
            deadline.check()
            found = recognizer.analyze(text=text, entities=self._entities, nlp_artifacts=nlp_artifacts)
            if found:
                tag_with_recognizer(found, recognizer)
                results.extend(found)
        weak = [r for r in results if r.score < thresholds.get(r.entity_type, 1.0)]
        if weak:
            strong = [r for r in results if r.score >= thresholds.get(r.entity_type, 1.0)]
            results = strong + self.context_aware_enhancer.enhance_using_context(
                text, weak, nlp_artifacts, self._recognizers
            )
        deduplicated: List[RecognizerResult] = EntityRecognizer.remove_duplicates(results)
        return deduplicated


def build_analyzer(
    recognizers: Optional[Iterable[EntityRecognizer]] = None,
    nlp_engine: Optional[NerOnlyNlpEngine] = None,
) -> ChatAnalyzerEngine:
    """An analyzer running ``recognizers`` (default: all of the project's) on the NER-only pipeline."""
    if recognizers is None:
        from bot.privacy.recognizers import all_recognizers

        recognizers = all_recognizers()
    recognizers = list(recognizers)
    if not recognizers:
        # Presidio would silently load its predefined recognizers instead.
        raise ValueError("build_analyzer needs at least one recognizer")
    if nlp_engine is None:
        from bot.privacy.recognizers import ner_gate

        ner_gate.warm_up()
        nlp_engine = NerOnlyNlpEngine(ner_windows=ner_gate.windows)
        nlp_engine.load()
    registry = RecognizerRegistry(recognizers=recognizers, supported_languages=[LANGUAGE])
    return ChatAnalyzerEngine(
        registry=registry,
        nlp_engine=nlp_engine,
        supported_languages=[LANGUAGE],
        context_aware_enhancer=LemmaContextAwareEnhancer(
            context_similarity_factor=CONTEXT_BOOST,
            min_score_with_context_similarity=CONTEXT_FLOOR,
            context_prefix_count=CONTEXT_PREFIX_TOKENS,
            context_suffix_count=CONTEXT_SUFFIX_TOKENS,
        ),
    )
