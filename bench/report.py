"""Write ``docs/benchmarks.md`` and ``docs/benchmarks-latency.png`` from the benchmarks' JSON results.

Run from the repository root, after the benchmarks (``make bench`` runs all)::

    .venv/bin/python -m bench.report [--results bench/results] [--docs docs]

Every figure comes from ``bench/results/{redaction,e2e,load}.json``, each of
which records the machine it was measured on (read when it ran) and the
command that produced it; a missing file leaves its section saying how to
produce it. Nothing here is typed by hand.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from bench.machine import describe, now

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
DOCS = REPO / "docs"
PLOT_NAME = "benchmarks-latency.png"
COMMANDS = {"redaction": ".venv/bin/python -m bench.redaction", "e2e": ".venv/bin/python -m bench.e2e",
            "load": ".venv/bin/python -m bench.load", "where": ".venv/bin/python -m bench.where",
            "cpu": ".venv/bin/python -m bench.cpu --profile --stock"}


def load_results(folder: Path) -> Dict[str, Dict[str, Any]]:
    """The JSON results found in ``folder``, by benchmark name."""
    found = {}
    for name in COMMANDS:
        path = folder / f"{name}.json"
        if path.exists():
            found[name] = json.loads(path.read_text())
    return found


def fmt(value: Any, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def pct(value: Optional[float]) -> str:
    return "–" if value is None else f"{value * 100:+.1f} %"


def table(header: Sequence[str], rows: Sequence[Sequence[str]], right_from: int = 1) -> List[str]:
    align = ["---" if i < right_from else "---:" for i in range(len(header))]
    return ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |",
            *("| " + " | ".join(row) + " |" for row in rows)]


def machine_section(results: Dict[str, Dict[str, Any]]) -> List[str]:
    """The machine each benchmark ran on (recorded by it), and this report's own."""
    lines = ["## Machine", ""]
    machines = {name: r["machine"] for name, r in results.items() if "machine" in r}
    current = describe()
    # The end-to-end run's machine first: its figures are the ones this page is mostly about.
    reference = machines.get("e2e") or next(iter(machines.values()), current)
    packages = reference.get("packages") or {}
    lines += table(["", ""], [
        ["processors (`nproc`)", fmt(reference.get("nproc"))],
        ["memory", f"{fmt(reference.get('memory_gb'))} GB"],
        ["CPU model", fmt(reference.get("cpu_model"))],
        ["OS", fmt(reference.get("os"))],
        ["Python", fmt(reference.get("python"))],
        ["packages", ", ".join(f"{name} {version}" for name, version in packages.items() if version)],
    ], right_from=2)
    lines.append("")
    if machines:
        lines += ["Load average (1, 5, 15 min) when each benchmark started, and its code:", ""]
        lines += table(["benchmark", "started", "load average", "commit"], [
            [name, fmt(results[name].get("started") or results[name].get("finished")),
             ", ".join(fmt(v, 2) for v in m.get("load_average") or []), fmt(m.get("commit"))]
            for name, m in machines.items()], right_from=4)
        lines.append("")
    differs = [name for name, m in machines.items()
               if (m.get("nproc"), m.get("cpu_model"), m.get("memory_gb")) !=
               (current["nproc"], current["cpu_model"], current["memory_gb"])]
    if differs:
        lines += [f"Measured on another machine than this report was written on: {', '.join(differs)}.", ""]
    return lines


def redaction_section(result: Optional[Dict[str, Any]]) -> List[str]:
    lines = ["## Redaction engine", ""]
    if result is None:
        return [*lines, f"Not measured yet: `{COMMANDS['redaction']}`.", ""]
    settings = result["settings"]
    lines += [f"Per message, one thread, the engines taking turns on each of {settings['messages']} messages of "
              f"the PII development set ({settings['rounds']} round(s), after {settings['warm_up']} warm-up "
              "messages). `stock` is Presidio's own analyzer and anonymizer with its predefined recognizers on "
              "the same spaCy model: the baseline measured in the same run.", ""]
    lines += table(["engine", "p50 ms", "p99 ms", "mean ms", "messages/s"], [
        [name, fmt(f["p50_ms"], 2), fmt(f["p99_ms"], 2), fmt(f["mean_ms"], 2), fmt(f["per_second"], 1)]
        for name, f in result["results"].items()])
    ratio, targets = result["ratio_ours_stock"], result["targets"]
    ours = result["results"]["ours"]
    lines += ["", f"Ours takes {ratio['p50']:.2f} of stock Presidio's time at p50 ({ratio['mean']:.2f} of its mean). "
              f"Targets: p50 ≤ {targets['p50_ms']:g} ms ({verdict(ours['p50_ms'] <= targets['p50_ms'])}), "
              f"p99 ≤ {targets['p99_ms']:g} ms ({verdict(ours['p99_ms'] <= targets['p99_ms'])}), ratio ≤ "
              f"{targets['ratio']:g} ({verdict(max(ratio['p50'], ratio['mean']) <= targets['ratio'])}).", "",
              f"Command: `{result['command']}`", ""]
    return lines


