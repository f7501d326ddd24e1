"""``finbot parse``: messages through the same path as a live one (redaction, then the trained NLU).

One JSON line in (``{"text": ...}``), one JSON line out, in order::

    {"redacted": "my card <CREDIT_CARD_1> was stolen", "intent": "lost_or_stolen_card",
     "confidence": 0.97, "entities": [{"entity": "credit_card", "value": "<CREDIT_CARD_1>", "start": 8, "end": 23}]}

Each line is its own conversation. Nothing is stored: there is no vault here,
so an original never leaves the process. A line that cannot be read or
redacted gets ``"error"`` and null fields, and the run goes on.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from pathlib import Path
from typing import Any, BinaryIO, Dict, List, Protocol, TextIO

from bot.privacy.engine import Redactor
from bot.privacy.errors import PrivacyError
from bot.privacy.jsonl import nonblank_lines, read_text

ENTITY_KEYS = ("entity", "value", "start", "end")


def failed(reason: str) -> Dict[str, Any]:
    return {"error": reason, "redacted": None, "intent": None, "confidence": None, "entities": []}


def result(redacted: str, parsed: Dict[str, Any]) -> Dict[str, Any]:
    """The output record from Rasa's parse result for the redacted text."""
    intent = parsed.get("intent") or {}
    entities: List[Dict[str, Any]] = [
        {key: entity[key] for key in ENTITY_KEYS if key in entity} for entity in parsed.get("entities") or []
    ]
    confidence = intent.get("confidence")
    return {
        "redacted": redacted,
        "intent": intent.get("name"),
        "confidence": None if confidence is None else round(float(confidence), 6),
        "entities": entities,
    }


class Parser(Protocol):
    async def parse_message(self, message: str) -> Dict[str, Any]: ...


async def parse_lines(agent: Parser, redactor: Redactor, source: BinaryIO, sink: TextIO) -> int:
    """Parse every line of ``source`` into ``sink`` with ``agent`` (a Rasa Agent); the number that failed."""
    failures = 0
    for number, raw in enumerate(nonblank_lines(source), start=1):
        text, error = read_text(raw)
        if text is None:
            record = failed(error)
        else:
            try:
                redacted = redactor.redact(text, conversation=f"line-{number}").text
            except PrivacyError as refusal:
                record = failed(str(refusal))
            else:
                try:
                    record = result(redacted, await agent.parse_message(redacted))
                except Exception as error:  # one bad line must not stop the run; its text is not quoted
                    record = failed(f"the model could not parse this line ({type(error).__name__})")
                redactor.forget(f"line-{number}")
        failures += "error" in record
        sink.write(json.dumps(record, ensure_ascii=False) + "\n")
        sink.flush()
    return failures


def quiet_logs() -> None:
    """Warnings and errors only, on stderr: standard output carries the JSON lines and nothing else."""
    from rasa.utils.log_utils import configure_structlog

    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="%(message)s")
    configure_structlog(logging.WARNING)


def parse_jsonl(model: Path, redactor: Redactor, source: BinaryIO, sink: TextIO) -> int:
    """Load the trained ``model`` and parse every line of ``source`` into ``sink``; the number that failed."""
    from rasa.core.agent import Agent

    from bot.runtime import use_redactor

    use_redactor(redactor)  # the model's own redaction step uses the same engine and policy, and no vault
    quiet_logs()
    agent = Agent.load(str(model))
    return asyncio.run(parse_lines(agent, redactor, source, sink))
