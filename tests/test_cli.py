"""The finbot command: redact for a person and as JSON lines, with the exact output format."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

FINBOT = str(Path(sys.executable).with_name("finbot"))
ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run([FINBOT, *args], input=stdin, capture_output=True, cwd=ROOT, timeout=300)


def test_redact_arguments_and_stdin() -> None:
    result = run("redact", "my", "card", "is", "4111 1111 1111 1111")
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().strip() == "my card is <CREDIT_CARD_1>"
    piped = run("redact", stdin=b"card 4111-1111-1111-1111\nsame 4111111111111111\nnothing here\n")
    assert piped.stdout.decode().splitlines() == ["card <CREDIT_CARD_1>", "same <CREDIT_CARD_1>", "nothing here"]


def test_redact_jsonl_format() -> None:
    lines = [
        {"text": "card 4111 1111 1111 1111"},
        {"text": "card 4111 1111 1111 1111 again"},  # its own conversation: numbered from 1 again
        {"text": "I earn $4,500 a month"},
    ]
    stdin = "".join(json.dumps(line) + "\n" for line in lines).encode()
    result = run("redact", "--jsonl", stdin=stdin)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [o["redacted"] for o in out] == [
        "card <CREDIT_CARD_1>", "card <CREDIT_CARD_1> again", "I earn $4,500 a month",
    ]
    entity = out[0]["entities"][0]
    assert set(entity) == {"type", "start", "end", "score"}
    assert (entity["type"], entity["start"], entity["end"]) == ("CREDIT_CARD", 5, 24)
    assert lines[0]["text"][entity["start"]:entity["end"]] == "4111 1111 1111 1111"
    assert out[2]["entities"] == []


def test_redact_jsonl_reports_bad_lines_and_goes_on() -> None:
    stdin = b'{"text": "ok 4111 1111 1111 1111"}\nnot json\n{"no_text": 1}\n\xff\xfe\n{"text": "x"}\n'
    result = run("redact", "--jsonl", stdin=stdin)
    out = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert len(out) == 5
    assert out[0]["redacted"] == "ok <CREDIT_CARD_1>"
    assert "not valid JSON" in out[1]["error"] and '"text"' in out[2]["error"] and "UTF-8" in out[3]["error"]
    assert out[4]["redacted"] == "x"
    assert result.returncode == 1 and b"3 line(s)" in result.stderr


def test_oversized_input_is_refused_not_truncated() -> None:
    stdin = (json.dumps({"text": "a" * 6000 + " 4111 1111 1111 1111"}) + "\n").encode()
    out = json.loads(run("redact", "--jsonl", stdin=stdin).stdout)
    assert out["redacted"] is None and "over the limit of 5000" in out["error"]


def test_redact_needs_no_project_folder(tmp_path: Path) -> None:
    result = subprocess.run([FINBOT, "redact", "hello"], capture_output=True, cwd=tmp_path, timeout=300)
    assert result.returncode == 0 and result.stdout.decode().strip() == "hello"


def test_commands_that_need_a_project_say_so(tmp_path: Path) -> None:
    result = subprocess.run([FINBOT, "train"], capture_output=True, cwd=tmp_path, timeout=60)
    assert result.returncode != 0 and b"not a finbot project" in result.stderr


def test_version_names_finbot_and_what_it_runs_on_without_loading_it() -> None:
    from importlib.metadata import version

    done = subprocess.run([FINBOT, "--version"], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.startswith(f"finbot {version('finbot')} (rasa {version('rasa')}, ")
    assert "presidio-analyzer" in done.stdout and "Python 3." in done.stdout
