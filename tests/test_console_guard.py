"""Plain rasa shell: Rasa's console client redacts each typed message before sending it."""

from __future__ import annotations

import asyncio
from typing import Any, AsyncIterator, Dict, List, Optional

import pytest
from rasa.core.channels import console

from bot import runtime
from bot.console_guard import redacting_block, redacting_stream
from bot.privacy import Redactor
from bot.privacy.analyzer import build_analyzer


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch, nlp_engine: Any) -> List[str]:
    """What the wrapped console sent to the server (the originals it would have sent are faked)."""
    seen: List[str] = []

    async def fake_stream(server_url: str, auth_token: str, sender_id: str, message: str,
                          request_timeout: Optional[int] = None) -> AsyncIterator[Dict[str, Any]]:
        seen.append(message)
        yield {"text": "ok"}

    async def fake_block(server_url: str, auth_token: str, sender_id: str, message: str) -> List[Dict[str, Any]]:
        seen.append(message)
        return [{"text": "ok"}]

    # What bot.patches.rasa_console puts in place of Rasa's own functions (tests/patches/ test that it does).
    monkeypatch.setattr(console, "_send_message_receive_stream", redacting_stream(fake_stream))
    monkeypatch.setattr(console, "send_message_receive_block", redacting_block(fake_block))
    monkeypatch.setattr(runtime, "_chosen", [Redactor(analyzer=build_analyzer(nlp_engine=nlp_engine))])
    return seen


async def streamed(message: str, sender: str = "me") -> List[Dict[str, Any]]:
    return [reply async for reply in console._send_message_receive_stream("http://x", "", sender, message)]


def test_the_shell_sends_placeholders_and_tells_the_person(sent: List[str]) -> None:
    replies = asyncio.run(streamed("my card is 4111 1111 1111 1111"))
    assert sent == ["my card is <CREDIT_CARD_1>"]
    assert "card number" in replies[0]["text"] and replies[-1] == {"text": "ok"}
    assert asyncio.run(console.send_message_receive_block("http://x", "", "me", "hello")) == [{"text": "ok"}]


def test_a_value_split_over_two_typed_messages_is_caught(sent: List[str]) -> None:
    asyncio.run(streamed("my card number is 4111 1111", sender="split"))
    asyncio.run(streamed("1111 1111", sender="split"))
    assert sent[0] == "my card number is <CREDIT_CARD_1>" and "1111" not in sent[1]


def test_a_message_that_cannot_be_redacted_is_not_sent(sent: List[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.privacy.errors import RedactionError

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RedactionError("detection failed (ValueError)")

    monkeypatch.setattr(runtime._chosen[0], "redact", broken)
    replies = asyncio.run(streamed("my card is 4111 1111 1111 1111"))
    assert sent == [] and "couldn't process that message safely" in replies[0]["text"]