def verdict(passed: bool) -> str:
    return "met" if passed else "**not met**"


def per_level(settings: Dict[str, Any]) -> str:
    """How many messages each level got: "120", or "120 (at least 8 per client: 256 at 32 clients)"."""
    counts = settings.get("messages_at_level") or {}
    more = {level: count for level, count in counts.items() if count != settings["messages_per_level"]}
    if not more:
        return fmt(settings["messages_per_level"])
    at = ", ".join(f"{fmt(count)} at {level} clients" for level, count in more.items())
    least = settings.get("messages_per_client", "?")
    return f"{fmt(settings['messages_per_level'])} (at least {least} per client: {at})"


def e2e_section(result: Optional[Dict[str, Any]], plot: Optional[str]) -> List[str]:
    lines = ["## End to end: REST round trip, redaction on and off", ""]
    if result is None:
        return [*lines, f"Not measured yet: `{COMMANDS['e2e']}`.", ""]
    s = result["settings"]
    lines += [f"The whole assistant (`finbot run`: Rasa server and action server) twice, side by side: as shipped, "
              "and with `FINBOT_UNSAFE_NO_REDACTION=1`, the baseline, which differs only in that every redaction "
              "step passes text through unchanged. The same fixed mix of messages to both (greetings, balance and "
              "spending questions, budget questions; 5 in 12 with fake identifiers), "
              f"{per_level(s)} per concurrency level and setting, in {s['rounds']} rounds that alternate "
              f"the settings, after {s['warmup']} warm-up messages each; a conversation is "
              f"{s['turns_per_conversation']} messages. Latency is from sending the request to reading the whole "
              "reply, on loopback.", ""]
    rows = []
    for setting in ("on", "off"):
        for level, f in (result["results"].get(setting) or {}).items():
            rows.append([setting, level, fmt(f["messages"]), fmt(f["errors"]), fmt(f["p50_ms"]), fmt(f["p99_ms"]),
                         fmt(f["per_second"], 2)])
    lines += table(["redaction", "concurrent clients", "messages", "errors", "p50 ms", "p99 ms", "messages/s"],
                   rows, right_from=1)
    overheads = result.get("overhead") or {}
    if overheads:
        goal = result["goal_p50_overhead"]
        lines += ["", f"What redaction adds (goal: at most +{goal * 100:.0f} % at p50):", ""]
        lines += table(["concurrent clients", "p50", "p99", "throughput", f"p50 goal (≤ +{goal * 100:.0f} %)"], [
            [level, pct(o["p50"]), pct(o["p99"]), pct(o["per_second"]), verdict(o["p50"] <= goal)]
            for level, o in overheads.items()])
    checks = result.get("checks") or {}
    if checks:
        lines += ["", "Checked in the same run: fake identifiers found as typed in the tracker store: "
                  + ", ".join(f"redaction {k} {fmt(c.get('raw_values_stored'))}" for k, c in checks.items())
                  + "; the servers' \"redaction is OFF\" warnings: "
                  + ", ".join(f"redaction {k} {fmt(c.get('warnings_logged'))}" for k, c in checks.items())
                  + "; every answered message stored once and in order: "
                  + ", ".join(f"redaction {k} {'yes' if c.get('ok') else '**no**'}" for k, c in checks.items())
                  + "."]
    if plot:
        lines += ["", f"![Latency against concurrency, redaction on and off]({plot})"]
    lines += ["", f"Command: `{result['command']}`", ""]
    return lines


