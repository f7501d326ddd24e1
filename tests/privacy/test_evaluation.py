"""Scoring rules of the evaluation (hand-made spans), the report, and the shipped labelled files."""

from __future__ import annotations

import datetime
import importlib.util
import io
import json
from pathlib import Path
from typing import Any, Iterator, List

import pytest
from presidio_analyzer import Pattern, PatternRecognizer

from bot.privacy.analyzer import build_analyzer
from bot.privacy.engine import Redactor
from bot.privacy.evaluation import format_report, parse_records, run_evaluation
from bot.privacy.nlp import NerOnlyNlpEngine
from bot.privacy.policy import Policy
from bot.privacy.scoring import (
    REFUSED,
    Scores,
    Span,
    canonical_type,
    covers,
    is_target,
    main_detection,
    score_detections,
    score_labels,
)

DATA = Path(__file__).parent / "data"


# --------------------------------------------------------------------------- coverage rule

CARD_TEXT = "card 4111 1111 1111 1111 ok"
CARD = Span("CREDIT_CARD", 5, 24)


@pytest.mark.parametrize(
    ("detections", "caught"),
    [
        ([Span("CREDIT_CARD", 5, 24)], True),                      # exact
        ([Span("CREDIT_CARD", 0, 27)], True),                      # wider
        ([Span("CREDIT_CARD", 5, 23)], False),                     # last digit left
        ([Span("CREDIT_CARD", 5, 9), Span("PHONE_NUMBER", 10, 24)], True),   # two pieces, gap is a space
        ([Span("CREDIT_CARD", 5, 9), Span("CREDIT_CARD", 15, 24)], False),   # a digit group left
        ([], False),
        ([Span("PERSON", 0, 4)], False),                           # elsewhere
    ],
)
def test_a_label_is_caught_when_every_letter_and_digit_is_covered(detections: List[Span], caught: bool) -> None:
    assert covers(CARD_TEXT, CARD, detections) is caught


def test_punctuation_around_and_inside_a_label_may_stay() -> None:
    text = "mail: (jo.smith@example.com)"
    label = Span("EMAIL_ADDRESS", 6, 28)  # includes the parentheses
    pieces = [Span("EMAIL_ADDRESS", 7, 15), Span("EMAIL_ADDRESS", 16, 27)]  # the "@" is not covered
    assert covers(text, label, pieces)
    assert not covers(text, label, [Span("EMAIL_ADDRESS", 7, 26)])


def test_a_label_without_letters_or_digits_is_caught_by_any_overlap() -> None:
    text = "a -- b"
    assert covers(text, Span("PIN", 2, 4), [Span("PIN", 3, 5)])
    assert not covers(text, Span("PIN", 2, 4), [Span("PIN", 4, 6)])


def test_unicode_letters_count() -> None:
    text = "Mikolčić paid"
    assert not covers(text, Span("PERSON", 0, 8), [Span("PERSON", 0, 5)])
    assert covers(text, Span("PERSON", 0, 8), [Span("PERSON", 0, 8)])


# --------------------------------------------------------------------------- types


@pytest.mark.parametrize(
    ("name", "canonical"),
    [("US_DRIVER_LICENSE", "DRIVER_LICENSE"), ("US_BANK_NUMBER", "ACCOUNT_NUMBER"), ("CRYPTO", "CRYPTO_WALLET"),
     ("LOCATION", "LOCATION"), ("CREDIT_CARD", "CREDIT_CARD"), ("UK_NHS", "UK_NHS")],
)
def test_type_names_map_to_ours(name: str, canonical: str) -> None:
    assert canonical_type(name) == canonical


@pytest.mark.parametrize(
    ("label", "target"),
    [("PERSON", True), ("ADDRESS", True), ("US_DRIVER_LICENSE", True), ("IP_ADDRESS", True),
     ("SORT_CODE", True), ("PIN", True), ("ROUTING_NUMBER", True),
     ("LOCATION", False), ("ORGANIZATION", False), ("DATE_TIME", False), ("DOMAIN_NAME", False),
     ("TITLE", False), ("PREFIX", False), ("NRP", False)],
)
def test_target_labels(label: str, target: bool) -> None:
    assert is_target(label) is target


