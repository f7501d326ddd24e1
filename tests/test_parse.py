"""finbot parse: one JSON line out per line in, redacted before the model sees it, errors kept per line."""

from __future__ import annotations

import io
import json
from typing import Any, Dict, List

import pytest

from bot.parse import parse_lines
from bot.privacy import Redactor


class RecordingAgent:
    """Stands in for Rasa's Agent: records what it was given, answers like Rasa's parse result."""

    def __init__(self) -> None:
        self.seen: List[str] = []

    async def parse_message(self, message: str) -> Dict[str, Any]:
        self.seen.append(message)
        start = message.find("<")
        entities = [] if start < 0 else [{
            "entity": "credit_card", "value": message[start:message.index(">") + 1], "start": start,
            "end": message.index(">") + 1, "extractor": "PlaceholderEntityExtractor", "confidence_entity": 1.0,
        }]
        return {"text": message, "intent": {"name": "lost_or_stolen_card", "confidence": 0.91234567},
                "entities": entities, "intent_ranking": []}


@pytest.fixture(scope="module")
def redactor(nlp_engine: Any) -> Redactor:
    from bot.privacy.analyzer import build_analyzer

    return Redactor(analyzer=build_analyzer(nlp_engine=nlp_engine))


async def run(redactor: Redactor, lines: bytes) -> tuple[List[Dict[str, Any]], RecordingAgent, int]:
    agent, sink = RecordingAgent(), io.StringIO()
    failures = await parse_lines(agent, redactor, io.BytesIO(lines), sink)
    return [json.loads(line) for line in sink.getvalue().splitlines()], agent, failures


@pytest.mark.asyncio
async def test_the_model_sees_only_the_redacted_text(redactor: Redactor) -> None:
    records, agent, failures = await run(redactor, b'{"text": "my card 4111 1111 1111 1111 was stolen"}\n')
    assert failures == 0
    assert agent.seen == ["my card <CREDIT_CARD_1> was stolen"]
    assert records == [{
        "redacted": "my card <CREDIT_CARD_1> was stolen", "intent": "lost_or_stolen_card", "confidence": 0.912346,
        "entities": [{"entity": "credit_card", "value": "<CREDIT_CARD_1>", "start": 8, "end": 23}],
    }]


@pytest.mark.asyncio
async def test_each_line_is_its_own_conversation(redactor: Redactor) -> None:
    lines = b'{"text": "card 4111 1111 1111 1111"}\n{"text": "card 5555 5555 5555 4444"}\n'
    records, _, _ = await run(redactor, lines)
    assert [r["redacted"] for r in records] == ["card <CREDIT_CARD_1>", "card <CREDIT_CARD_1>"]


@pytest.mark.asyncio
async def test_a_bad_line_gets_an_error_and_the_rest_go_on(redactor: Redactor) -> None:
    lines = b'not json\n\n{"text": 5}\n\xff\xfe\n{"text": "hello"}\n'
    records, agent, failures = await run(redactor, lines)
    assert failures == 3 and agent.seen == ["hello"]
    assert [r.get("error", "")[:20] for r in records] == [
        "line is not valid JS", 'expected an object w', "line is not valid UT", ""]
    assert all(r["intent"] is None and r["redacted"] is None for r in records[:3])
    assert records[3]["intent"] == "lost_or_stolen_card"


class FailingAgent(RecordingAgent):
    async def parse_message(self, message: str) -> Dict[str, Any]:
        if "boom" in message:
            raise ValueError(f"cannot parse {message}")
        return await super().parse_message(message)


@pytest.mark.asyncio
async def test_a_line_the_model_fails_on_gets_an_error_without_its_text(redactor: Redactor) -> None:
    agent, sink = FailingAgent(), io.StringIO()
    failures = await parse_lines(agent, redactor, io.BytesIO(b'{"text": "boom 4111"}\n{"text": "hello"}\n'), sink)
    records = [json.loads(line) for line in sink.getvalue().splitlines()]
    assert failures == 1 and records[0]["error"] == "the model could not parse this line (ValueError)"
    assert records[1]["intent"] == "lost_or_stolen_card"
