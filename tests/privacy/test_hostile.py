"""Hostile input: linear time for every recognizer and cue, a deadline that stops the work, nothing raises."""

from __future__ import annotations

import concurrent.futures
import importlib
import json
import time
from pathlib import Path
from typing import Iterator, List

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from presidio_analyzer import EntityRecognizer

from bot.privacy import RedactionError, Redactor
from bot.privacy.recognizers import all_recognizers
from bot.privacy.textview import TextView

DATA = Path(__file__).parent / "data"
CUES = [
    "the answer is", "my pin is", "password", "pw", "otp", "one-time code", "verification code", "account",
    "acct#", "card", "cvv", "security code", "expires", "born", "dob", "sort code", "routing", "swift", "iban",
    "passport number", "licence", "dl", "ssn", "itin", "ni number", "ref", "case number", "call me on",
    "my address is", "email", "maiden name is", "first pet was called", "my name is", "ip",
]  # fmt: skip
FILLERS = {
    "spaces": " " * 5000, "line breaks": "\n" * 5000, "digits": "1" * 5000, "digits and dots": "1." * 2500,
    "digit words": "1 " * 2500, "letters": "a" * 5000, "words": "a " * 2500, "mixed": "a1" * 2500,
    "dots": "." * 5000, "spaced digit groups": "1234  " * 800,
}  # fmt: skip
# Per recognizer and input; linear scans of 5,000 characters take a few milliseconds. A quadratic one
# took seconds. (The whole engine adds the spaCy pipeline, which is linear too: see test_the_engine_...)
LIMIT_SECONDS = 0.05


@pytest.fixture(scope="module")
def recognizers() -> List[EntityRecognizer]:
    found = all_recognizers()
    for recognizer in found:
        recognizer.load()
    return found


@pytest.fixture(scope="module")
def redactor() -> Iterator[Redactor]:
    engine = Redactor()
    yield engine
    engine.close()


@pytest.mark.parametrize("filler", sorted(FILLERS))
def test_every_recognizer_reads_5000_hostile_characters_after_every_cue_in_linear_time(
    recognizers: List[EntityRecognizer], filler: str
) -> None:
    slow = []
    for cue in CUES:
        # What the recognizers read is the engine's view of the text.
        text = TextView.of((cue + " " + FILLERS[filler])[:5000] + " x").text
        for recognizer in recognizers:
            best = min(_timed(recognizer, text) for _ in range(3))
            if best > LIMIT_SECONDS:
                slow.append(f"{type(recognizer).__name__} after {cue!r}: {best * 1000:.0f} ms")
    assert not slow, "\n".join(slow)


# Each family's own cues, then 5,000 characters of one kind as typed (no view: a recognizer must be
# linear on raw text too, where white space is not collapsed).
FAMILY_CUES = {
    "banking": ["iban", "account number", "acct#", "sort code", "swift code", "routing", "ref"],
    "cards": ["card", "cvv", "exp", "valid thru", "security code"],
    "contact": ["born", "date of birth", "dob", "email", "call me on", "ip"],
    "government": ["passport number", "driver's license", "dl", "ssn", "itin", "nino"],
    "phones": ["call me on", "phone:", "reach me at", "tel"],
    "secrets": ["the answer is", "my pin is", "password", "otp", "maiden name is", "first pet was"],
    "cued_names": ["transfer to", "this is", "my wife"],
    "names": ["my name is"],
    "addresses": ["my address is"],
    "partial": ["my card number is"],
}
RAW_FILLS = [" ", "\n", "1", ".", "a", "1 ", "1.", "ab12 ", "4111 ", "1/", "@a.", "a1 ", "- 1"]


