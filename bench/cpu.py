"""Diagnostic: processor time per message in each server process, and where the Rasa process spends it.

Run from the repository root (not part of ``make bench``; the model must be trained, or ``finbot run``
trains it first)::

    .venv/bin/python -m bench.cpu [--messages 120] [--warmup 40] [--profile] [--stock]

Starts the assistant as ``make run`` does, sends the end-to-end mix one message
at a time (after a warm-up; a new conversation every ``--turns`` messages), and
reads each server process's processor time (user + system, all its threads)
from ``/proc`` before and after. Prints, per process, the milliseconds of
processor time per message, and the round trip at p50 and p99.

With ``--stock`` it also makes (once: ``rasa init``, a few minutes), starts
and measures a stock Rasa bot, the anchor: both bots get the stock bot's own
small talk, in turns, and it prints both round trips and processor times and
the ratio of the p50s.

With ``--profile`` it then sends the mix again with ``py-spy`` attached to the
Rasa process (sampling, busy samples only: a sampler costs the process little
and needs no change to it) and prints each place's share of the busy samples:
the dialogue policies, the intent classifier and its sentence encoder, the
redaction engine, the tracker store and the event broker, ... A place's share
counts every sample with one of its frames on the stack, so nested places
(the encoder inside the classifier) overlap. Writes ``bench/results/cpu.json``;
with ``--flame FILE``, the collapsed stacks too (input for any flame graph tool).
Only counts and times are recorded, never a message.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from bench import assistant as servers
from bench import stock
from bench.client import Exchange, new_session, send
from bench.machine import command_line, describe, now
from bench.messages import e2e_mix
from bench.stats import percentile

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "bench" / "results" / "cpu.json"
PY_SPY = Path(sys.executable).with_name("py-spy")
TICKS_PER_S = os.sysconf("SC_CLK_TCK")

# Samples that py-spy takes for busy but are a thread waiting: the event loop's own wait (uvloop, in C,
# under Sanic's serve) and an idle worker of a thread pool.
IDLE_LEAVES = ("serve (sanic/server/runners.py", "_worker (concurrent/futures/thread.py:81)",
               "wait (threading.py", "get (queue.py")
# Where a sample of the Rasa process is, by a marker in one of its frames ("function (file:line)").
PLACES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("TED policy", ("ted_policy.py",)),
    ("memoization and rule policies", ("memoization.py", "rule_policy.py")),
    ("policy ensemble and featurizers", ("ensemble.py", "featurizers/tracker_featurizers.py",
                                         "featurizers/single_state_featurizer.py")),
    ("intent classifier", ("bot/nlu/classifier.py", "bot/nlu/model.py")),
    ("  sentence encoder", ("bot/nlu/encoder.py",)),
    ("redaction engine", ("bot/privacy/",)),
    ("  spaCy", ("spacy/",)),
    ("tracker store (redacting wrapper and store)", ("bot/stores/tracker_store.py", "core/tracker_store.py")),
    ("  event broker", ("bot/stores/broker.py", "core/brokers/")),
    ("  SQLAlchemy", ("sqlalchemy/",)),
    ("actions (HTTP to the action server)", ("core/actions/action.py",)),
    ("TensorFlow (anywhere)", ("tensorflow/",)),
    ("logging", ("logging/__init__.py", "bot/logs.py")),
    ("Sanic and the channels", ("sanic/", "bot/channels/")),
)


@dataclass(frozen=True)
class Process:
    """A server process of the running assistant."""

    role: str
    pid: int

    def cpu_s(self) -> float:
        """User plus system time of all its threads so far, in seconds."""
        with open(f"/proc/{self.pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS_PER_S  # utime, stime (fields 14 and 15)


def server_processes(assistant: servers.Assistant) -> List[Process]:
    """The Rasa and action server processes of ``assistant`` (their command lines name its var/ folder)."""
    found = subprocess.run(["pgrep", "-f", str(assistant.var_dir)], capture_output=True, text=True).stdout.split()
    processes = []
    for pid in map(int, found):
        if pid in (os.getpid(), assistant.process.pid):
            continue
        try:
            words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        modules = [words[i + 1] for i, word in enumerate(words[:-1]) if word == b"-m"]
        role = {b"bot.action_server": "action server", b"rasa": "rasa", b"bot.rasa_launcher": "rasa"}.get(
            modules[0] if modules else b"", None)
        if role:
            processes.append(Process(role, pid))
    if sorted(process.role for process in processes) != ["action server", "rasa"]:
        raise servers.AssistantError(f"expected one Rasa and one action server process, found {processes}")
    return sorted(processes, key=lambda process: process.role != "rasa")


async def send_mix(webhook: str, texts: Sequence[str], turns: int, prefix: str) -> List[Exchange]:
    """Send ``texts`` one at a time; a new sender every ``turns`` messages."""
    async with new_session(1) as session:
        return [await send(session, webhook, f"{prefix}-{i // turns}", text) for i, text in enumerate(texts)]


def profile(pid: int, rate: int) -> Tuple[subprocess.Popen, Path]:
    """Start ``py-spy record`` on ``pid``, writing collapsed stacks; stop it with ``finish``."""
    if not PY_SPY.exists():
        raise SystemExit(f"{PY_SPY} is missing: make setup installs py-spy (a development dependency)")
    out = Path(tempfile.mkstemp(prefix="finbot-cpu-", suffix=".txt")[1])
    process = subprocess.Popen(
        [str(PY_SPY), "record", "--pid", str(pid), "--rate", str(rate), "--format", "raw", "--nonblocking",
         "--output", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(1.0)  # attached
    if process.poll() is not None:
        error = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"py-spy could not attach to the Rasa process: {error[-400:]}")
    return process, out


def finish(process: subprocess.Popen) -> None:
    process.send_signal(2)  # SIGINT: py-spy writes its file and exits
    process.wait(timeout=60)


def places(stacks: str) -> Tuple[int, Dict[str, int], Dict[str, int]]:
    """Busy samples in all; per place, the samples with one of its frames on the stack; per innermost
    frame of our code or a library's (file and function), the samples that end there."""
    total, found, leaves = 0, Counter[str](), Counter[str]()
    for line in stacks.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit() or stack.rsplit(";", 1)[-1].startswith(IDLE_LEAVES):
            continue
        total += int(count)
        for place, markers in PLACES:
            if any(marker in stack for marker in markers):
                found[place] += int(count)
        leaves[stack.rsplit(";", 1)[-1].split(":", 1)[0] + ")"] += int(count)
    return total, {place: found[place] for place, _ in PLACES}, dict(leaves.most_common(15))


