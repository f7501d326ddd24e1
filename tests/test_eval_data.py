"""The hand-written held-out slice of the assistant's own intents (``eval/own_heldout.csv``).

- It parses as ``text,category``, with one message per row and no message twice.
- Every category is an intent of the domain, and each of the assistant's own
  intents (``domain/core.yml``, ``advice.yml``, ``banking.yml``; ``inform_amount``
  aside, it is a form answer, not a request) has the same number of messages.
- No message is an NLU training example, as typed or with case and spacing aside.
- Every message is already in placeholder form: the privacy engine changes nothing.
"""

from __future__ import annotations

import csv
import functools
from collections import Counter
from pathlib import Path
from typing import Callable, Iterator, List, Optional, Sequence, Set, Tuple

import pytest
import yaml

from bot.privacy import Redactor

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
DOMAIN = ROOT / "domain"
EVAL_FILE = ROOT / "eval" / "own_heldout.csv"
OWN_DOMAIN_FILES = ("core.yml", "advice.yml", "banking.yml")
# A bare figure answering a form's question: it is measured by the form tests, not here.
NOT_EVALUATED = {"inform_amount"}
PER_INTENT = 12


def key(text: str) -> str:
    """What makes two messages the same: their words, case and spacing aside."""
    return " ".join(text.split()).casefold()


def read_eval() -> List[Tuple[str, str]]:
    """(text, category) of every row, in file order; fails on a header other than ``text,category``."""
    with EVAL_FILE.open(encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream)
        assert reader.fieldnames == ["text", "category"], f"{EVAL_FILE.name}: header is {reader.fieldnames}"
        rows = []
        for row in reader:
            # DictReader puts surplus fields under None: a row with an unquoted comma.
            assert None not in row, f"{EVAL_FILE.name}, line {reader.line_num}: more than two fields"
            rows.append((row["text"], row["category"]))
        return rows


def domain_intents(files: Sequence[str] = ()) -> Set[str]:
    """The intents declared in ``domain/`` (only in ``files`` when given)."""
    paths = [DOMAIN / name for name in files] if files else sorted(DOMAIN.glob("*.yml"))
    intents: Set[str] = set()
    for path in paths:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for intent in document.get("intents") or []:
            intents.add(intent if isinstance(intent, str) else next(iter(intent)))
    return intents


@functools.cache
def training_texts() -> Tuple[str, ...]:
    """Every intent example under ``data/``, as Rasa reads it (annotations removed)."""
    import rasa.shared.data
    from rasa.shared.nlu.training_data.loading import load_data

    texts = []
    for path in sorted(rasa.shared.data.get_data_files([str(DATA)], rasa.shared.data.is_nlu_file)):
        texts += [message.get("text") for message in load_data(path).intent_examples]
    return tuple(texts)


def also_trained_on(texts: Sequence[str], trained: Sequence[str]) -> List[Tuple[int, str]]:
    """(index, how) of each text that is a training example: ``"exact"`` or ``"normalised"``."""
    exact = set(trained)
    normalised = {key(text) for text in trained}
    found = []
    for index, text in enumerate(texts):
        if text in exact:
            found.append((index, "exact"))
        elif key(text) in normalised:
            found.append((index, "normalised"))
    return found


def not_in_placeholder_form(redactor: Redactor, texts: Sequence[str]) -> List[Tuple[int, str]]:
    """(index, redacted text) of each text the engine would change, each redacted as its own conversation.

    Only the redacted form is returned, so a failure never prints an identifier.
    """
    changed = []
    for index, text in enumerate(texts):
        redacted = redactor.redact(text, conversation=f"own-heldout-{index}").text
        if redacted != text:
            changed.append((index, redacted))
    return changed


@pytest.fixture(scope="session")
def redactor() -> Iterator[Redactor]:
    """The engine as at run time: every recognizer the project ships, the project's policy."""
    engine = Redactor()
    yield engine
    engine.close()


def test_the_file_parses_into_non_empty_distinct_messages() -> None:
    rows = read_eval()
    assert rows, f"{EVAL_FILE.name} has no rows"
    blank = [index for index, (text, category) in enumerate(rows) if not text.strip() or not category.strip()]
    assert not blank, f"rows with an empty text or category: {blank}"
    repeated = [text for text, count in Counter(key(text) for text, _ in rows).items() if count > 1]
    assert not repeated, f"messages in the file more than once: {repeated}"