def load_section(result: Optional[Dict[str, Any]]) -> List[str]:
    lines = ["## Load: simulated users in multi-turn conversations", ""]
    if result is None:
        return [*lines, f"Not measured yet: `{COMMANDS['load']}`.", ""]
    s = result["settings"]
    lines += [f"{s['users']} simulated users (async, one sender id each) holding conversations for "
              f"{s['duration_s']:g} s against one assistant with redaction on, starting over {s['ramp_s']:g} s, "
              f"each waiting {s['think_s'][0]:g}–{s['think_s'][1]:g} s after every reply. Conversations, in turn: "
              f"{', '.join(name.replace('_', ' ') for name in s['conversations'])}. The baseline, in the same run "
              "before the load, is one user alone going through every conversation once.", ""]
    rows = [[name, fmt(f["messages"]), fmt(f["errors"]), fmt(f["p50_ms"]), fmt(f["p99_ms"]), fmt(f["max_ms"]),
             fmt(f["per_second"], 2)] for name, f in (("one user alone", result["baseline"]),
                                                      (f"{s['users']} users", result["load"]))]
    lines += table(["", "answered", "errors", "p50 ms", "p99 ms", "max ms", "messages/s"], rows)
    errors = result.get("errors_by_kind") or {}
    lines += ["", f"Errors by kind: {', '.join(f'{k} {v}' for k, v in errors.items()) or 'none'}. "
              f"Transfers confirmed and done during the load: {fmt(result.get('transfers_done'))}; "
              f"answers with no bot message: {fmt(result.get('answered_without_bot_message'))}."]
    store = result["store"]
    lines += ["", "Afterwards, the run's tracker store against what the client sent (`bench/completeness.py`):", ""]
    lines += table(["", ""], [
        ["user messages stored", fmt(store["stored"])], ["messages answered", fmt(store["answered"])],
        ["lost", fmt(store["lost"])], ["duplicated", fmt(store["duplicated"])],
        ["out of order", fmt(store["out_of_order"])], ["unexpected", fmt(store["unexpected"])],
        ["stored with the text dropped", fmt(store.get("emptied"))],
        ["refused by the channel but stored", fmt(store.get("refused_but_stored"))],
        ["failed requests stored anyway / not stored",
         f"{fmt(store['failed_stored'])} / {fmt(store['failed_not_stored'])}"],
        ["fake identifiers found as typed", fmt(store["raw_values_stored"])],
        ["complete", "yes" if store["ok"] else "**no**"],
    ], right_from=1)
    timeline = result.get("timeline") or []
    if timeline:
        lines += ["", "Over time (by reply time, 10-second windows):", ""]
        lines += table(["from s", "answered", "errors", "p50 ms"], [
            [fmt(row["from_s"], 0), fmt(row["answered"]), fmt(row["errors"]), fmt(row["p50_ms"])]
            for row in timeline])
    lines += ["", f"Command: `{result['command']}`", ""]
    return lines


def where_section(result: Optional[Dict[str, Any]]) -> List[str]:
    """The diagnostic (not part of ``make bench``): detection calls and time per message, by place."""
    if result is None:
        return []
    lines = ["## Where redaction's time goes (diagnostic)", "",
             f"The redaction engine's detection calls (the recognizers and spaCy pass) counted in both server "
             f"processes by the place that asked, over {result['messages']} messages of the end-to-end mix sent "
             f"one at a time (round trip p50 {fmt(result['round_trip_p50_ms'])} ms in that run). Time is wall "
             "time inside the call, so it includes waiting for a processor on a busy machine. \"From memory\" "
             "counts the calls the engine answered from what it found in the same text before (in any "
             "conversation; `limits.remembered_texts` in the policy): bot replies, and questions such as "
             "\"what's my balance\", come back again and again.", ""]
    places = result["places"]
    lines += table(["place", "detection calls per message", "of them from memory", "ms per message"], [
        [place, fmt(f["calls_per_message"], 2), fmt(f.get("remembered_per_message"), 2), fmt(f["ms_per_message"], 1)]
        for place, f in places.items()])
    lines += ["", f"Command: `{result['command']}`", ""]
    return lines


