"""The base of the project's regex recognizers, and regex pieces they share.

A recognizer is class-level data: ``ENTITY``, ``PATTERNS`` (Presidio ``Pattern``
objects, compiled once and shared by every instance), ``CONTEXT`` and, if the
patterns are case-sensitive, ``FLAGS``; plus at most one override
(``validate_result`` for a checksum, ``invalidate_result`` for pruning).

Cue phrases that Presidio's per-token context cannot express ("my mother's
maiden name is", "the code you sent is") sit in a variable-length lookbehind
(supported by the ``regex`` module Presidio uses), so the match, and thus the
redacted span, is the value alone.
"""

from __future__ import annotations

from typing import ClassVar, Iterable, List, Optional, Tuple

import regex
from presidio_analyzer import AnalysisExplanation, EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from bot.privacy import deadline

# Presidio's default flags; case-sensitive recognizers drop IGNORECASE.
DEFAULT_FLAGS = regex.DOTALL | regex.MULTILINE | regex.IGNORECASE
CASE_SENSITIVE_FLAGS = regex.DOTALL | regex.MULTILINE

DIGIT = regex.compile(r"\d")

# A number is "free-standing" when it is not glued to a word, another number, a
# decimal point, a currency sign or a date separator: "PL998877", "$1200000",
# "4.5", "12/04/1987".
NUM_START = r"(?<![\w.,$£€/-])"
NUM_END = r"(?![\w%]|[.,/-]\d)"

MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)


def cue_gap(words: str, max_words: int = 3) -> str:
    """Regex for what may stand between a cue and its value: punctuation and up to ``max_words`` of ``words``.

    ``words`` is an alternation such as ``"is|was|number"``; the gap must hold at
    least one space or one of ``: = # -``, so the cue ends at a word boundary.
    Bounded (white space is collapsed before detection), so a lookbehind over a
    long run of spaces costs a constant per position, not the run's length.
    """
    sep = r"(?:[ \t]{0,3}[:=#-][ \t]{0,3}|\s{1,3})"
    return rf"{sep}(?:(?:{words}){sep}){{0,{max_words}}}"


class ClassPatternRecognizer(PatternRecognizer):
    """A ``PatternRecognizer`` configured by class attributes, skipping texts without its prefilter.

    The prefilter (by default: a digit) is a cheap search that every match needs;
    most messages hold no identifier at all and cost one scan instead of one per pattern.
    """

    name: str  # set by EntityRecognizer.__init__, which does not annotate it
    ENTITY: ClassVar[str]
    PATTERNS: ClassVar[List[Pattern]]
    CONTEXT: ClassVar[List[str]] = []
    FLAGS: ClassVar[int] = DEFAULT_FLAGS
    PREFILTER: ClassVar[Optional[regex.Pattern[str]]] = DIGIT

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entity=self.ENTITY,
            patterns=list(self.PATTERNS),
            context=list(self.CONTEXT),
            supported_language=supported_language,
            global_regex_flags=self.FLAGS,
        )

    def analyze(
        self,
        text: str,
        entities: List[str],
        nlp_artifacts: Optional[NlpArtifacts] = None,
        regex_flags: Optional[int] = None,
    ) -> List[RecognizerResult]:
        """Presidio's pattern analysis, or nothing when the text fails the prefilter.

        The same results as ``PatternRecognizer.analyze`` (scores, validation and
        invalidation, explanations, duplicates removed) with less work per call:
        the patterns are compiled once with this class's flags, and no timing or
        debug record is made per pattern. Each pattern runs under the thread's
        detection deadline (:mod:`bot.privacy.deadline`). A call with other ``regex_flags`` takes
        Presidio's own path.
        """
        if self.PREFILTER is not None and not self.PREFILTER.search(text):
            return []
        if regex_flags is not None and regex_flags != self.FLAGS:
            results: List[RecognizerResult] = super().analyze(text, entities, nlp_artifacts, regex_flags)
            return results
        found: List[RecognizerResult] = []
        timeout = deadline.remaining()
        for pattern, compiled in self._compiled():
            for match in compiled.finditer(text, timeout=timeout):
                start, end = match.span()
                if start == end:
                    continue
                value = text[start:end]
                validation = self.validate_result(value)
                explanation = self.build_regex_explanation(
                    self.name, pattern.name, pattern.regex, pattern.score, validation, self.FLAGS  # type: ignore[arg-type]
                )
                score = pattern.score
                if validation is not None:
                    score = EntityRecognizer.MAX_SCORE if validation else EntityRecognizer.MIN_SCORE
                if self.invalidate_result(value):
                    score = EntityRecognizer.MIN_SCORE
                explanation.score = score
                if score > EntityRecognizer.MIN_SCORE:
                    found.append(RecognizerResult(
                        entity_type=self.ENTITY, start=start, end=end, score=score,
                        analysis_explanation=explanation,
                        recognition_metadata={
                            RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                        },
                    ))
        deduplicated: List[RecognizerResult] = EntityRecognizer.remove_duplicates(found)
        return deduplicated

    @classmethod
    def _compiled(cls) -> List[Tuple[Pattern, regex.Pattern[str]]]:
        """The class's patterns with their compiled expressions, compiled on first use."""
        cache = cls.__dict__.get("_COMPILED")
        if cache is None:
            cache = [(pattern, regex.compile(pattern.regex, flags=cls.FLAGS)) for pattern in cls.PATTERNS]
            cls._COMPILED = cache  # type: ignore[attr-defined]
        return cache


class SpanRecognizer(EntityRecognizer):
    """A recognizer whose findings come from a function of the text: override ``find``.

    For recognizers that are rules over words rather than regex patterns (names,
    addresses): ``find`` yields (start, end, score, reason) and this class turns
    each into a Presidio result with its explanation and metadata.
    """

    name: str  # set by EntityRecognizer.__init__, which does not annotate it
    ENTITY: ClassVar[str]

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entities=[self.ENTITY], name=type(self).__name__, supported_language=supported_language,
            context=[],
        )

    def load(self) -> None:
        """Nothing to load by default."""

    def find(self, text: str, nlp_artifacts: Optional[NlpArtifacts]) -> Iterable[Tuple[int, int, float, str]]:
        raise NotImplementedError(f"{type(self).__name__} must implement find()")

    def analyze(
        self, text: str, entities: List[str], nlp_artifacts: Optional[NlpArtifacts] = None
    ) -> List[RecognizerResult]:
        """One result per finding of ``find``; nothing when ``entities`` excludes this recognizer's."""
        if entities and self.ENTITY not in entities:
            return []
        return [
            RecognizerResult(
                entity_type=self.ENTITY, start=start, end=end, score=score,
                analysis_explanation=AnalysisExplanation(
                    recognizer=self.name, original_score=score, textual_explanation=reason
                ),
                recognition_metadata={
                    RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                    RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                },
            )
            for start, end, score, reason in self.find(text, nlp_artifacts)
        ]
