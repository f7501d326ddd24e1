"""The engine around the recognizers: placeholders, actions, vault, keys, limits, policy validation.

These tests do not depend on which recognizers the project ships: they run the
engine on two small pattern recognizers of their own (a fake CREDIT_CARD for
4111 numbers and an ACCOUNT_NUMBER for "ACC" + 8 digits). Every value is fake.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any, List, Optional

import pytest
from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from bot.clock import FakeClock
from bot.privacy.analyzer import build_analyzer
from bot.privacy.engine import DetectedEntity, Redactor, mask, merge_overlaps
from bot.privacy.errors import (
    InputTooLarge,
    RedactionError,
    RedactionTimeout,
)
from bot.privacy.nlp import NerOnlyNlpEngine
from bot.privacy.policy import Policy
from bot.privacy.textview import TextView
from tests.privacy.support import ACCOUNT, CARD, OTHER_CARD, card_recognizer, make_policy


class RaisingRecognizer(EntityRecognizer):
    """Fails with a message that quotes the text, as a careless library might."""

    def __init__(self) -> None:
        super().__init__(supported_entities=["ACCOUNT_NUMBER"], name="raising")

    def load(self) -> None:
        pass

    def analyze(self, text: str, entities: List[str], nlp_artifacts: Optional[NlpArtifacts] = None) -> List[Any]:
        raise ValueError(f"could not parse {text!r}")


class SlowRecognizer(EntityRecognizer):
    def __init__(self, seconds: float) -> None:
        super().__init__(supported_entities=["ACCOUNT_NUMBER"], name="slow")
        self.seconds = seconds

    def load(self) -> None:
        pass

    def analyze(
        self, text: str, entities: List[str], nlp_artifacts: Optional[NlpArtifacts] = None
    ) -> List[RecognizerResult]:
        time.sleep(self.seconds)
        return []


# --------------------------------------------------------------------------- placeholders and numbering


def test_a_value_becomes_a_typed_numbered_placeholder(redactor: Redactor) -> None:
    result = redactor.redact(f"my card is {CARD}, account {ACCOUNT}.", "c1")
    assert result.text == "my card is <CREDIT_CARD_1>, account <ACCOUNT_NUMBER_1>."
    assert result.changed
    assert result.kinds == {"CREDIT_CARD", "ACCOUNT_NUMBER"}
    assert [e.type for e in result.entities] == ["CREDIT_CARD", "ACCOUNT_NUMBER"]
    assert CARD not in repr(result.kinds)


def test_the_same_value_gets_the_same_placeholder_whatever_its_separators(redactor: Redactor) -> None:
    spellings = [CARD, CARD.replace(" ", "-"), CARD.replace(" ", ""), "4111 1111-1111 1111"]
    texts = [redactor.redact(f"card {spelling} please", "c1").text for spelling in spellings]
    assert texts == ["card <CREDIT_CARD_1> please"] * len(spellings)
    both = redactor.redact(f"{CARD} and again {CARD.replace(' ', '')}", "c1").text
    assert both == "<CREDIT_CARD_1> and again <CREDIT_CARD_1>"


def test_different_values_get_new_numbers_per_type(redactor: Redactor) -> None:
    first = redactor.redact(f"{CARD} {OTHER_CARD} {ACCOUNT}", "c1").text
    assert first == "<CREDIT_CARD_1> <CREDIT_CARD_2> <ACCOUNT_NUMBER_1>"
    assert redactor.redact("ACC87654321 then ACC12345678", "c1").text == "<ACCOUNT_NUMBER_2> then <ACCOUNT_NUMBER_1>"


def test_numbering_is_per_conversation(redactor: Redactor) -> None:
    assert redactor.redact(f"{CARD} {OTHER_CARD}", "alpha").text == "<CREDIT_CARD_1> <CREDIT_CARD_2>"
    assert redactor.redact(f"{OTHER_CARD}", "beta").text == "<CREDIT_CARD_1>"
    assert redactor.redact(f"{CARD}", "beta").text == "<CREDIT_CARD_2>"
    assert redactor.redact(f"{OTHER_CARD}", "alpha").text == "<CREDIT_CARD_2>"


def test_placeholders_in_the_text_are_kept(make_redactor: Any, nlp_engine: NerOnlyNlpEngine) -> None:
    # A greedy recognizer that would match the inside of a placeholder.
    greedy = PatternRecognizer("PERSON", patterns=[Pattern("caps", r"\b[A-Z][A-Z_0-9]{2,}\b", 0.9)],
                               global_regex_flags=0)
    redactor = make_redactor(make_policy({"PERSON": {}, "CREDIT_CARD": {}}),
                             analyzer=build_analyzer([greedy, card_recognizer()], nlp_engine=nlp_engine))
    result = redactor.redact("pay <CREDIT_CARD_1> to BOB", "c1")
    assert result.text == "pay <CREDIT_CARD_1> to <PERSON_1>"
    again = redactor.redact(result.text, "c1")
    assert again.text == result.text and not again.changed


def test_redacting_twice_changes_nothing(redactor: Redactor) -> None:
    once = redactor.redact(f"card {CARD}, account {ACCOUNT}", "c1").text
    assert redactor.redact(once, "c1").text == once


def test_text_without_identifiers_is_unchanged(redactor: Redactor) -> None:
    for text in ["", "   ", "How much is $1,200 at 4.5% for 30 years?", "card ending 1111"]:
        result = redactor.redact(text, "c1")
        assert result.text == text and not result.changed and result.entities == ()


def test_below_threshold_is_left_and_at_threshold_is_replaced(make_redactor: Any,
                                                               nlp_engine: NerOnlyNlpEngine) -> None:
    weak = build_analyzer([card_recognizer(score=0.4)], nlp_engine=nlp_engine)
    strict = make_redactor(make_policy({"CREDIT_CARD": {"threshold": 0.5}}), analyzer=weak)
    lenient = make_redactor(make_policy({"CREDIT_CARD": {"threshold": 0.4}}), analyzer=weak)
    assert strict.redact(CARD, "c1").text == CARD
    assert lenient.redact(CARD, "c1").text == "<CREDIT_CARD_1>"


# --------------------------------------------------------------------------- actions


def test_mask_keeps_the_last_four(make_redactor: Any) -> None:
    redactor = make_redactor(make_policy({"CREDIT_CARD": {"action": "mask"}, "ACCOUNT_NUMBER": {}}))
    result = redactor.redact(f"card {CARD}", "c1")
    assert result.text == "card " + "*" * 15 + "1111"
    assert result.kinds == {"CREDIT_CARD"}
    assert mask("1234") == "****" and mask("12345") == "*2345" and mask("") == ""


def test_keep_leaves_the_text(make_redactor: Any) -> None:
    redactor = make_redactor(make_policy({"CREDIT_CARD": {}, "ACCOUNT_NUMBER": {"action": "keep"}}))
    result = redactor.redact(f"{ACCOUNT} {CARD}", "c1")
    assert result.text == f"{ACCOUNT} <CREDIT_CARD_1>"
    assert [e.type for e in redactor.detect(f"{ACCOUNT} {CARD}")] == ["CREDIT_CARD"]


# --------------------------------------------------------------------------- fail closed


def test_input_over_the_limit_is_refused(make_redactor: Any) -> None:
    redactor = make_redactor(make_policy(limits={"max_chars": 100}))
    assert redactor.redact("x" * 100, "c1").text == "x" * 100
    with pytest.raises(InputTooLarge) as caught:
        redactor.redact("x" * 101, "c1")
    assert caught.value.length == 101 and caught.value.limit == 100


def test_a_failing_recognizer_is_a_redaction_error_without_the_text(
    make_redactor: Any, nlp_engine: NerOnlyNlpEngine
) -> None:
    redactor = make_redactor(analyzer=build_analyzer([RaisingRecognizer(), card_recognizer()], nlp_engine=nlp_engine))
    secret = f"my card {CARD}"
    with pytest.raises(RedactionError) as caught:
        redactor.redact(secret, "c1")
    assert secret not in str(caught.value) and CARD not in str(caught.value)
    assert "ValueError" in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_a_slow_recognizer_times_out(make_redactor: Any, nlp_engine: NerOnlyNlpEngine) -> None:
    policy = make_policy(limits={"timeout_seconds": 0.05})
    redactor = make_redactor(policy, analyzer=build_analyzer([SlowRecognizer(0.5)], nlp_engine=nlp_engine))
    began = time.monotonic()
    with pytest.raises(RedactionTimeout) as caught:
        redactor.redact(f"card {CARD}", "c1")
    assert time.monotonic() - began < 0.4
    assert caught.value.limit_seconds == 0.05 and CARD not in str(caught.value)


class SteppingClock(FakeClock):
    """A clock whose every ``monotonic()`` reading is ``step`` seconds after the one before."""

    def __init__(self, step: float) -> None:
        super().__init__()
        self.step = step

    def monotonic(self) -> float:
        self.advance(self.step)
        return super().monotonic()


def test_a_result_that_arrives_after_the_limit_is_refused(make_redactor: Any, nlp_engine: NerOnlyNlpEngine) -> None:
    # The wait for the worker can return late when the worker held the interpreter; the clock decides.
    policy = make_policy(limits={"timeout_seconds": 0.5})
    redactor = make_redactor(policy, analyzer=build_analyzer([card_recognizer()], nlp_engine=nlp_engine),
                             clock=SteppingClock(2.0))
    with pytest.raises(RedactionTimeout) as caught:
        redactor.redact(f"card {CARD}", "c1")
    assert caught.value.limit_seconds == 0.5 and CARD not in str(caught.value)


def test_text_that_is_not_a_string_is_refused(redactor: Redactor) -> None:
    with pytest.raises(RedactionError):
        redactor.redact(b"4111 1111 1111 1111", "c1")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- detection memory


class CountingRecognizer(PatternRecognizer):
    """The test card recognizer, counting the texts it was asked to look at."""

    def __init__(self) -> None:
        super().__init__("CREDIT_CARD", patterns=[Pattern("test card", r"\b4111(?:[ -]?\d{4}){3}\b", 0.9)])
        self.calls = 0

    def analyze(self, text: str, entities: List[str], nlp_artifacts: Optional[NlpArtifacts] = None,
                regex_flags: Optional[int] = None) -> List[RecognizerResult]:
        self.calls += 1
        return super().analyze(text, entities, nlp_artifacts, regex_flags)


def test_a_text_without_identifiers_seen_before_in_any_conversation_is_not_read_again(
    make_redactor: Any, nlp_engine: NerOnlyNlpEngine
) -> None:
    counting = CountingRecognizer()
    redactor = make_redactor(analyzer=build_analyzer([counting], nlp_engine=nlp_engine))
    reply = "Your card <CREDIT_CARD_1> is frozen."  # a bot reply: placeholders are no finding
    assert [redactor.redact(reply, conversation).text for conversation in ("c1", "c2", "c1")] == [reply] * 3
    assert counting.calls == 1


def test_a_text_with_an_identifier_is_read_every_time(make_redactor: Any, nlp_engine: NerOnlyNlpEngine) -> None:
    # Kept, it would tell by the speed of an answer whether anyone in any conversation had typed it.
    counting = CountingRecognizer()
    redactor = make_redactor(analyzer=build_analyzer([counting], nlp_engine=nlp_engine))
    text = f"card {CARD} please"
    assert [redactor.redact(text, conversation).text for conversation in ("c1", "c2", "c1")] == [
        "card <CREDIT_CARD_1> please"] * 3
    assert counting.calls == 3


@pytest.mark.parametrize("size, remembered, calls", [(40, 0, 2), (2_100, 20_000, 2), (40, 20_000, 1)])
def test_long_texts_and_a_policy_without_memory_detect_every_time(
    make_redactor: Any, nlp_engine: NerOnlyNlpEngine, size: int, remembered: int, calls: int
) -> None:
    counting = CountingRecognizer()
    policy = make_policy(limits={"remembered_texts": remembered})
    redactor = make_redactor(policy, analyzer=build_analyzer([counting], nlp_engine=nlp_engine))
    text = "what is my balance " + "x" * size
    assert [redactor.redact(text, "c1").text for _ in range(2)] == [text, text]
    assert counting.calls == calls


# --------------------------------------------------------------------------- hidden characters


@pytest.mark.parametrize(
    "spelled",
    [
        "４１１１ １１１１ １１１１ １１１１",                 # full-width digits and spaces
        "4111\u200b1111\u200b1111\u200b1111",               # zero-width spaces
        "4111\u00a01111\u20091111\u202f1111",               # no-break and thin spaces
        "4111\u20131111\u20131111\u20131111",               # en dashes
        "\u202e4111 1111 1111 1111",                        # a right-to-left override in front
        "4111 11\u00ad11 1111 1111",                        # a soft hyphen
    ],
)
def test_hidden_spellings_are_detected_and_the_original_span_replaced(redactor: Redactor, spelled: str) -> None:
    assert redactor.redact(CARD, "c1").text == "<CREDIT_CARD_1>"
    text = f"card: {spelled}!"
    result = redactor.redact(text, "c1")
    entity = result.entities[0]
    assert text[entity.start:entity.end].strip("\u202e") == spelled.strip("\u202e")
    assert result.text in ("card: <CREDIT_CARD_1>!", "card: \u202e<CREDIT_CARD_1>!")
    assert not any(ch.isdigit() for ch in result.text.replace("<CREDIT_CARD_1>", ""))


def test_text_view_maps_back_to_the_original() -> None:
    original = "a\u200bＢ c"
    view = TextView.of(original)
    assert view.text == "aB c"
    assert view.to_original(1, 2) == (2, 3)
    assert view.to_original(0, 4) == (0, 5)
    ascii_view = TextView.of("plain")
    assert ascii_view.text == "plain" and ascii_view.to_original(1, 3) == (1, 3)
    with pytest.raises(ValueError):
        view.to_original(2, 9)


# --------------------------------------------------------------------------- merging


def test_overlapping_detections_merge_into_the_best_scored_type() -> None:
    merged = merge_overlaps([
        DetectedEntity("PHONE_NUMBER", 10, 20, 0.4),
        DetectedEntity("CREDIT_CARD", 5, 15, 0.9),
        DetectedEntity("PERSON", 30, 35, 0.8),
    ])
    assert merged == [DetectedEntity("CREDIT_CARD", 5, 20, 0.9), DetectedEntity("PERSON", 30, 35, 0.8)]
    assert merge_overlaps([DetectedEntity("PIN", 0, 4, 0.5), DetectedEntity("PIN", 4, 8, 0.5)]) == [
        DetectedEntity("PIN", 0, 4, 0.5), DetectedEntity("PIN", 4, 8, 0.5)]


@pytest.mark.parametrize("first, second, winner", [
    ("PHONE_NUMBER", "US_SSN", "US_SSN"),
    ("ACCOUNT_NUMBER", "CREDIT_CARD", "CREDIT_CARD"),
    ("REFERENCE_NUMBER", "ACCOUNT_NUMBER", "ACCOUNT_NUMBER"),
])
def test_a_tie_goes_to_the_more_specific_type_in_whatever_order_it_came(first: str, second: str,
                                                                         winner: str) -> None:
    # Presidio's de-duplication lists equal scores in set order, which differs from one process to the next.
    for pair in ((first, second), (second, first)):
        assert merge_overlaps([DetectedEntity(name, 24, 35, 0.6) for name in pair]) == [
            DetectedEntity(winner, 24, 35, 0.6)]


@pytest.mark.parametrize("text, expected", [
    # The cue makes the first one an SSN; the quoted repeat has no cue of its own.
    ("parsed: my ssn is 219-09-9999, value='219-09-9999'", "parsed: my ssn is <US_SSN_1>, value='<US_SSN_1>'"),
    ("my ssn is 219-09-9999 (219-09-9999)", "my ssn is <US_SSN_1> (<US_SSN_1>)"),
    # Only where it stands alone: not inside a longer number (which the default-deny net hides as an ID).
    ("my ssn is 219-09-9999, batch X219-09-9999Y", "my ssn is <US_SSN_1>, batch <REFERENCE_NUMBER_1>"),
])
def test_a_detected_value_is_replaced_wherever_it_recurs(text: str, expected: str) -> None:
    engine = Redactor()
    try:
        assert engine.redact(text, "c1").text == expected
    finally:
        engine.close()


def test_a_split_value_is_caught_after_the_redacted_form_of_its_first_part() -> None:
    # A store reads the first message back redacted; the engine remembers its placeholder was cut short.
    # (Without the default-deny net, which would hide the bare halves anyway.)
    engine = Redactor(policy=dataclasses.replace(Policy.load(), default_deny=False))
    try:
        first = engine.redact("my card number is 4111 1111", "c1").text
        assert first == "my card number is <CREDIT_CARD_1>"
        assert engine.redact("1111 1111", "c1", after=first).text == "<CREDIT_CARD_2>"
        assert engine.redact("1111 1111", "c2", after=first).text == "1111 1111"  # another conversation's card
        engine.forget("c1")
        assert engine.redact("1111 1111", "c1", after=first).text == "1111 1111"
        # A complete card is not a beginning: the number after it stays a number.
        whole = engine.redact("my card is 4111 1111 1111 1111", "c3").text
        assert engine.redact("500 please", "c3", after=whole).text == "500 please"
    finally:
        engine.close()


def test_a_message_it_admitted_is_not_run_through_detection_again(make_redactor: Any) -> None:
    # The NLU step, the store and the broker meet the admitted text again: it is already redacted.
    redactor = make_redactor()
    admitted = redactor.redact(f"my card is {CARD}", "c1", carry=True).text
    assert admitted == "my card is <CREDIT_CARD_1>"
    calls: List[str] = []
    real_detect = redactor.detect

    def counting(text: str) -> Any:
        calls.append(text)
        return real_detect(text)

    redactor.detect = counting
    assert redactor.redact(admitted, "c1", after="hello").text == admitted
    assert redactor.redact(admitted, "c2").text == admitted and len(calls) == 1  # another conversation: checked
    assert redactor.redact(f"again {CARD}", "c1").text == "again <CREDIT_CARD_1>" and len(calls) == 2
