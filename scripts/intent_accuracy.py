"""Measure intent classification on labelled messages, through the same path as a live message.

Reads labelled messages (a CSV with header ``text,category``, such as
``eval/banking77_heldout.csv``, or JSON lines with ``text`` and ``intent``),
pipes the texts as JSON lines into ``finbot parse --jsonl`` (redaction, then
the trained NLU model; it trains first if the model is out of date), and
prints overall accuracy, precision, recall (= the intent's accuracy) and F1 per
intent, macro F1, the fallback rate (``nlu_fallback``) and the most confused
pairs. ``--json OUT`` writes the same figures as JSON.

Usage: .venv/bin/python scripts/intent_accuracy.py [FILE] [--json OUT] [--predictions OUT.jsonl]
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILE = ROOT / "eval" / "banking77_heldout.csv"
FALLBACK = "nlu_fallback"
# What a message that finbot could not parse counts as: always wrong, never an intent.
ERROR = "<error>"


@dataclass(frozen=True)
class Case:
    text: str
    intent: str


@dataclass
class IntentScore:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass
class Report:
    examples: int
    accuracy: float
    macro_f1: float
    fallback_rate: float
    answered_accuracy: float
    errors: int
    per_intent: Dict[str, IntentScore] = field(default_factory=dict)
    confused: List[Tuple[str, str, int]] = field(default_factory=list)

    def as_dict(self) -> Dict[str, Any]:
        figures = asdict(self)
        figures["confused"] = [{"true": t, "predicted": p, "count": n} for t, p, n in self.confused]
        return figures


def read_cases(path: Path) -> List[Case]:
    """The labelled messages in ``path``: JSON lines (``.jsonl``/``.json``) or a ``text,category`` CSV."""
    if path.suffix in (".jsonl", ".json"):
        cases = []
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            record = json.loads(line)
            if not isinstance(record, dict) or not isinstance(record.get("text"), str) or not record.get("intent"):
                raise ValueError(f"{path}, line {number}: expected an object with a string text and an intent")
            cases.append(Case(record["text"], str(record["intent"])))
        return cases
    with path.open(encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream)
        if not reader.fieldnames or not {"text", "category"} <= set(reader.fieldnames):
            raise ValueError(f"{path}: expected a CSV header with text and category, got {reader.fieldnames}")
        return [Case(row["text"], row["category"]) for row in reader]


def finbot_command(finbot: Path) -> List[str]:
    return [str(finbot), "--project-dir", str(ROOT), "parse", "--jsonl"]


def parse_all(texts: Sequence[str], finbot: Path) -> List[Dict[str, Any]]:
    """One ``finbot parse`` result per text, in order.

    ``finbot parse`` exits non-zero when some lines failed; those lines carry
    ``"error"`` and still count (as wrong). Anything on standard output that is
    not a result line (a training log, say) is ignored; a missing result is an error.
    """
    payload = "".join(json.dumps({"text": text}, ensure_ascii=False) + "\n" for text in texts)
    completed = subprocess.run(
        finbot_command(finbot), input=payload.encode("utf-8"), stdout=subprocess.PIPE, cwd=ROOT, check=False,
    )
    results = []
    for line in completed.stdout.decode("utf-8", "replace").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict) and "intent" in record:
            results.append(record)
    if len(results) != len(texts):
        raise RuntimeError(
            f"finbot parse gave {len(results)} results for {len(texts)} messages (exit status {completed.returncode})"
        )
    return results


def predicted_intent(result: Dict[str, Any]) -> str:
    if result.get("error") or not result.get("intent"):
        return ERROR
    return str(result["intent"])


def score(truth: Sequence[str], predicted: Sequence[str], top: int = 10) -> Report:
    """The figures for ``predicted`` against ``truth``; per-intent rows for the true intents only."""
    from sklearn.metrics import classification_report

    if not truth or len(truth) != len(predicted):
        raise ValueError("need one prediction per labelled message, and at least one message")
    labels = sorted(set(truth))
    table = classification_report(truth, predicted, labels=labels, output_dict=True, zero_division=0)
    per_intent = {
        label: IntentScore(table[label]["precision"], table[label]["recall"], table[label]["f1-score"],
                           int(table[label]["support"]))
        for label in labels
    }
    correct = sum(t == p for t, p in zip(truth, predicted))
    answered = [(t, p) for t, p in zip(truth, predicted) if p not in (FALLBACK, ERROR)]
    confused = Counter((t, p) for t, p in zip(truth, predicted) if t != p)
    return Report(
        examples=len(truth),
        accuracy=correct / len(truth),
        macro_f1=sum(s.f1 for s in per_intent.values()) / len(per_intent),
        fallback_rate=sum(p == FALLBACK for p in predicted) / len(truth),
        answered_accuracy=sum(t == p for t, p in answered) / len(answered) if answered else 0.0,
        errors=sum(p == ERROR for p in predicted),
        per_intent=per_intent,
        confused=[(t, p, n) for (t, p), n in sorted(confused.items(), key=lambda item: (-item[1], item[0]))[:top]],
    )


def format_report(report: Report) -> str:
    width = max(len("intent"), *(len(label) for label in report.per_intent))
    lines = [f"{'intent':<{width}}  precision  recall (accuracy)     f1  support"]
    for label, s in report.per_intent.items():
        lines.append(f"{label:<{width}}  {s.precision:9.3f}  {s.recall:16.3f}  {s.f1:5.3f}  {s.support:7d}")
    lines += [
        "",
        f"examples            {report.examples}",
        f"accuracy            {report.accuracy:.4f}",
        f"macro F1            {report.macro_f1:.4f}",
        f"fallback rate       {report.fallback_rate:.4f}  ({FALLBACK})",
        f"accuracy answered   {report.answered_accuracy:.4f}  (messages not sent to fallback)",
        f"parse errors        {report.errors}",
        "",
        "most confused (true -> predicted: count)",
    ]
    lines += [f"  {t} -> {p}: {n}" for t, p, n in report.confused] or ["  none"]
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_FILE, help="labelled messages (CSV or JSONL)")
    parser.add_argument("--json", type=Path, default=None, metavar="OUT", help="write the figures as JSON")
    parser.add_argument("--predictions", type=Path, default=None, metavar="OUT",
                        help="write each message's result as JSON lines (redacted text, truth, prediction)")
    parser.add_argument("--top", type=int, default=15, help="how many confused pairs to list")
    parser.add_argument("--finbot", type=Path, default=Path(sys.executable).with_name("finbot"),
                        help="the finbot command (default: the one beside this Python)")
    args = parser.parse_args(argv)

    cases = read_cases(args.file)
    if not cases:
        raise SystemExit(f"{args.file}: no labelled messages")
    results = parse_all([case.text for case in cases], args.finbot)
    predicted = [predicted_intent(result) for result in results]
    report = score([case.intent for case in cases], predicted, top=args.top)
    print(format_report(report))
    if args.json:
        args.json.write_text(json.dumps(report.as_dict(), indent=2) + "\n", encoding="utf-8")
    if args.predictions:
        with args.predictions.open("w", encoding="utf-8") as sink:
            for case, result, intent in zip(cases, results, predicted):
                record = {"redacted": result.get("redacted"), "true": case.intent, "predicted": intent,
                          "confidence": result.get("confidence")}
                sink.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
