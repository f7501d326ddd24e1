"""Engine fixtures for the privacy tests: an analyzer on two fake recognizers, and redactors on it."""

from __future__ import annotations

from typing import Any, Iterator, List, Optional

import pytest

from bot.privacy.analyzer import build_analyzer
from bot.privacy.engine import Redactor
from bot.privacy.nlp import NerOnlyNlpEngine
from bot.privacy.policy import Policy
from tests.privacy.support import account_recognizer, card_recognizer, make_policy


@pytest.fixture(scope="session")
def analyzer(nlp_engine: NerOnlyNlpEngine) -> Any:
    return build_analyzer([card_recognizer(), account_recognizer()], nlp_engine=nlp_engine)


@pytest.fixture()
def make_redactor(analyzer: Any) -> Iterator[Any]:
    """A factory of redactors on the test recognizers; each is closed after the test."""
    made: List[Redactor] = []

    def make(policy: Optional[Policy] = None, **kwargs: Any) -> Redactor:
        kwargs.setdefault("analyzer", analyzer)
        redactor = Redactor(policy=policy or make_policy(), fingerprint_key=b"k" * 32, **kwargs)
        made.append(redactor)
        return redactor

    yield make
    for redactor in made:
        redactor.close()


@pytest.fixture()
def redactor(make_redactor: Any) -> Redactor:
    result: Redactor = make_redactor()
    return result
