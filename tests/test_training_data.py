"""The training data: in placeholder form everywhere, BANKING77 wired in, and no held-out message trained on.

- Every NLU example under ``data/``, read as Rasa reads it, is already what
  the privacy engine would make of it: running the real engine over it changes
  nothing, so no real-looking identifier is trained on.
- Each of the 77 BANKING77 labels is an intent in the domain with a response
  ``utter_<label>`` and a rule that answers with it.
- No held-out message (``eval/banking77_heldout.csv``) is a training example,
  and the held-out slice is a stratified 10 %.
"""

from __future__ import annotations

import csv
import functools
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Dict, Iterator, List, Sequence, Tuple

import pytest
import yaml

from bot.privacy import Redactor

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
DOMAIN = ROOT / "domain"
NLU_FILE = DATA / "nlu" / "banking77.yml"
HELDOUT = ROOT / "eval" / "banking77_heldout.csv"
SOURCE = ROOT.parent / "shared" / "data" / "banking77" / "train.csv"
GENERATOR = ROOT / "scripts" / "banking77_data.py"
BANKING77_SIZE = 77
HELDOUT_SHARE = 0.1

# Fake identifiers of several types (test card, example IBAN, reserved domain and phone range).
PLANTED = [
    ("my card number is", "4111 1111 1111 1111"),
    ("the IBAN is", "GB82 WEST 1234 5698 7654 32"),
    ("write to", "jane.doe@example.com"),
    ("call me on", "(212) 555-0147"),
]


def key(text: str) -> str:
    """What makes two messages the same: their words, case aside."""
    return " ".join(text.split()).casefold()


def read_heldout() -> List[Tuple[str, str]]:
    with HELDOUT.open(encoding="utf-8", newline="") as stream:
        return [(row["text"], row["category"]) for row in csv.DictReader(stream)]


def banking77_labels() -> List[str]:
    return sorted({label for _, label in read_heldout()})


def nlu_examples() -> List[Tuple[str, str, str]]:
    """(file, intent, text) of every intent example in ``data/``, the text as Rasa reads it (annotations removed)."""
    import rasa.shared.data
    from rasa.shared.nlu.training_data.loading import load_data

    examples = []
    for path in sorted(rasa.shared.data.get_data_files([str(DATA)], rasa.shared.data.is_nlu_file)):
        for message in load_data(path).intent_examples:
            examples.append((Path(path).relative_to(ROOT).as_posix(), message.get("intent"), message.get("text")))
    return examples


def not_in_placeholder_form(redactor: Redactor, texts: Sequence[str]) -> List[Tuple[int, str]]:
    """(index, redacted text) of each text the engine would change, each redacted as its own conversation.

    Only the redacted form is returned, so a failure never prints an identifier.
    """
    changed = []
    for index, text in enumerate(texts):
        redacted = redactor.redact(text, conversation=f"training-example-{index}").text
        if redacted != text:
            changed.append((index, redacted))
    return changed


def load_yaml_folder(folder: Path) -> List[Dict[str, Any]]:
    return [yaml.safe_load(path.read_text(encoding="utf-8")) or {} for path in sorted(folder.glob("*.yml"))]


@functools.cache
def domain() -> Dict[str, Any]:
    """The domain's intents (names) and responses, merged over its files."""
    intents: List[str] = []
    responses: Dict[str, Any] = {}
    for document in load_yaml_folder(DOMAIN):
        for intent in document.get("intents") or []:
            intents.append(intent if isinstance(intent, str) else next(iter(intent)))
        responses.update(document.get("responses") or {})
    return {"intents": intents, "responses": responses}


@functools.cache
def rules() -> List[Dict[str, Any]]:
    return [rule for document in load_yaml_folder(DATA / "rules") for rule in document.get("rules") or []]


@pytest.fixture(scope="session")
def redactor() -> Iterator[Redactor]:
    """The engine as at run time: every recognizer the project ships, the project's policy."""
    engine = Redactor()
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def examples() -> List[Tuple[str, str, str]]:
    return nlu_examples()


def test_every_nlu_example_is_in_placeholder_form(redactor: Redactor, examples: List[Tuple[str, str, str]]) -> None:
    assert len(examples) > 9000, "expected the BANKING77 examples among the NLU data"
    changed = not_in_placeholder_form(redactor, [text for _, _, text in examples])
    report = [f"{examples[i][0]} [{examples[i][1]}]: would become {redacted!r}" for i, redacted in changed]
    assert not report, "NLU examples with identifiers not in placeholder form:\n" + "\n".join(report)


