"""What an operator scrapes from each server: Prometheus metrics, never a value or a conversation id.

Both servers serve ``GET /metrics`` in Prometheus' text format: the Rasa server
through ``bot.channels.metrics.MetricsInput`` (``credentials.yml``), the action
server itself. Labels are closed sets: channels, refusal reasons, entity
types, outcomes. Nothing a person typed, and no conversation id, is ever a
label, so the metrics can be kept and shipped like any other.

- ``finbot_messages_total{channel}``: messages admitted into the assistant;
- ``finbot_refusals_total{channel, reason}``: messages refused, for ``bad_request``,
  ``unauthorized``, ``forbidden``, ``rate_limited``, ``idempotency`` or ``privacy``
  (redaction failed: the message was not kept);
- ``finbot_redactions_total{entity_type}``: identifiers replaced in messages;
- ``finbot_redaction_seconds``: time to redact a message (detection, numbering, vault);
- ``finbot_message_seconds{channel}``: a message's round trip in the server, from the
  gate to the last answer;
- ``finbot_privacy_errors_total{error}``: privacy errors by type (``VaultError``, ...);
- ``finbot_action_calls_total{outcome}`` (action server): calls run (``ok``), refused
  (``bad_seal``, ``replay_cache_down``, ``sign_in_required``), rejected by the action
  (``rejected``, ``not_found``), too late (``deadline_passed``) or failed (``error``);
- ``finbot_action_call_failures_total{reason}`` (Rasa server): action calls that got no
  answer (``timeout``, ``unreachable``, ``error``).
"""

from __future__ import annotations

from typing import Iterable, Tuple

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest

from bot.privacy.entities import ALL_ENTITIES

# One registry per process, apart from prometheus_client's default one (which also holds its process and
# platform collectors, and whatever a library registers there).
REGISTRY = CollectorRegistry(auto_describe=True)

CHANNELS = ("rest", "socketio", "app")
REFUSAL_REASONS = ("bad_request", "unauthorized", "forbidden", "rate_limited", "idempotency", "privacy")
ACTION_OUTCOMES = ("ok", "bad_seal", "replay_cache_down", "sign_in_required", "rejected", "not_found",
                   "deadline_passed", "error")
ACTION_FAILURES = ("timeout", "unreachable", "error")
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

MESSAGES = Counter("finbot_messages", "Messages admitted into the assistant.", ["channel"], registry=REGISTRY)
REFUSALS = Counter("finbot_refusals", "Messages refused, by reason.", ["channel", "reason"], registry=REGISTRY)
REDACTIONS = Counter("finbot_redactions", "Identifiers replaced in messages, by type.", ["entity_type"],
                     registry=REGISTRY)
REDACTION_SECONDS = Histogram("finbot_redaction_seconds", "Time to redact one message.", buckets=LATENCY_BUCKETS,
                              registry=REGISTRY)
MESSAGE_SECONDS = Histogram("finbot_message_seconds", "A message's round trip in the server.", ["channel"],
                            buckets=LATENCY_BUCKETS, registry=REGISTRY)
PRIVACY_ERRORS = Counter("finbot_privacy_errors", "Privacy errors, by type.", ["error"], registry=REGISTRY)
ACTION_CALLS = Counter("finbot_action_calls", "Action server: calls by outcome.", ["outcome"], registry=REGISTRY)
ACTION_CALL_FAILURES = Counter("finbot_action_call_failures", "Rasa server: action calls without an answer.",
                               ["reason"], registry=REGISTRY)


def _closed(value: str, allowed: Iterable[str], other: str = "other") -> str:
    """``value`` if it is one of ``allowed``, else ``other``: a label never takes an open-ended value."""
    return value if value in allowed else other


def channel_label(channel: object) -> str:
    return _closed(str(channel or ""), CHANNELS)


def message_admitted(channel: object) -> None:
    MESSAGES.labels(channel_label(channel)).inc()


def message_refused(channel: object, reason: str) -> None:
    REFUSALS.labels(channel_label(channel), _closed(reason, REFUSAL_REASONS)).inc()


def redacted(entity_types: Iterable[str], seconds: float) -> None:
    REDACTION_SECONDS.observe(seconds)
    for entity_type in entity_types:
        REDACTIONS.labels(_closed(entity_type, ALL_ENTITIES)).inc()


def message_answered(channel: object, seconds: float) -> None:
    MESSAGE_SECONDS.labels(channel_label(channel)).observe(seconds)


def privacy_error(error: BaseException) -> None:
    # Exception class names of the project and the libraries it calls: a closed set in practice, never text.
    PRIVACY_ERRORS.labels(type(error).__name__).inc()


def action_call(outcome: str) -> None:
    ACTION_CALLS.labels(_closed(outcome, ACTION_OUTCOMES)).inc()


def action_call_failed(reason: str) -> None:
    ACTION_CALL_FAILURES.labels(_closed(reason, ACTION_FAILURES)).inc()


def exposition() -> Tuple[bytes, str]:
    """The metrics in Prometheus' text format, and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
