"""Diagnostic: where the redaction engine's time goes in the running assistant, by place, per message.

Run from the repository root (not part of ``make bench``)::

    .venv/bin/python -m bench.where [--messages 48]

Starts the assistant (redaction on) with ``bench/where_site`` on its
PYTHONPATH, which counts every detection call (the spaCy and recognizer pass)
in each server process by the place that asked: the channel gate, the NLU
step, the tracker store, the event broker, the action server, the logs. Sends
the end-to-end mix one message at a time (after a warm-up) and prints, per
message, the calls, how many of them the engine answered from its memory of
texts it had already seen, and the milliseconds each place spent. Writes
``bench/results/where.json``. Only counts and times are recorded.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from bench import assistant as servers
from bench.client import new_session, send
from bench.machine import command_line, describe, now
from bench.messages import e2e_mix
from bench.stats import percentile

REPO = Path(__file__).resolve().parents[1]
SITE = Path(__file__).resolve().parent / "where_site"
DEFAULT_OUT = REPO / "bench" / "results" / "where.json"
DUMP_WAIT_S = 5.0  # the hook writes its counts every 2 s


def read_counts(prefix: Path) -> Dict[str, List[float]]:
    """Calls, seconds and calls answered from memory by place, summed over the server processes."""
    total: Dict[str, List[float]] = {}
    for path in prefix.parent.glob(prefix.name + ".*"):
        for place, counted in json.loads(path.read_text() or "{}").items():
            entry = total.setdefault(place, [0, 0.0, 0])
            for index, figure in enumerate(counted):
                entry[index] += figure
    return total


async def converse(webhook: str, count: int, seed: int, prefix: str) -> List[float]:
    latencies = []
    async with new_session(1) as session:
        for index, line in enumerate(e2e_mix(count, seed=seed)):
            exchange = await send(session, webhook, f"{prefix}-{index // 4}", line.text)
            latencies.append(exchange.latency_s)
    return latencies


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--messages", type=int, default=48, help="messages measured (default 48)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON results (default bench/results/where.json)")
    args = parser.parse_args(argv)
    started_at, machine = now(), describe()
    with tempfile.TemporaryDirectory(prefix="finbot-bench-where-") as tmp:
        prefix = Path(tmp) / "counts"
        os.environ["FINBOT_WHERE_OUT"] = str(prefix)
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SITE), os.environ.get("PYTHONPATH")]))
        assistant = servers.start(Path(tmp) / "assistant")
        try:
            asyncio.run(converse(assistant.webhook, 8, 1, "warmup"))
            time.sleep(DUMP_WAIT_S)
            before = read_counts(prefix)
            latencies = asyncio.run(converse(assistant.webhook, args.messages, 7, "where"))
            time.sleep(DUMP_WAIT_S)
            after = read_counts(prefix)
        finally:
            servers.stop(assistant)
    places = {}
    for place, (calls, seconds, remembered) in after.items():
        calls0, seconds0, remembered0 = before.get(place, [0, 0.0, 0])
        places[place] = {"calls_per_message": round((calls - calls0) / args.messages, 2),
                         "remembered_per_message": round((remembered - remembered0) / args.messages, 2),
                         "ms_per_message": round((seconds - seconds0) * 1000 / args.messages, 2)}
    places = dict(sorted(places.items(), key=lambda item: -item[1]["ms_per_message"]))
    p50 = percentile(latencies, 0.5) * 1000
    print(f"{args.messages} messages one at a time; round trip p50 {p50:.0f} ms; load average "
          f"{machine['load_average']}\n")
    print(f"{'place':<16} {'calls/msg':>10} {'remembered':>11} {'ms/msg':>8}")
    for place, figures in places.items():
        print(f"{place:<16} {figures['calls_per_message']:>10.2f} {figures['remembered_per_message']:>11.2f} "
              f"{figures['ms_per_message']:>8.1f}")
    print(f"{'all':<16} {sum(f['calls_per_message'] for f in places.values()):>10.2f} "
          f"{sum(f['remembered_per_message'] for f in places.values()):>11.2f} "
          f"{sum(f['ms_per_message'] for f in places.values()):>8.1f}")
    document = {"benchmark": "where", "command": command_line(argv), "started": started_at, "finished": now(),
                "machine": machine, "messages": args.messages, "round_trip_p50_ms": round(p50, 1),
                "places": places}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(document, indent=2) + "\n")
    print(f"\nwritten: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