def cpu_section(result: Optional[Dict[str, Any]]) -> List[str]:
    """Processor time per message, by process and by place, and the stock bot beside ours (``make bench``)."""
    if result is None:
        return []
    timed = result["timed"]
    lines = ["## Processor time per message (diagnostic)", "",
             f"The end-to-end mix, {timed['messages']} messages sent one at a time: round trip p50 "
             f"{fmt(timed['p50_ms'])} ms, p99 {fmt(timed['p99_ms'])} ms. Processor time (user and system, all "
             "threads) of each server process, read from `/proc` before and after.", ""]
    lines += table(["process", "ms of processor time per message"],
                   [[role, fmt(ms)] for role, ms in timed["cpu_ms_per_message"].items()])
    talk = result.get("small_talk")
    if talk:
        lines += ["", "The anchor: a stock `rasa init` bot (Rasa's default pipeline and policies) and ours, in "
                  "turns in the same run, on the stock bot's own small talk, one message at a time.", ""]
        lines += table(["bot", "p50 ms", "p99 ms", "ms of processor time per message"], [
            [name, fmt(talk[name]["p50_ms"]), fmt(talk[name]["p99_ms"]),
             ", ".join(f"{role} {fmt(ms)}" for role, ms in talk[name]["cpu_ms_per_message"].items())]
            for name in ("ours", "stock")])
        lines += ["", f"Ours against stock at p50: {fmt(talk['p50_ratio'], 2)}x.", ""]
    profile = result.get("profile")
    if profile:
        lines += [""] if lines[-1] else []
        lines += [f"Where the Rasa process's busy time goes (py-spy, {profile['rate_hz']} samples a second, "
                  f"{fmt(profile['busy_ms_per_message'])} ms of busy samples per message; a place counts every "
                  "sample with one of its frames on the stack, so nested places overlap):", ""]
        shares = profile["share"].items()
        lines += table(["place", "share"], [[place, f"{share * 100:.1f} %"] for place, share in shares])
    lines += ["", f"Command: `{result['command']}`", ""]
    return lines


def plot_latency(result: Dict[str, Any], path: Path) -> bool:
    """p50 and p99 against concurrency, redaction on and off; False if there is nothing to plot."""
    import matplotlib

    matplotlib.use("Agg")  # no display: write the file only; chosen before pyplot is imported
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    series = result.get("results") or {}
    if not series:
        return False
    figure, axes = plt.subplots(figsize=(7, 4.2), dpi=120)
    styles = {"on": ("tab:blue", "redaction on"), "off": ("tab:orange", "redaction off (baseline)")}
    for setting, by_level in series.items():
        levels = sorted(by_level, key=int)
        x = [int(level) for level in levels]
        color, label = styles.get(setting, ("tab:gray", setting))
        axes.plot(x, [by_level[level]["p50_ms"] for level in levels], marker="o", color=color, label=f"{label}, p50")
        axes.plot(x, [by_level[level]["p99_ms"] for level in levels], marker="s", linestyle="--", color=color,
                  label=f"{label}, p99")
    levels_all = sorted({int(level) for by_level in series.values() for level in by_level})
    axes.set_xscale("log", base=2)
    axes.set_yscale("log")
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
    # Between the powers of ten, only 2 and 5 (x100, x1000 ...) are labelled: all of them would overlap.
    axes.yaxis.set_minor_formatter(FuncFormatter(
        lambda value, _: f"{value:,.0f}" if f"{value:.0e}"[0] in "25" else ""))
    axes.set_xticks(levels_all, [str(level) for level in levels_all])
    axes.set_xlabel("concurrent clients")
    axes.set_ylabel("round-trip latency (ms, log scale)")
    axes.set_title("REST round trip: latency against concurrency")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
    return True


def render(results: Dict[str, Dict[str, Any]], plot: Optional[str]) -> str:
    lines = [
        "# Benchmarks", "",
        f"Written by `.venv/bin/python -m bench.report` on {now()} from `bench/results/*.json`; "
        "do not edit by hand. `make bench` measures everything again and rewrites this page (redaction, end to "
        "end, processor time with the stock bot beside ours, load, then this report). Every figure below was "
        "measured in one run of its benchmark, with its baseline measured in the same run.", "",
        "The machine is shared with other work: the load average when each benchmark started is shown, and "
        "figures measured under load are slower than on an idle machine.", "",
    ]
    lines += machine_section(results)
    lines += redaction_section(results.get("redaction"))
    lines += e2e_section(results.get("e2e"), plot)
    lines += load_section(results.get("load"))
    lines += where_section(results.get("where"))
    lines += cpu_section(results.get("cpu"))
    return "\n".join(lines).rstrip() + "\n"


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder of the JSON results")
    parser.add_argument("--docs", type=Path, default=DOCS, help="where to write benchmarks.md and the plot")
    args = parser.parse_args(argv)
    results = load_results(args.results)
    if not results:
        print(f"no results in {args.results}: run the benchmarks first (make bench)", file=sys.stderr)
        return 1
    plot = None
    if "e2e" in results and plot_latency(results["e2e"], args.docs / PLOT_NAME):
        plot = PLOT_NAME
    page = args.docs / "benchmarks.md"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(render(results, plot))
    print(f"written: {page}" + (f", {args.docs / PLOT_NAME}" if plot else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