@pytest.mark.parametrize("family", sorted(FAMILY_CUES))
def test_every_recognizer_of_a_family_reads_raw_hostile_text_in_linear_time(family: str) -> None:
    module = importlib.import_module(f"bot.privacy.recognizers.{family}")
    slow = []
    for recognizer in module.recognizers():
        for cue in FAMILY_CUES[family]:
            for fill in RAW_FILLS:
                text = cue + (fill * 5000)[:5000] + " 1"
                best = min(_timed(recognizer, text) for _ in range(2))
                if best > LIMIT_SECONDS:
                    slow.append(f"{type(recognizer).__name__} after {cue!r} + {fill!r} * 5000: {best * 1000:.0f} ms")
    assert not slow, "\n".join(slow)


def _timed(recognizer: EntityRecognizer, text: str) -> float:
    began = time.perf_counter()
    recognizer.analyze(text, recognizer.supported_entities, None)
    return time.perf_counter() - began


def test_hostile_messages_do_not_starve_another_conversation(redactor: Redactor) -> None:
    hostile = [f"the answer is{' ' * 4900}{n} x" for n in range(7)] + [
        f"my first pet was{chr(10) * 4900}{n} x" for n in range(7)] + [f"my pin is {'1.' * 2400}{n}" for n in range(6)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as senders:
        pending = [senders.submit(_redact_or_refuse, redactor, text, f"attacker-{n}") for n, text in enumerate(hostile)]
        began = time.monotonic()
        answer = redactor.redact("what is my balance? card 4111 1111 1111 1111", "customer").text
        waited = time.monotonic() - began
        for future in pending:
            future.result()
    assert answer == "what is my balance? card <CREDIT_CARD_1>"
    assert waited < 2.0, f"an ordinary message waited {waited:.1f} s behind hostile ones"


def _redact_or_refuse(redactor: Redactor, text: str, conversation: str) -> None:
    try:
        redactor.redact(text, conversation, carry=True)
    except RedactionError:
        pass  # refused: fine, as long as it stops


def test_a_pattern_past_the_deadline_stops_working() -> None:
    # A pattern that would run for seconds: the deadline inside the worker stops it, not only the wait.
    import regex

    from bot.privacy import deadline

    # The shape of the security-answer pattern that once took 17 s on a run of line breaks.
    quadratic = regex.compile(
        r"(?<=(?i:\bfirst\s+pet)(?i:(?:\s*[:=-])?\s+(?:(?:is|was|a|the)\s+){0,4}))"
        r"(?:[A-Z]\w+|[a-z]\w{1,30}(?=\s*(?:[.,;!?)]|$)))",
        regex.DOTALL | regex.MULTILINE,
    )
    began = time.monotonic()
    with pytest.raises(TimeoutError), deadline.deadline(0.2):
        list(quadratic.finditer("first pet" + "\n" * 4900 + "1 x", timeout=deadline.remaining()))
    assert time.monotonic() - began < 1.0


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.lists(st.sampled_from(["2ND", "OF", "MAY", "1980", "born", "4111", " ", "\n", "-", ".", "ｓ", "١٢٣", "x" * 80,
                              "dob", "JAN", "3RD", "pin", "one", "double", "oh", "cvc", "1", "22", "333"]),
             max_size=60).map("".join),
))
def test_detection_never_raises_and_spans_lie_inside_the_text(redactor: Redactor, text: str) -> None:
    for variant in (text, text.upper(), text.title()):
        for entity in redactor.detect(variant):
            assert 0 <= entity.start < entity.end <= len(variant)


def test_the_hard_cases_in_capitals_and_title_case_never_raise(redactor: Redactor) -> None:
    for item in json.loads((DATA / "hard_cases.json").read_text(encoding="utf-8")):
        for variant in (item["full_text"].upper(), item["full_text"].title()):
            for entity in redactor.detect(variant):
                assert 0 <= entity.start < entity.end <= len(variant)


def test_an_ordinal_date_of_birth_in_capitals_is_found() -> None:
    engine = Redactor()
    try:
        assert engine.redact("born 2ND OF MAY 1980", "c").text == "born <DATE_OF_BIRTH_1>"
    finally:
        engine.close()
