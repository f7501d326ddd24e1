"""JSON-lines batch redaction: one input line in, one output line out, each its own conversation."""

from __future__ import annotations

import json
from typing import Any, BinaryIO, Dict, Iterator, Optional, TextIO, Tuple

from bot.privacy.engine import Redactor
from bot.privacy.errors import PrivacyError


def read_text(raw: bytes) -> Tuple[Optional[str], str]:
    """The ``"text"`` of one JSON line, or None and why it cannot be read."""
    try:
        record = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None, "line is not valid UTF-8"
    except json.JSONDecodeError as error:
        return None, f"line is not valid JSON ({error.msg})"
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return None, 'expected an object with a string "text"'
    return record["text"], ""


def redact_line(redactor: Redactor, raw: bytes, conversation: str) -> Dict[str, Any]:
    """The output record for one input line: ``redacted`` and ``entities``, or ``error``."""
    text, error = read_text(raw)
    if text is None:
        return {"error": error, "redacted": None, "entities": []}
    try:
        redaction = redactor.redact(text, conversation)
    except PrivacyError as error:
        return {"error": str(error), "redacted": None, "entities": []}
    return {"redacted": redaction.text, "entities": [e.as_dict() for e in redaction.entities]}


def nonblank_lines(stream: BinaryIO) -> Iterator[bytes]:
    for raw in stream:
        if raw.strip():
            yield raw.rstrip(b"\r\n")


def redact_jsonl(redactor: Redactor, source: BinaryIO, sink: TextIO) -> int:
    """Redact every line of ``source`` into ``sink``; the number of lines that failed."""
    failures = 0
    for number, raw in enumerate(nonblank_lines(source), start=1):
        result = redact_line(redactor, raw, conversation=f"line-{number}")
        failures += "error" in result
        sink.write(json.dumps(result, ensure_ascii=False) + "\n")
        sink.flush()
    return failures
