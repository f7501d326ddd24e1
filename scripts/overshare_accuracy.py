"""Measure how well intents survive oversharing: the same questions, clean and with identifier clauses added.

For every labelled message (by default ``eval/banking77_heldout.csv``) it makes
one overshared copy: one to three clauses of fake identifiers (a card number,
an account number with a sort code, a name, an e-mail address, an IBAN, a phone
number) put at the start, in the middle or at the end, the way customers type
them into a chat box. Both sets go through ``finbot parse --jsonl`` (redaction,
then the trained model), as ``scripts/intent_accuracy.py`` sends them, and it
prints the accuracy of each, the difference, the fallback rates, and how many
messages understood when clean were sent to fallback once overshared.

The clauses are written here, apart from the training data's (``scripts/
overshare_data.py``): no phrasing is shared, so the figure says how the model
generalises, not whether it remembers. Every value is fake (Faker, seeded) and
never printed. The same seed gives the same messages.

Usage: .venv/bin/python scripts/overshare_accuracy.py [FILE] [--json OUT] [--seed N]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from faker import Faker

sys.path.insert(0, str(Path(__file__).resolve().parent))
from intent_accuracy import DEFAULT_FILE, ERROR, FALLBACK, Case, parse_all, predicted_intent, read_cases, score

SEED = 2026
POSITIONS = ("start", "middle", "end")


def _sort_code(fake: Faker) -> str:
    return "-".join(fake.numerify("##") for _ in range(3))


def _phone(fake: Faker) -> str:
    return fake.random_element([f"07700 900{fake.numerify('###')}",  # numbers set aside for drama
                                f"({fake.numerify('2##')}) 555-01{fake.numerify('##')}",
                                f"+44 20 7946 0{fake.numerify('###')}"])


# Clauses as people put them before, inside or after a question; {} marks where the value goes.
CLAUSES: Tuple[Tuple[str, Callable[[Faker], str]], ...] = (
    ("card {}", lambda fake: fake.credit_card_number(card_type="visa16")),
    ("using my card ending... actually the full number is {}",
     lambda fake: fake.credit_card_number(card_type="mastercard")),
    ("acct {} sort code {}", lambda fake: fake.numerify("########") + "\0" + _sort_code(fake)),
    ("account no {} / sc {}", lambda fake: fake.numerify("########") + "\0" + _sort_code(fake)),
    ("{} here", lambda fake: fake["en_GB"].name()),
    ("name on the account is {}", lambda fake: fake["en_US"].name()),
    ("reach me at {}", lambda fake: fake.email()),
    ("email: {}", lambda fake: fake.free_email()),
    ("iban {}", lambda fake: fake["en_GB"].iban()),
    ("my IBAN is {} btw", lambda fake: fake["de_DE"].iban()),
    ("tel {}", _phone),
    ("you can ring me on {}", _phone),
)


def clause(fake: Faker, rng: random.Random) -> str:
    template, value = rng.choice(CLAUSES)
    return template.format(*value(fake).split("\0"))


def overshare(text: str, fake: Faker, rng: random.Random) -> Tuple[str, str]:
    """``text`` with one to three identifier clauses at a random place, and the place's name."""
    clauses = " and ".join(clause(fake, rng) for _ in range(rng.choice((1, 1, 1, 2, 2, 3))))
    position = rng.choice(POSITIONS)
    if position == "start":
        return f"{clauses}. {text}", position
    if position == "end":
        return f"{text.rstrip()} ({clauses})", position
    words = text.split()
    cut = max(1, len(words) // 2)
    return " ".join([*words[:cut], f"- {clauses} -", *words[cut:]]), position


def overshared_cases(cases: Sequence[Case], seed: int) -> List[Tuple[Case, str]]:
    fake = Faker(["en_GB", "en_US", "de_DE"])
    fake.seed_instance(seed)
    rng = random.Random(seed)
    made = []
    for case in cases:
        text, position = overshare(case.text, fake, rng)
        made.append((Case(text, case.intent), position))
    return made


def compare(cases: Sequence[Case], clean: Sequence[str], overshared: Sequence[str],
            positions: Sequence[str]) -> Dict[str, object]:
    truth = [case.intent for case in cases]
    clean_report, over_report = score(truth, clean), score(truth, overshared)
    by_position: Dict[str, List[int]] = {position: [0, 0] for position in POSITIONS}
    for t, p, position in zip(truth, overshared, positions):
        by_position[position][0] += t == p
        by_position[position][1] += 1
    lost = Counter((t, p) for t, c, p in zip(truth, clean, overshared) if c == t and p != t)
    return {
        "examples": len(cases),
        "clean_accuracy": round(clean_report.accuracy, 4),
        "overshared_accuracy": round(over_report.accuracy, 4),
        "difference_points": round(100 * (clean_report.accuracy - over_report.accuracy), 2),
        "clean_fallback_rate": round(clean_report.fallback_rate, 4),
        "overshared_fallback_rate": round(over_report.fallback_rate, 4),
        "sent_to_fallback_by_oversharing": sum(c != FALLBACK and p == FALLBACK for c, p in zip(clean, overshared)),
        "errors": sum(p == ERROR for p in [*clean, *overshared]),
        "accuracy_by_position": {position: round(right / max(total, 1), 4)
                                 for position, (right, total) in by_position.items()},
        "most_lost": [{"true": t, "overshared": p, "count": n} for (t, p), n in lost.most_common(10)],
    }


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_FILE, help="labelled messages (CSV or JSONL)")
    parser.add_argument("--json", type=Path, default=None, metavar="OUT", help="write the figures as JSON")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--predictions", type=Path, default=None, metavar="OUT",
                        help="write each message's result as JSON lines (redacted text, place, truth, prediction)")
    parser.add_argument("--finbot", type=Path, default=Path(sys.executable).with_name("finbot"))
    args = parser.parse_args(argv)

    cases = read_cases(args.file)
    if not cases:
        raise SystemExit(f"{args.file}: no labelled messages")
    made = overshared_cases(cases, args.seed)
    results = parse_all([case.text for case in cases] + [case.text for case, _ in made], args.finbot)
    predicted = [predicted_intent(result) for result in results]
    figures = compare(cases, predicted[:len(cases)], predicted[len(cases):], [position for _, position in made])
    for key, value in figures.items():
        print(f"{key:<34} {json.dumps(value)}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    if args.predictions:
        places = ["clean"] * len(cases) + [position for _, position in made]
        with args.predictions.open("w", encoding="utf-8") as sink:
            for case, result, intent, place in zip([*cases, *(case for case, _ in made)], results, predicted, places):
                sink.write(json.dumps({"redacted": result.get("redacted"), "place": place, "true": case.intent,
                                       "predicted": intent}, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
