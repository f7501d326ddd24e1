"""Values right after an identifier cue, even when too short to be complete: "my card number is 4111 1111".

The rest may follow in the next message (see bot.privacy.continuation); this
part alone still identifies and must not be kept.
"""

from __future__ import annotations

from typing import List, Optional

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from bot.privacy.continuation import PARTIAL_VALUE, partial_values

PARTIAL_KEY = "partial"


class PartialIdentifierRecognizer(EntityRecognizer):
    """Digits (an IBAN's letters and digits) right after a card, account, IBAN, SSN or similar cue."""

    name: str  # set by EntityRecognizer.__init__, which does not annotate it
    SCORE = 0.6

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(supported_entities=sorted(PARTIAL_VALUE), supported_language=supported_language)

    def load(self) -> None:
        """Nothing to load."""

    def analyze(
        self, text: str, entities: List[str], nlp_artifacts: Optional[NlpArtifacts] = None
    ) -> List[RecognizerResult]:
        """One result per value found after a cue, marked as possibly partial."""
        if not any(ch.isdigit() for ch in text):
            return []
        wanted = set(entities or PARTIAL_VALUE)
        return [
            RecognizerResult(
                entity_type=kind, start=start, end=end, score=self.SCORE,
                analysis_explanation=AnalysisExplanation(
                    recognizer=self.name, original_score=self.SCORE,
                    textual_explanation="a value right after its cue",
                ),
                recognition_metadata={
                    RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                    RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                    PARTIAL_KEY: True,
                },
            )
            for kind, start, end in partial_values(text)
            if kind in wanted
        ]


def recognizers() -> List[EntityRecognizer]:
    return [PartialIdentifierRecognizer()]
