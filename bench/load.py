"""Load test: hundreds of simulated users in multi-turn conversations, then a check of the tracker store.

Run from the repository root::

    .venv/bin/python -m bench.load [--users 200] [--duration 120] [--think 3-10] [--ramp 20]

It starts the assistant as ``make run`` does (redaction on; its own var/ folder
and free loopback ports). First the baseline: one user alone, one pass over
every conversation. Then ``--users`` users (async, aiohttp), each with its own
sender id, holding conversations for ``--duration`` seconds, one after the
other: greetings and questions, three forms filled over several turns (budget,
savings goal, emergency fund), transfers with confirmation (one to a typed
account number, which goes through the vault), and some oversharing. A user
waits for the reply, then "thinks" for a random time in ``--think`` before its
next message. Users start spread over ``--ramp`` seconds; none starts a new
message after the duration; a reply is awaited at most 120 s, so the run stops
by itself.

Then it stops the servers, reads the run's tracker store (``var/tracker.db``)
and checks that every answered message of every user is there, in order, once
(``bench/completeness.py``), and that no fake identifier was stored as typed.
It prints errors, p50/p99 latency and throughput (with the baseline's), writes
``bench/results/load.json``, and exits 1 if the store check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import aiohttp

from bench import assistant as servers
from bench.client import REQUEST_TIMEOUT_S, Exchange, new_session, send, sent_by_sender
from bench.completeness import check_store
from bench.machine import command_line, describe, now
from bench.messages import SCRIPTS, UserScript
from bench.stats import percentile, summarize

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "bench" / "results" / "load.json"
TIMELINE_BUCKET_S = 10.0
TRANSFER_DONE = "Done: £"  # the start of the transfer action's reply once the money has moved


def think_range(text: str) -> Tuple[float, float]:
    """``"2-6"`` -> (2.0, 6.0); ``"3"`` -> (3.0, 3.0)."""
    low, _, high = text.partition("-")
    bounds = (float(low), float(high or low))
    if bounds[0] < 0 or bounds[1] < bounds[0]:
        raise argparse.ArgumentTypeError(f"--think wants MIN-MAX seconds, got {text!r}")
    return bounds


class Recorder:
    """Every exchange of the run, and the values typed in each text (for the store check)."""

    def __init__(self) -> None:
        self.exchanges: List[Exchange] = []
        self.values: Dict[str, Tuple[str, ...]] = {}


async def simulated_user(number: int, webhook: str, session: aiohttp.ClientSession, start_at: float, deadline: float,
                         think: Tuple[float, float], tag: str, recorder: Recorder) -> None:
    """One user: conversations one after the other until ``deadline``, a think time after every reply."""
    script = UserScript(number)
    rng = random.Random(number)
    sender = f"load-{tag}-u{number:03d}"
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    while time.monotonic() < deadline:
        for line in script.conversation():
            if time.monotonic() >= deadline:
                return
            recorder.values[line.text] = line.values
            recorder.exchanges.append(await send(session, webhook, sender, line.text))
            await asyncio.sleep(rng.uniform(*think))


async def baseline(webhook: str, tag: str, recorder: Recorder) -> List[Exchange]:
    """One user alone on the idle server: every conversation once, no think time.

    Each conversation under a sender id of its own, as the load's users hold theirs: one sender sending 28
    messages without pause is what the per-sender rate limit (20 at once, then one a second) refuses."""
    script = UserScript(10_000)
    exchanges: List[Exchange] = []
    async with new_session(1) as session:
        for number, _ in enumerate(SCRIPTS):
            for line in script.conversation():
                recorder.values[line.text] = line.values
                exchanges.append(await send(session, webhook, f"load-{tag}-solo-{number}", line.text))
    recorder.exchanges += exchanges
    return exchanges


async def load(webhook: str, users: int, duration: float, think: Tuple[float, float], ramp: float, tag: str,
               recorder: Recorder) -> Tuple[List[Exchange], float]:
    """Run every user; the exchanges of the load phase and its wall time (first send to last reply)."""
    first = len(recorder.exchanges)
    began = time.monotonic()
    deadline = began + duration
    async with new_session(users) as session:
        tasks = [simulated_user(n, webhook, session, began + ramp * n / max(users, 1), deadline, think, tag,
                                recorder) for n in range(users)]
        # Bounded: nobody sends after the deadline, and a reply is awaited at most REQUEST_TIMEOUT_S.
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=duration + REQUEST_TIMEOUT_S + think[1] + 30)
    exchanges = recorder.exchanges[first:]
    ended = max((e.started + e.latency_s for e in exchanges), default=began)
    return exchanges, ended - began


def timeline(exchanges: Sequence[Exchange], began: float) -> List[Dict[str, Optional[float]]]:
    """Per 10-second window of the run (by reply time): messages answered, errors, p50 latency."""
    buckets: Dict[int, List[Exchange]] = {}
    for exchange in exchanges:
        buckets.setdefault(int((exchange.started + exchange.latency_s - began) // TIMELINE_BUCKET_S), []).append(
            exchange)
    rows: List[Dict[str, Optional[float]]] = []
    for index in sorted(buckets):
        answered = [e.latency_s * 1000 for e in buckets[index] if e.ok and not e.refused]
        rows.append({"from_s": index * TIMELINE_BUCKET_S, "answered": len(answered),
                     "errors": len(buckets[index]) - len(answered),
                     "p50_ms": round(percentile(answered, 0.5), 1) if answered else None})
    return rows


def describe_summary(name: str, figures: Dict[str, float]) -> str:
    return (f"{name:<9} {figures['messages']:>6} answered {figures['errors']:>4} errors   p50 "
            f"{figures['p50_ms']:>8.1f} ms   p99 {figures['p99_ms']:>8.1f} ms   {figures['per_second']:>6.2f} msg/s")


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--users", type=int, default=200, help="simulated users (default 200)")
    parser.add_argument("--duration", type=float, default=120.0, help="seconds of load (default 120)")
    # Reading a reply and typing the next message.
    parser.add_argument("--think", type=think_range, default=(3.0, 10.0),
                        help="seconds a user waits after a reply, MIN-MAX (default 3-10)")
    parser.add_argument("--ramp", type=float, default=20.0, help="seconds over which users start (default 20)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON results (default bench/results/load.json)")
    args = parser.parse_args(argv)

    started_at, machine = now(), describe()
    tag = time.strftime("%H%M%S")
    print(f"load: {args.users} users for {args.duration:.0f} s, think {args.think[0]:g}-{args.think[1]:g} s, "
          f"ramp {args.ramp:g} s; load average {machine['load_average']}", flush=True)
    recorder = Recorder()
    with tempfile.TemporaryDirectory(prefix="finbot-bench-load-") as tmp:
        began = time.monotonic()
        assistant = servers.start(Path(tmp) / "assistant")
        try:
            print(f"server ready in {time.monotonic() - began:.0f} s", flush=True)
            solo = asyncio.run(baseline(assistant.webhook, tag, recorder))
            solo_wall = sum(e.latency_s for e in solo)
            print(f"baseline: {len(solo)} messages from one user alone", flush=True)
            load_began = time.monotonic()
            exchanges, wall = asyncio.run(load(assistant.webhook, args.users, args.duration, args.think, args.ramp,
                                               tag, recorder))
            print(f"load: {len(exchanges)} messages in {wall:.0f} s", flush=True)
        finally:
            servers.stop(assistant)
        store = check_store(assistant.tracker_db, sent_by_sender(recorder.exchanges, recorder.values))

    def figures(batch: Sequence[Exchange], seconds: float) -> Dict[str, float]:
        answered = [e.latency_s for e in batch if e.ok and not e.refused]
        return summarize(answered, len(batch) - len(answered), seconds).as_dict()

    solo_figures, load_figures = figures(solo, solo_wall), figures(exchanges, wall)
    failures: Dict[str, int] = {}
    for exchange in exchanges:
        if not exchange.ok or exchange.refused:
            kind = "refused" if exchange.refused else exchange.error or "error"
            failures[kind] = failures.get(kind, 0) + 1
    empty = sum(1 for e in exchanges if e.ok and not e.replies)
    transfers = sum(1 for e in exchanges if e.ok and TRANSFER_DONE in e.reply_text)
    print()
    print(describe_summary("baseline", solo_figures) + "   (one user alone, before the load)")
    print(describe_summary("load", load_figures) + f"   ({args.users} users)")
    print(f"errors by kind: {failures or 'none'}; answered with no bot message: {empty}; "
          f"transfers done: {transfers}")
    print()
    print("\n".join(store.lines()))
    document = {
        "benchmark": "load", "command": command_line(argv), "started": started_at, "finished": now(),
        "machine": machine, "load_average_after": describe()["load_average"],
        "settings": {"users": args.users, "duration_s": args.duration, "think_s": list(args.think),
                     "ramp_s": args.ramp, "conversations": [script.__name__.strip("_") for script in SCRIPTS]},
        "baseline": solo_figures, "load": load_figures, "errors_by_kind": failures,
        "answered_without_bot_message": empty, "transfers_done": transfers, "senders": args.users + 1,
        "timeline": timeline(exchanges, load_began), "store": store.as_dict(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(document, indent=2) + "\n")
    print(f"\nwritten: {args.out}")
    return 0 if store.ok and not store.raw_values else 1


if __name__ == "__main__":
    sys.exit(main())
