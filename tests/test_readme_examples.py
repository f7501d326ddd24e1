"""The README's examples stay true: each shell command shown with its answer is run, and answers so.

A command in a ``sh`` block followed by ``# ...`` comment lines is run (against
the shared running assistant for ``localhost:5005``, with its runtime folder for
``finbot``), and its output must match the comment, where ``...`` stands for
any text: so the README may shorten an answer but never show one the assistant
does not give.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import List
from urllib.parse import urlparse

import pytest

from tests.support.servers import RunningAssistant

ROOT = Path(__file__).resolve().parents[1]
FENCE = re.compile(r"```sh\n(.*?)```", re.S)
MARK = "@@finbot-readme-example@@"


@dataclass
class Example:
    command: str
    expected: str  # the comment lines after it, joined, "# " removed

    def pattern(self) -> re.Pattern:
        """The expected answer as a pattern: ``...`` stands for any text, all else is literal."""
        return re.compile(".*?".join(re.escape(part) for part in self.expected.split("...")), re.S)


def examples(text: str) -> List[List[Example]]:
    """Per ``sh`` block, its commands with their shown answers, in order (commands without an answer are
    kept: they set things up, as ``TOKEN=$(...)`` does)."""
    blocks = []
    for block in FENCE.findall(text):
        found: List[Example] = []
        command: List[str] = []
        for line in block.splitlines():
            if line.startswith("#") and found and not command:
                found[-1].expected += line[1:].strip()  # an answer shown over several lines is one line
            elif line.strip() and not line.startswith("#"):
                command.append(line)
                if not line.endswith("\\"):
                    found.append(Example("\n".join(command), ""))
                    command = []
        if any(example.expected for example in found):
            blocks.append(found)
    return blocks


def runnable(block: List[Example]) -> bool:
    """Whether a block talks to the assistant or runs finbot (not ``make``, not ``docker``)."""
    return any("localhost:5005" in e.command or e.command.startswith(".venv/bin/finbot") for e in block)


def as_shown(output: str) -> str:
    """JSON as the README shows it: compact, and "/" and non-ASCII unescaped (the server escapes them)."""
    try:
        return json.dumps(json.loads(output), separators=(",", ":"), ensure_ascii=False)
    except ValueError:
        return output


def run_block(block: List[Example], assistant: RunningAssistant) -> List[str]:
    """Run a block's commands in one shell (so ``TOKEN=...`` carries over); each command's output."""
    address = urlparse(assistant.rasa_url).netloc
    script = "\n".join(f"echo {MARK}\n{example.command.replace('localhost:5005', address)}\necho"
                       for example in block)
    env = {**os.environ, "FINBOT_VAR_DIR": str(assistant.var_dir)}
    done = subprocess.run(["bash", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return [output.strip() for output in done.stdout.split(MARK + "\n")[1:]]


README_BLOCKS = [block for block in examples((ROOT / "README.md").read_text()) if runnable(block)]


def test_the_readme_shows_examples_with_answers() -> None:
    shown = [example for block in README_BLOCKS for example in block if example.expected]
    assert len(shown) >= 6, [example.command for example in shown]
    # The parser reads a command and the answer under it, and "..." matches anything there.
    [[first, second]] = examples("```sh\nexample one \\\n  --flag\n# [{\"a\": \"b ...\"}, ...]\nplain\n```\n")
    assert first.command == "example one \\\n  --flag" and second.expected == "" and not runnable([first, second])
    assert first.pattern().fullmatch('[{"a": "b c"}, {"d": 1}]') and not first.pattern().fullmatch('[{"a": "c"}]')


@pytest.mark.parametrize("index", range(len(README_BLOCKS)))
def test_each_readme_example_answers_as_shown(assistant: RunningAssistant, index: int) -> None:
    block = README_BLOCKS[index]
    outputs = run_block(block, assistant)
    assert len(outputs) == len(block)
    for example, output in zip(block, outputs):
        if example.expected:
            shown = as_shown(output)
            assert example.pattern().fullmatch(shown), f"{example.command}\nshown: {example.expected}\ngot:   {shown}"
