"""The privacy report's counting: kinds, distinct values and mentions from placeholders; reveals with kinds."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import List, Tuple

import pytest

from bot.privacy.report import KindCount, build_report, count_kinds, placeholders_in, reveal_kind
from bot.privacy.vault import Reveal


@pytest.mark.parametrize(
    "text, found",
    [
        ("hello", []),
        ("my card is <CREDIT_CARD_1>", [("CREDIT_CARD", "<CREDIT_CARD_1>")]),
        ("<IBAN_CODE_2> and <PERSON_1>, <IBAN_CODE_2>",
         [("IBAN_CODE", "<IBAN_CODE_2>"), ("PERSON", "<PERSON_1>"), ("IBAN_CODE", "<IBAN_CODE_2>")]),
        ("<US_SSN_12>", [("US_SSN", "<US_SSN_12>")]),
        ("<NOT_A_KIND_1> <credit_card_1> <CREDIT_CARD_> <CREDIT_CARD_x>", []),  # only the engine's kinds
        ("<<CREDIT_CARD_3>>", [("CREDIT_CARD", "<CREDIT_CARD_3>")]),
    ],
)
def test_placeholders_are_found_by_kind(text: str, found: List[Tuple[str, str]]) -> None:
    assert placeholders_in(text) == found


def test_values_are_distinct_placeholders_and_mentions_are_occurrences() -> None:
    texts = [
        "my card is <CREDIT_CARD_1>",
        "no, <CREDIT_CARD_2>; the first was <CREDIT_CARD_1>",
        "send it to <IBAN_CODE_1>",
        "hi",
    ]
    assert count_kinds(texts) == (
        KindCount("CREDIT_CARD", "card number", values=2, mentions=3),
        KindCount("IBAN_CODE", "IBAN", values=1, mentions=1),
    )


def test_a_report_counts_messages_and_lists_reveals_with_their_kind() -> None:
    reveals = [Reveal("<IBAN_CODE_1>", "transfer to a payee", 1_764_399_600.0)]
    report = build_report("c1", ["send 10 to <IBAN_CODE_1>", "yes"], reveals)
    assert report.conversation_id == "c1" and report.messages == 2
    assert report.redacted == (KindCount("IBAN_CODE", "IBAN", 1, 1),)
    assert [(r.placeholder, r.kind, r.purpose) for r in report.reveals] == [
        ("<IBAN_CODE_1>", "IBAN_CODE", "transfer to a payee")
    ]


def test_an_empty_conversation_reports_nothing() -> None:
    report = build_report("nobody", [], [])
    assert (report.messages, report.redacted, report.reveals) == (0, (), ())


@pytest.mark.parametrize("name, kind", [("<IBAN_CODE_1>", "IBAN_CODE"), ("IBAN", None), ("<X>", None)])
def test_reveal_kind(name: str, kind: str) -> None:
    assert reveal_kind(name) == kind


def test_the_report_module_knows_nothing_of_rasa() -> None:
    source = Path(__file__).resolve().parents[2] / "bot" / "privacy" / "report.py"
    imported = {
        alias.name for node in ast.walk(ast.parse(source.read_text()))
        if isinstance(node, ast.Import) for alias in node.names
    } | {
        node.module or "" for node in ast.walk(ast.parse(source.read_text())) if isinstance(node, ast.ImportFrom)
    }
    assert not {name for name in imported if name.split(".")[0] in {"rasa", "sanic", "rasa_sdk"}}