def summary(exchanges: Sequence[Exchange], before: Dict[str, float], after: Dict[str, float],
            elapsed: float) -> Dict[str, object]:
    latencies = [exchange.latency_s * 1000 for exchange in exchanges]
    count = len(exchanges)
    return {
        "messages": count,
        "errors": sum(not exchange.ok for exchange in exchanges),
        "p50_ms": round(percentile(latencies, 0.5), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "messages_per_s": round(count / elapsed, 2),
        "cpu_ms_per_message": {role: round((after[role] - before[role]) * 1000 / count, 1) for role in before},
    }


def measure(args: argparse.Namespace) -> Dict[str, object]:
    texts = [line.text for line in e2e_mix(args.messages)]
    with tempfile.TemporaryDirectory(prefix="finbot-bench-cpu-") as tmp, \
            servers.running(Path(tmp)) as assistant:
        processes = server_processes(assistant)
        asyncio.run(send_mix(assistant.webhook, [line.text for line in e2e_mix(args.warmup, seed=11)],
                             args.turns, "warmup"))

        def cpu() -> Dict[str, float]:
            return {process.role: process.cpu_s() for process in processes}

        before, started = cpu(), time.monotonic()
        exchanges = asyncio.run(send_mix(assistant.webhook, texts, args.turns, "timed"))
        result: Dict[str, object] = {"timed": summary(exchanges, before, cpu(), time.monotonic() - started)}
        if args.profile:
            sampler, stacks_file = profile(processes[0].pid, args.rate)
            try:
                asyncio.run(send_mix(assistant.webhook, texts, args.turns, "profiled"))
            finally:
                finish(sampler)
            stacks = stacks_file.read_text(errors="replace")
            if args.flame:
                shutil.copyfile(stacks_file, args.flame)
            stacks_file.unlink()
            total, shares, leaves = places(stacks)
            per_message = 1000 / args.rate / len(texts)  # milliseconds of one sample, shared by the messages
            result["profile"] = {
                "busy_samples": total, "rate_hz": args.rate,
                "busy_ms_per_message": round(total * per_message, 1),
                "share": {place: round(count / max(total, 1), 3) for place, count in shares.items()},
                "ms_per_message_by_innermost_frame": {leaf: round(count * per_message, 2)
                                                      for leaf, count in leaves.items()},
            }
        if args.stock:
            result["small_talk"] = small_talk(assistant.webhook, processes, args)
    return result


def small_talk(webhook: str, processes: Sequence[Process], args: argparse.Namespace) -> Dict[str, object]:
    """The stock bot's own small talk, sent to it and to ours in turns (ours, stock, stock, ours, ...)."""
    texts = [stock.SMALL_TALK[i % len(stock.SMALL_TALK)] for i in range(args.small_talk)]
    with stock.running() as bot:
        anchor = [Process("stock rasa", bot.process.pid)]
        asyncio.run(send_mix(bot.webhook, texts[:args.warmup], args.turns, "warmup"))
        taken: Dict[str, List[Exchange]] = {"ours": [], "stock": []}
        spent: Dict[str, Dict[str, float]] = {"ours": {}, "stock": {}}
        elapsed = {"ours": 0.0, "stock": 0.0}
        for round_ in range(args.rounds):
            for name in (("ours", "stock") if round_ % 2 == 0 else ("stock", "ours")):
                measured = processes if name == "ours" else anchor
                url = webhook if name == "ours" else bot.webhook
                before, started = {p.role: p.cpu_s() for p in measured}, time.monotonic()
                taken[name] += asyncio.run(send_mix(url, texts, args.turns, f"talk{round_}"))
                elapsed[name] += time.monotonic() - started
                for process in measured:
                    spent[name][process.role] = spent[name].get(process.role, 0.0) + process.cpu_s() \
                        - before[process.role]
    figures = {name: summary(taken[name], {role: 0.0 for role in spent[name]}, spent[name], elapsed[name])
               for name in taken}
    ours, anchor_p50 = (percentile([e.latency_s for e in taken[name]], 0.5) for name in ("ours", "stock"))
    ratio = ours / anchor_p50
    return {**figures, "p50_ratio": round(ratio, 2)}


def report(result: Dict[str, object]) -> None:
    timed = result["timed"]
    assert isinstance(timed, dict)
    print(f"{timed['messages']} messages one at a time: p50 {timed['p50_ms']} ms, p99 {timed['p99_ms']} ms, "
          f"{timed['messages_per_s']} messages/s, {timed['errors']} errors")
    for role, ms in timed["cpu_ms_per_message"].items():
        print(f"  {role:<14} {ms:7.1f} ms of processor time per message")
    profiled = result.get("profile")
    if isinstance(profiled, dict):
        print(f"Rasa process, {profiled['busy_samples']} busy samples at {profiled['rate_hz']} Hz "
              f"({profiled['busy_ms_per_message']} ms per message), share by place:")
        for place, share in profiled["share"].items():
            print(f"  {place:<46} {share * 100:5.1f} %")
        print("where the samples end (ms per message):")
        for leaf, ms in profiled["ms_per_message_by_innermost_frame"].items():
            print(f"  {ms:6.2f}  {leaf}")
    talk = result.get("small_talk")
    if isinstance(talk, dict):
        print(f"small talk (the stock bot's own), one at a time: ours/stock p50 = {talk['p50_ratio']}")
        for name in ("ours", "stock"):
            figures = talk[name]
            print(f"  {name:<6} p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms, processor time per message "
                  + ", ".join(f"{role} {ms} ms" for role, ms in figures["cpu_ms_per_message"].items()))


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=120)
    parser.add_argument("--warmup", type=int, default=40)
    parser.add_argument("--turns", type=int, default=6, help="messages per conversation")
    parser.add_argument("--profile", action="store_true", help="then sample the Rasa process with py-spy")
    parser.add_argument("--rate", type=int, default=250, help="py-spy samples per second")
    parser.add_argument("--flame", type=Path, help="write py-spy's collapsed stacks here")
    parser.add_argument("--stock", action="store_true",
                        help="then a stock `rasa init` bot and ours, in turns, on the stock bot's small talk")
    parser.add_argument("--small-talk", type=int, default=60, help="small-talk messages per round and bot")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    result = {"benchmark": "cpu", "machine": describe(), "command": command_line(), "started": now(), **measure(args)}
    report(result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
