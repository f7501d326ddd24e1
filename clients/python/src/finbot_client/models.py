"""What the app channel answers, as frozen dataclasses, and the strict parsers that build them.

Used by ``finbot_client.client`` (import them from ``finbot_client``). The
parsers check every field the contract promises and raise ``ValueError`` naming
the first one that is missing or of the wrong type
(``messages[0].buttons[1].title``); the client turns that into its
``ResponseError``. Fields the contract does not name are
tolerated (a newer server may add some) and, in a bot message, kept in ``extra``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Dict, Mapping, Optional, Tuple, TypeVar

T = TypeVar("T")

_MESSAGE_FIELDS = ("text", "buttons", "image", "custom")
_FRACTION = re.compile(r"(?<=:\d\d)\.(\d+)")  # the fraction of the seconds


@dataclass(frozen=True)
class Button:
    """A quick reply: show ``title``; sending ``payload`` as the next message chooses it."""

    title: str
    payload: str


@dataclass(frozen=True)
class BotMessage:
    """One message of the bot's reply; any of its parts may be absent."""

    text: Optional[str] = None
    buttons: Tuple[Button, ...] = ()
    image: Optional[str] = None
    custom: Optional[Mapping[str, Any]] = None
    extra: Mapping[str, Any] = field(default_factory=dict)  # parts the contract does not name (e.g. "attachment")


@dataclass(frozen=True)
class Redaction:
    """What was hidden from the person's message before anything kept it: kinds, never values."""

    kinds: Tuple[str, ...]  # entity types, e.g. ("CREDIT_CARD",)
    labels: Tuple[str, ...]  # plain-language names, e.g. ("card number",)
    notice: str  # the sentence to show the person


@dataclass(frozen=True)
class Reply:
    """The bot's answer to one message."""

    conversation_id: str
    messages: Tuple[BotMessage, ...]
    redacted: Optional[Redaction]  # None when nothing was hidden

    @property
    def texts(self) -> Tuple[str, ...]:
        """The text of each message that has one, in order."""
        return tuple(message.text for message in self.messages if message.text is not None)


@dataclass(frozen=True)
class KindCount:
    """One kind of value hidden in the conversation: how many distinct values, how many mentions."""

    kind: str
    label: str
    values: int
    mentions: int


@dataclass(frozen=True)
class Reveal:
    """One use of a vaulted original by an action, with its purpose and time (timezone-aware)."""

    placeholder: str
    kind: str
    purpose: str
    revealed_at: datetime


@dataclass(frozen=True)
class PrivacyReport:
    """What the person may learn about their own conversation's hidden values. Never a value."""

    conversation_id: str
    messages: int
    redacted: Tuple[KindCount, ...]
    reveals: Tuple[Reveal, ...]


@dataclass(frozen=True)
class Erasure:
    """The server's confirmation that the conversation was forgotten."""

    conversation_id: str
    erased: bool


def parse_reply(payload: Any) -> Reply:
    """A Reply from the webhook's JSON; ValueError naming the first field that breaks the contract."""
    obj = _object(payload, "the reply")
    redacted = obj.get("redacted")
    return Reply(
        conversation_id=_get(obj, "conversation_id", str),
        messages=_list(obj, "messages", _bot_message),
        redacted=None if redacted is None else _redaction(_object(redacted, "redacted")),
    )


def parse_privacy_report(payload: Any) -> PrivacyReport:
    """A PrivacyReport from the privacy-report JSON; ValueError naming the first bad field."""
    obj = _object(payload, "the privacy report")
    return PrivacyReport(
        conversation_id=_get(obj, "conversation_id", str),
        messages=_count(obj, "messages"),
        redacted=_list(obj, "redacted", _kind_count),
        reveals=_list(obj, "reveals", _reveal),
    )


def parse_erasure(payload: Any) -> Erasure:
    """An Erasure from the conversation DELETE's JSON; ValueError naming the first bad field."""
    obj = _object(payload, "the erasure")
    return Erasure(conversation_id=_get(obj, "conversation_id", str), erased=_get(obj, "erased", bool))


def parse_time(value: str) -> datetime:
    """An ISO-8601 time as a timezone-aware datetime; ``Z`` means UTC, and so does no offset at all."""
    # Python 3.10's fromisoformat reads neither "Z" nor a fraction of other than 3 or 6 digits (3.11 does).
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    text = _FRACTION.sub(lambda match: "." + (match.group(1) + "00000")[:6], text)
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=timezone.utc)


def _bot_message(item: Any, where: str) -> BotMessage:
    obj = _object(item, where)
    return BotMessage(
        text=_optional(obj, "text", str, where),
        buttons=_list(obj, "buttons", _button, where, required=False),
        image=_optional(obj, "image", str, where),
        custom=_optional(obj, "custom", dict, where),
        extra={key: value for key, value in obj.items() if key not in _MESSAGE_FIELDS},
    )


def _button(item: Any, where: str) -> Button:
    obj = _object(item, where)
    return Button(title=_get(obj, "title", str, where), payload=_get(obj, "payload", str, where))


def _redaction(obj: Mapping[str, Any]) -> Redaction:
    return Redaction(
        kinds=_list(obj, "kinds", _string, "redacted"),
        labels=_list(obj, "labels", _string, "redacted"),
        notice=_get(obj, "notice", str, "redacted"),
    )


def _kind_count(item: Any, where: str) -> KindCount:
    obj = _object(item, where)
    return KindCount(
        kind=_get(obj, "kind", str, where),
        label=_get(obj, "label", str, where),
        values=_count(obj, "values", where),
        mentions=_count(obj, "mentions", where),
    )


def _reveal(item: Any, where: str) -> Reveal:
    obj = _object(item, where)
    stamp = _get(obj, "revealed_at", str, where)
    try:
        revealed_at = parse_time(stamp)
    except ValueError:
        raise ValueError(f"{where}.revealed_at is not an ISO-8601 time") from None
    return Reveal(
        placeholder=_get(obj, "placeholder", str, where),
        kind=_get(obj, "kind", str, where),
        purpose=_get(obj, "purpose", str, where),
        revealed_at=revealed_at,
    )


def _string(item: Any, where: str) -> str:
    if not isinstance(item, str):
        raise ValueError(f"{where} must be a string")
    return item


def _object(value: Any, where: str) -> Dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{where} must be a JSON object")
    return value


def _name(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _get(obj: Mapping[str, Any], key: str, kind: type, where: str = "") -> Any:
    # bool is an int in Python: a count of `true` is as wrong as a count of "1".
    value = obj.get(key)
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        state = "is missing" if key not in obj else f"must be of type {_JSON_NAMES.get(kind, kind.__name__)}"
        raise ValueError(f"{_name(where, key)} {state}")
    return value


def _optional(obj: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    return None if obj.get(key) is None else _get(obj, key, kind, where)


def _count(obj: Mapping[str, Any], key: str, where: str = "") -> int:
    value: int = _get(obj, key, int, where)
    if value < 0:
        raise ValueError(f"{_name(where, key)} must not be negative")
    return value


def _list(
    obj: Mapping[str, Any], key: str, item: Callable[[Any, str], T], where: str = "", required: bool = True
) -> Tuple[T, ...]:
    if not required and obj.get(key) is None:
        return ()
    values = _get(obj, key, list, where)
    return tuple(item(value, f"{_name(where, key)}[{index}]") for index, value in enumerate(values))


_JSON_NAMES = {str: "string", int: "integer", bool: "boolean", list: "array", dict: "object"}
