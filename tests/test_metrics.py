"""Prometheus metrics: closed labels, no value or conversation id, and both servers serve them."""

from __future__ import annotations

import asyncio
import re
import urllib.request
import uuid
from typing import Any, List

from prometheus_client.parser import text_string_to_metric_families
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot import metrics
from bot.channels.gate import PrivacyGate
from tests.support.servers import RunningAssistant

CARD = "4111 1111 1111 1111"


def sample(name: str, **labels: str) -> float:
    """The current value of one sample of the process's registry (0 if it was never touched)."""
    value = metrics.REGISTRY.get_sample_value(name, labels)
    return value or 0.0


def scraped(text: str, name: str, **labels: str) -> float:
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and all(found.labels.get(k) == v for k, v in labels.items()):
                return float(found.value)
    return 0.0


def test_labels_are_closed_sets_whatever_a_caller_passes() -> None:
    before = sample("finbot_refusals_total", channel="other", reason="other")
    metrics.message_refused("alice@example.com", "my card is 4111")
    assert sample("finbot_refusals_total", channel="other", reason="other") == before + 1
    metrics.redacted(["NOT_A_TYPE"], 0.01)
    body, content_type = metrics.exposition()
    assert content_type.startswith("text/plain")
    assert b"alice" not in body and b"4111" not in body and b"NOT_A_TYPE" not in body


def test_the_gate_counts_admitted_messages_redactions_by_type_and_refusals(nlp_engine: Any) -> None:
    from bot.privacy import Redactor
    from bot.privacy.analyzer import build_analyzer

    gate = PrivacyGate(Redactor(analyzer=build_analyzer(nlp_engine=nlp_engine)))
    answered: List[UserMessage] = []

    async def on_new_message(message: UserMessage) -> None:
        answered.append(message)

    async def failing(text: str, conversation: str, carry: bool = False) -> Any:
        raise TimeoutError

    conversation = f"metrics-{uuid.uuid4().hex}"
    admitted, cards = sample("finbot_messages_total", channel="rest"), sample(
        "finbot_redactions_total", entity_type="CREDIT_CARD")
    timings = sample("finbot_message_seconds_count", channel="rest")
    guarded = gate.wrap(on_new_message)
    asyncio.run(guarded(UserMessage(f"my card {CARD}", CollectingOutputChannel(), conversation, input_channel="rest")))
    assert len(answered) == 1 and CARD not in (answered[0].text or "")
    assert sample("finbot_messages_total", channel="rest") == admitted + 1
    assert sample("finbot_redactions_total", entity_type="CREDIT_CARD") == cards + 1
    assert sample("finbot_message_seconds_count", channel="rest") == timings + 1

    refused = sample("finbot_refusals_total", channel="rest", reason="privacy")
    errors = sample("finbot_privacy_errors_total", error="TimeoutError")
    gate.redact = failing  # type: ignore[method-assign]
    asyncio.run(guarded(UserMessage("hello", CollectingOutputChannel(), conversation, input_channel="rest")))
    assert len(answered) == 1
    assert sample("finbot_refusals_total", channel="rest", reason="privacy") == refused + 1
    assert sample("finbot_privacy_errors_total", error="TimeoutError") == errors + 1
    body, _ = metrics.exposition()
    assert conversation.encode() not in body and b"4111" not in body


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as answer:
        assert answer.status == 200 and answer.headers["Content-Type"].startswith("text/plain")
        return answer.read().decode()


def test_both_servers_serve_their_metrics_without_values_or_conversation_ids(assistant: RunningAssistant) -> None:
    sender = f"metrics-{uuid.uuid4().hex[:12]}"
    before = get(assistant.rasa_url + "/metrics")
    assistant.say(sender, f"my card {CARD} was stolen")
    assistant.say(sender, "what is my balance")  # a banking action: run by the action server (sign in, please)
    rasa = get(assistant.rasa_url + "/metrics")
    assert scraped(rasa, "finbot_messages_total", channel="rest") >= \
        scraped(before, "finbot_messages_total", channel="rest") + 2
    assert scraped(rasa, "finbot_redactions_total", entity_type="CREDIT_CARD") >= \
        scraped(before, "finbot_redactions_total", entity_type="CREDIT_CARD") + 1
    assert scraped(rasa, "finbot_message_seconds_count", channel="rest") >= 2
    actions = get(assistant.actions_url + "/metrics")
    assert scraped(actions, "finbot_action_calls_total", outcome="ok") + \
        scraped(actions, "finbot_action_calls_total", outcome="sign_in_required") >= 1
    for text in (rasa, actions):
        assert sender not in text and not re.search(r"4111\D?1111", text)