def test_main_detection_is_the_one_covering_most_letters_and_digits() -> None:
    text = "call 212-555-0147 now"
    label = Span("PHONE_NUMBER", 5, 17)
    short_wide = Span("US_SSN", 4, 9)             # covers 3 digits (and a space)
    long_one = Span("PHONE_NUMBER", 9, 17)        # covers 7 digits
    assert main_detection(text, label, [short_wide, long_one]) == long_one
    assert main_detection(text, label, [Span("PERSON", 0, 4)]) is None


def test_type_accuracy_uses_the_main_detection_and_the_type_map() -> None:
    text = "licence D1234567, card 4111111111111111"
    labels = [Span("US_DRIVER_LICENSE", 8, 16), Span("CREDIT_CARD", 23, 39)]
    detections = [Span("US_DRIVER_LICENSE", 8, 16), Span("PHONE_NUMBER", 23, 35), Span("CREDIT_CARD", 33, 39)]
    outcomes = score_labels(text, labels, detections)
    assert [o.caught for o in outcomes] == [True, True]
    assert outcomes[0].type_correct                       # US_DRIVER_LICENSE -> DRIVER_LICENSE on both sides
    assert outcomes[1].detected_type == "PHONE_NUMBER"    # 12 of 16 digits
    assert not outcomes[1].type_correct


def test_a_missed_label_is_never_type_correct() -> None:
    outcome = score_labels("pin 1234", [Span("PIN", 4, 8)], [Span("PIN", 4, 6)])[0]
    assert outcome.touched and not outcome.caught
    assert outcome.detected_type == "PIN" and not outcome.type_correct


# --------------------------------------------------------------------------- precision


def test_a_detection_is_correct_when_it_overlaps_a_target_label() -> None:
    labels = [Span("PERSON", 0, 5), Span("LOCATION", 15, 21)]
    detections = [Span("ADDRESS", 3, 8), Span("PERSON", 15, 21), Span("PERSON", 30, 35)]
    outcomes = score_detections(labels, detections)
    assert [o.correct for o in outcomes] == [True, False, False]   # a LOCATION label is not a target
    assert [o.exact for o in outcomes] == [False, False, False]
    assert score_detections(labels, [Span("PERSON", 1, 2)])[0].exact


def test_scores_add_up_per_type_and_overall() -> None:
    scores = Scores()
    # "Ann Lee lives in Paris, card 4111111111111111, pin 1234"
    text = "Ann Lee lives in Paris, card 4111111111111111, pin 1234"
    labels = [Span("PERSON", 0, 7), Span("LOCATION", 17, 22), Span("CREDIT_CARD", 29, 45), Span("PIN", 51, 55)]
    detections = [Span("PERSON", 0, 3), Span("PERSON", 17, 22), Span("CREDIT_CARD", 29, 45)]
    scores.add(text, labels, detections)
    assert scores.messages == 1
    assert dict(scores.support) == {"PERSON": 1, "CREDIT_CARD": 1, "PIN": 1}
    assert dict(scores.caught) == {"PERSON": 0, "CREDIT_CARD": 1, "PIN": 0}
    assert scores.recall == pytest.approx(1 / 3)
    assert scores.type_accuracy == 1.0
    assert scores.precision == pytest.approx(2 / 3)          # the PERSON on "Paris" overlaps only a kept label
    assert dict(scores.kept_support) == {"LOCATION": 1}
    assert dict(scores.kept_touched) == {"LOCATION": 1}
    rows = {row.type: row for row in scores.label_rows()}
    assert rows["PERSON"].precision == 0.5 and rows["PERSON"].recall == 0.0
    assert rows["PERSON"].type_accuracy is None               # none caught
    assert rows["PIN"].precision is None                      # nothing detected as PIN
    assert rows["CREDIT_CARD"].recall == 1.0 and rows["CREDIT_CARD"].type_accuracy == 1.0


