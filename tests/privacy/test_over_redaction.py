"""Over-redaction: ordinary banking questions must reach the dialogue as typed.

``data/ordinary_questions.txt`` holds questions full of what the dialogue needs
(amounts, rates, durations, dates, product, bank and city names, words that
are also names). The real engine, with every recognizer the project ships,
may change fewer than 1 in 100 of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, List

import pytest

from bot.privacy.engine import Redactor

QUESTIONS = Path(__file__).parent / "data" / "ordinary_questions.txt"
MAX_CHANGED_SHARE = 0.01


def ordinary_questions() -> List[str]:
    return [line.strip() for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def real_redactor() -> Iterator[Redactor]:
    redactor = Redactor()
    yield redactor
    redactor.close()


def test_the_question_file_is_large_and_varied() -> None:
    questions = ordinary_questions()
    assert len(questions) >= 220
    assert len(set(questions)) == len(questions), "duplicate questions"
    assert sum(q == q.lower() for q in questions) >= 20, "some questions should be all lower case"


def test_fewer_than_one_in_a_hundred_ordinary_questions_change(real_redactor: Redactor) -> None:
    questions = ordinary_questions()
    changed = []
    for number, question in enumerate(questions):
        result = real_redactor.redact(question, conversation=f"ordinary-{number}")
        if result.text != question:
            kinds = ", ".join(sorted(e.type for e in result.entities))
            changed.append(f"  {result.text}    [{kinds}]")
    allowed = MAX_CHANGED_SHARE * len(questions)
    assert len(changed) < allowed, (
        f"{len(changed)} of {len(questions)} ordinary questions were changed (fewer than {allowed:g} allowed); "
        "redacted forms:\n" + "\n".join(changed)
    )
