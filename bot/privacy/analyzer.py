"""The one module that assembles Presidio's analyzer for the project.

Our recognizers replace Presidio's predefined ones: those mislabel financial
data (a US phone as UK_NHS, an SSN as a phone number, an account number as a
date) and cost time on every message for entities a bank chat never holds.
"""

from __future__ import annotations

from typing import Iterable, Optional

from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer

from bot.privacy.nlp import LANGUAGE, NerOnlyNlpEngine
from bot.privacy.offline import make_offline

# How far from a value its context words may stand, in tokens: "my account
# number is 12345678" (before) and "12345678 is my account number" (after).
CONTEXT_PREFIX_TOKENS = 6
CONTEXT_SUFFIX_TOKENS = 4
# A context word raises a weak pattern's score by this much, to at least the floor.
CONTEXT_BOOST = 0.35
CONTEXT_FLOOR = 0.4


def build_analyzer(
    recognizers: Optional[Iterable[EntityRecognizer]] = None,
    nlp_engine: Optional[NerOnlyNlpEngine] = None,
) -> AnalyzerEngine:
    """An analyzer running ``recognizers`` (default: all of the project's) on the NER-only pipeline."""
    make_offline()
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
    return AnalyzerEngine(
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