def test_kept_labels_are_not_in_recall() -> None:
    scores = Scores()
    scores.add("see you in Leeds on Friday", [Span("LOCATION", 11, 16), Span("DATE_TIME", 20, 26)], [])
    assert scores.recall == 0.0 and not scores.support
    assert scores.precision is None
    assert dict(scores.kept_touched) == {"LOCATION": 0, "DATE_TIME": 0}


# --------------------------------------------------------------------------- loading and report


def test_records_load_from_a_json_list_or_json_lines() -> None:
    record = {"full_text": "pin 1234", "spans": [
        {"entity_type": "PIN", "entity_value": "1234", "start_position": 4, "end_position": 8}]}
    as_list = parse_records(json.dumps([record, record]))
    as_lines = parse_records(json.dumps(record) + "\n\n" + json.dumps(record) + "\n")
    assert as_list == as_lines
    assert as_list[0].labels == (Span("PIN", 4, 8),)


@pytest.mark.parametrize(
    "record",
    [{"spans": []}, {"full_text": "abc", "spans": [{"entity_type": "PIN", "start_position": 1, "end_position": 9}]},
     {"full_text": "abc", "spans": [{"entity_type": "PIN"}]}],
)
def test_bad_records_are_named(record: Any) -> None:
    with pytest.raises(ValueError, match="record 1"):
        parse_records(json.dumps([record]))


def test_the_report_lists_refused_messages_and_kept_labels() -> None:
    scores = Scores()
    scores.add("x" * 10, [Span("PERSON", 0, 3), Span("LOCATION", 4, 6)], [Span(REFUSED, 0, 10)])
    scores.refused = 1
    report = format_report("engine", scores)
    assert "1 refused" in report and "kept on purpose" in report and REFUSED in report


@pytest.fixture(scope="session")
def nlp_engine() -> NerOnlyNlpEngine:
    engine = NerOnlyNlpEngine()
    engine.load()
    return engine


@pytest.fixture()
def test_redactor(nlp_engine: NerOnlyNlpEngine) -> Iterator[Redactor]:
    recognizers = [
        PatternRecognizer("CREDIT_CARD", patterns=[Pattern("test card", r"\b4111(?:[ -]?\d{4}){3}\b", 0.9)]),
        PatternRecognizer("PIN", patterns=[Pattern("test pin", r"(?<=pin )\d{4}\b", 0.9)]),
    ]
    policy = Policy.from_dict({"entities": {"CREDIT_CARD": {}, "PIN": {}}})
    redactor = Redactor(policy=policy, analyzer=build_analyzer(recognizers, nlp_engine=nlp_engine))
    yield redactor
    redactor.close()


def test_run_evaluation_prints_the_tables(tmp_path: Path, test_redactor: Redactor) -> None:
    records = [
        {"full_text": "card 4111 1111 1111 1111 and pin 1234", "spans": [
            {"entity_type": "CREDIT_CARD", "entity_value": "4111 1111 1111 1111", "start_position": 5,
             "end_position": 24},
            {"entity_type": "PIN", "entity_value": "1234", "start_position": 33, "end_position": 37}]},
        {"full_text": "I live in London, pin 99", "spans": [
            {"entity_type": "LOCATION", "entity_value": "London", "start_position": 10, "end_position": 16}]},
    ]
    path = tmp_path / "tiny.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    out = io.StringIO()
    assert run_evaluation(path, out, include_stock=False, redactor=test_redactor) == 0
    printed = out.getvalue()
    lines = printed.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("label type") and "recall" in line)
    assert lines[at].split() == ["label", "type", "support", "recall", "precision", "type", "acc"]
    table = lines[at + 1:lines.index("", at)]
    assert "detected type" in printed and "detections" in printed
    assert "kept on purpose" in printed and "LOCATION" in printed
    assert "2 messages" in printed and "messages/s" in printed
    assert "stock" not in printed
    rows = {line.split()[0]: line.split()[1:] for line in table}
    assert rows["CREDIT_CARD"] == ["1", "1.000", "1.000", "1.000"]
    assert rows["PIN"] == ["1", "1.000", "1.000", "1.000"]
    assert rows["overall"] == ["(micro)", "2", "1.000", "1.000", "1.000"]
    assert "overall: recall 1.000 over 2 target spans" in printed