@pytest.mark.parametrize(("cue", "value"), PLANTED)
def test_an_example_with_a_fake_identifier_is_flagged(
    redactor: Redactor, examples: List[Tuple[str, str, str]], cue: str, value: str
) -> None:
    clean = [text for _, intent, text in examples if intent == "lost_or_stolen_card"][:5]
    changed = not_in_placeholder_form(redactor, [*clean, f"{clean[0]} {cue} {value}"])
    assert [index for index, _ in changed] == [len(clean)]
    assert value not in changed[0][1] and changed[0][1].startswith(f"{clean[0]} {cue} <")


def test_every_conversation_test_message_is_in_placeholder_form(redactor: Redactor) -> None:
    # Rasa's conversation tests hand their messages to the model unredacted, as training data is.
    messages = [
        (path.name, step["user"].strip())
        for path in sorted((ROOT / "tests" / "stories").glob("test_*.yml"))
        for story in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("stories") or []
        for step in story.get("steps") or [] if "user" in step
    ]
    assert any(name == "test_banking77.yml" for name, _ in messages)
    changed = not_in_placeholder_form(redactor, [text for _, text in messages])
    assert not [f"{messages[i][0]}: would become {redacted!r}" for i, redacted in changed]


def test_placeholders_in_examples_are_left_alone(redactor: Redactor) -> None:
    texts = ["my card <CREDIT_CARD_1> was stolen", "send it to <PERSON_1> at <IBAN_CODE_2>"]
    assert not_in_placeholder_form(redactor, texts) == []


def test_the_heldout_slice_covers_the_77_labels_and_they_are_the_nlu_intents(
    examples: List[Tuple[str, str, str]],
) -> None:
    labels = banking77_labels()
    assert len(labels) == BANKING77_SIZE
    trained = {intent for file, intent, _ in examples if file == "data/nlu/banking77.yml"}
    assert trained == set(labels)


@pytest.mark.parametrize("label", banking77_labels())
def test_each_banking77_label_has_an_intent_a_response_and_a_rule(label: str) -> None:
    the_domain = domain()
    assert the_domain["intents"].count(label) == 1, f"{label} is not declared exactly once in domain/"
    response = the_domain["responses"].get(f"utter_{label}")
    assert response and all(variant.get("text", "").strip() for variant in response)
    expected = [{"intent": label}, {"action": f"utter_{label}"}]
    answering = [rule for rule in rules() if rule.get("steps") == expected]
    assert len(answering) == 1, f"expected one rule answering {label} with utter_{label}"


def test_banking77_buttons_lead_to_intents_of_the_domain() -> None:
    the_domain = domain()
    banking77 = yaml.safe_load((DOMAIN / "banking77.yml").read_text(encoding="utf-8"))
    payloads = {
        button["payload"]
        for variants in banking77["responses"].values() for variant in variants for button in variant.get("buttons", [])
    }
    assert {"/freeze_card", "/show_transactions", "/check_balance"} <= payloads
    unknown = sorted(p for p in payloads if p.lstrip("/") not in the_domain["intents"])
    assert not unknown, f"buttons lead to intents that are not in domain/: {unknown}"


def test_no_heldout_message_is_a_training_example(redactor: Redactor, examples: List[Tuple[str, str, str]]) -> None:
    trained = {key(text) for _, _, text in examples}
    heldout = read_heldout()
    # As typed, and as the model would see it after redaction.
    leaked = [label for text, label in heldout if key(text) in trained]
    leaked += [
        label for index, (text, label) in enumerate(heldout)
        if key(redactor.redact(text, conversation=f"heldout-{index}").text) in trained
    ]
    assert not leaked, f"{len(leaked)} held-out messages are also training examples (labels: {sorted(set(leaked))})"


def test_the_heldout_slice_is_a_stratified_tenth(examples: List[Tuple[str, str, str]]) -> None:
    heldout = Counter(label for _, label in read_heldout())
    trained = Counter(intent for file, intent, _ in examples if file == "data/nlu/banking77.yml")
    for label, count in heldout.items():
        expected = HELDOUT_SHARE * (count + trained[label])
        assert abs(count - expected) <= 1.5, f"{label}: {count} held out, expected about {expected:.1f}"


@pytest.mark.skipif(not SOURCE.exists(), reason=f"the BANKING77 source is not at {SOURCE}")
def test_the_generated_files_are_up_to_date(tmp_path: Path) -> None:
    nlu, heldout = tmp_path / "banking77.yml", tmp_path / "heldout.csv"
    subprocess.run(
        [sys.executable, str(GENERATOR), str(SOURCE), "--nlu", str(nlu), "--heldout", str(heldout)],
        check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
    )
    assert nlu.read_bytes() == NLU_FILE.read_bytes(), "data/nlu/banking77.yml is stale: run scripts/banking77_data.py"
    assert heldout.read_bytes() == HELDOUT.read_bytes(), "eval/banking77_heldout.csv is stale"