def test_every_category_is_an_intent_of_the_domain() -> None:
    unknown = sorted({category for _, category in read_eval()} - domain_intents())
    assert not unknown, f"categories that are not intents in domain/: {unknown}"


def test_each_own_intent_has_the_same_number_of_messages() -> None:
    own = domain_intents(OWN_DOMAIN_FILES) - NOT_EVALUATED
    assert {"greet", "ask_budgeting", "freeze_card"} <= own, "expected the core, advice and banking intents"
    counts = Counter(category for _, category in read_eval())
    assert set(counts) == own, f"missing: {sorted(own - set(counts))}; not ours: {sorted(set(counts) - own)}"
    uneven = {intent: n for intent, n in counts.items() if n != PER_INTENT}
    assert not uneven, f"expected {PER_INTENT} messages per intent: {uneven}"


def test_no_message_is_a_training_example() -> None:
    trained = training_texts()
    assert len(trained) > 9000, "expected the NLU training data, BANKING77 included"
    rows = read_eval()
    found = also_trained_on([text for text, _ in rows], trained)
    assert not found, "held-out messages that are training examples:\n" + "\n".join(
        f"  {rows[index][1]} ({how}): {rows[index][0]!r}" for index, how in found
    )


@pytest.mark.parametrize(
    ("variant", "how"),
    [
        (lambda text: text, "exact"),
        (lambda text: text.upper(), "normalised"),
        (lambda text: "  " + text.replace(" ", "   ") + " ", "normalised"),
        (lambda text: text + " today", None),
    ],
    ids=["as-is", "upper-case", "spacing", "extra-word"],
)
def test_the_training_check_catches_a_copied_example(variant: Callable[[str], str], how: Optional[str]) -> None:
    trained = ["how do I start investing", "freeze my card"]
    texts = ["is crypto a good investment", variant(trained[1])]
    expected = [] if how is None else [(1, how)]
    assert also_trained_on(texts, trained) == expected


def test_every_message_is_in_placeholder_form(redactor: Redactor) -> None:
    rows = read_eval()
    changed = not_in_placeholder_form(redactor, [text for text, _ in rows])
    report = [f"{rows[index][1]}: would become {redacted!r}" for index, redacted in changed]
    assert not report, "held-out messages with identifiers not in placeholder form:\n" + "\n".join(report)


@pytest.mark.parametrize(
    "planted",
    ["pay 4111 1111 1111 1111 off first", "send 20 to jane.doe@example.com", "call me on (212) 555-0147"],
)
def test_the_placeholder_check_catches_a_fake_identifier(redactor: Redactor, planted: str) -> None:
    texts = ["send 30 quid to <PERSON_1>", planted]
    changed = not_in_placeholder_form(redactor, texts)
    assert [index for index, _ in changed] == [1]
    assert "<" in changed[0][1]


CHAT_STYLE = ROOT / "eval" / "chat_style"


def test_the_chat_style_set_is_what_its_generator_makes_on_any_day() -> None:
    # Written apart from the recognizers (eval/chat_style/README.md); made from seeds, never from the clock.
    import importlib.util
    import json

    spec = importlib.util.spec_from_file_location("make_chat_style", CHAT_STYLE / "make_chat_style.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    made = json.dumps(module.build(), indent=1, ensure_ascii=False) + "\n"
    shipped = (CHAT_STYLE / "chat_style.json").read_text(encoding="utf-8")
    assert made == shipped, "chat_style.json is stale: run eval/chat_style/make_chat_style.py"
    records = json.loads(shipped)
    assert len(records) >= 900 and sum(not r["spans"] for r in records) >= 250
    for record in records:
        for span in record["spans"]:
            assert record["full_text"][span["start_position"]:span["end_position"]] == span["entity_value"]
    source = (CHAT_STYLE / "make_chat_style.py").read_text(encoding="utf-8")
    assert "bot." not in source and "make_hard_cases" not in source
    assert "date.today" not in source and ".now(" not in source and "date_of_birth" not in source


def test_at_most_one_in_a_hundred_held_out_banking77_questions_change(redactor: Redactor) -> None:
    # Over-redaction on customers' real questions (issue 13: at most 1 %); only redacted forms are shown.
    with (ROOT / "eval" / "banking77_heldout.csv").open(encoding="utf-8", newline="") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)]
    assert len(texts) == 1000
    changed = not_in_placeholder_form(redactor, texts)
    assert len(changed) <= len(texts) // 100, [redacted for _, redacted in changed]