def test_run_evaluation_limit_and_bad_file(tmp_path: Path, test_redactor: Redactor) -> None:
    path = tmp_path / "two.json"
    path.write_text(json.dumps([{"full_text": "pin 1234", "spans": []}] * 2), encoding="utf-8")
    out = io.StringIO()
    assert run_evaluation(path, out, include_stock=False, limit=1, redactor=test_redactor) == 0
    assert "1 messages" in out.getvalue()
    bad = tmp_path / "bad.json"
    bad.write_text("[{", encoding="utf-8")
    out = io.StringIO()
    assert run_evaluation(bad, out, include_stock=False, redactor=test_redactor) == 2
    assert "cannot evaluate" in out.getvalue()


# --------------------------------------------------------------------------- the shipped labelled file


def test_hard_cases_are_well_formed_and_reproducible() -> None:
    raw = (DATA / "hard_cases.json").read_text(encoding="utf-8")
    items = json.loads(raw)
    assert len(items) >= 150
    for item in items:
        for span in item["spans"]:
            assert item["full_text"][span["start_position"]:span["end_position"]] == span["entity_value"]
            assert is_target(span["entity_type"]) or span["entity_type"] in {"LOCATION", "ORGANIZATION", "DATE_TIME"}
    assert len(parse_records(raw)) == len(items)

    generator = load_generator()
    assert generator.render(generator.generate()) == raw, "hard_cases.json is stale: run make_hard_cases.py"


class _DayInTheFuture(datetime.datetime):
    """``datetime`` whose today is years from now (with a time near midnight, where a day boundary bites)."""

    @classmethod
    def now(cls, tz: Any = None) -> Any:
        return cls(2031, 2, 28, 23, 59, 59, tzinfo=tz)

    @classmethod
    def today(cls) -> Any:
        return cls.now()


def test_the_hard_cases_do_not_depend_on_the_day_they_are_made(monkeypatch: pytest.MonkeyPatch) -> None:
    # Faker reads the clock for relative dates (date_of_birth, past_date, ...): generated test data must not.
    import faker.providers.date_time as faker_dates

    monkeypatch.setattr(faker_dates, "datetime", _DayInTheFuture)
    raw = (DATA / "hard_cases.json").read_text(encoding="utf-8")
    generator = load_generator()
    assert generator.render(generator.generate()) == raw


def load_generator() -> Any:
    spec = importlib.util.spec_from_file_location("make_hard_cases", DATA / "make_hard_cases.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_our_recognizer_classes_are_named_apart_from_presidios() -> None:
    # Presidio finds its predefined recognizers by class name among every loaded subclass:
    # a project class of the same name would be run as "stock" (or break building it).
    import presidio_analyzer.predefined_recognizers as predefined

    from bot.privacy.recognizers import all_recognizers

    clashes = {type(r).__name__ for r in all_recognizers()} & set(dir(predefined))
    assert not clashes



def test_over_redaction_counts_messages_without_an_identifier_that_were_changed() -> None:
    scores = Scores()
    scores.add("what is the APR on 2500", (), [Span("ACCOUNT_NUMBER", 19, 23)])  # over-redacted
    scores.add("hello there", (), [])
    scores.add("a place: Leeds", (Span("LOCATION", 9, 14),), [])  # a kept label is no identifier
    scores.add("card 4111 1111 1111 1111", (CARD,), [CARD])
    assert (scores.clean, scores.clean_touched) == (3, 1)
    assert "over-redaction: 1 of 3 messages without an identifier changed (33.3%)" in format_report("x", scores)
