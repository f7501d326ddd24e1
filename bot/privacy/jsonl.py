"""JSON-lines batch redaction: one input line in, one output line out, each its own conversation."""

from __future__ import annotations

import json
from typing import Any, BinaryIO, Dict, Iterator, TextIO

from bot.privacy.engine import Redactor
from bot.privacy.errors import PrivacyError


def redact_line(redactor: Redactor, raw: bytes, conversation: str) -> Dict[str, Any]:
    """The output record for one input line: ``redacted`` and ``entities``, or ``error``."""
    try:
        record = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return {"error": "line is not valid UTF-8", "redacted": None, "entities": []}
    except json.JSONDecodeError as error:
        return {"error": f"line is not valid JSON ({error.msg})", "redacted": None, "entities": []}
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return {"error": 'expected an object with a string "text"', "redacted": None, "entities": []}
    try:
        redaction = redactor.redact(record["text"], conversation)
    except PrivacyError as error:
        return {"error": str(error), "redacted": None, "entities": []}
    return {"redacted": redaction.text, "entities": [e.as_dict() for e in redaction.entities]}


def _lines(stream: BinaryIO) -> Iterator[bytes]:
    for raw in stream:
        if raw.strip():
            yield raw.rstrip(b"\r\n")


def redact_jsonl(redactor: Redactor, source: BinaryIO, sink: TextIO) -> int:
    """Redact every line of ``source`` into ``sink``; the number of lines that failed."""
    failures = 0
    for number, raw in enumerate(_lines(source), start=1):
        result = redact_line(redactor, raw, conversation=f"line-{number}")
        failures += "error" in result
        sink.write(json.dumps(result, ensure_ascii=False) + "\n")
        sink.flush()
    return failures
