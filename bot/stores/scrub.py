"""Redact every text-bearing field of a Rasa event before it is stored or published.

Events are walked as dictionaries: every string and number is redacted except
the fields that are structure (event type, timestamps, intent and action
names, entity types, offsets, confidences). A field whose redaction fails is
dropped to an empty string and the failure is logged without its content.

Redaction is deterministic within a conversation (same value, same
placeholder), so a tracker redacted twice gives identical events, which is
what Rasa's tracker stores rely on to find the events not yet saved.

A user message is redacted knowing the user message before it, so that a value
split over two messages ("my card is 4111 1111" / "1111 1111") is caught in
the second as well, however the message entered (plain ``rasa shell`` too).
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable, Dict, List, Optional, Tuple

from bot.privacy.engine import CONTINUATION_SECONDS, Redactor
from bot.privacy.errors import PrivacyError, VaultError
from bot.privacy.memory import DigestMemory
from bot.privacy.placeholders import PLACEHOLDER_PATTERN

logger = logging.getLogger(__name__)

# Keys whose values are structure, never user content.
STRUCTURAL_KEYS = frozenset({
    "event", "timestamp", "name", "policy", "confidence", "input_channel", "message_id",
    "intent_name", "action_name", "entity", "extractor", "start", "end", "role", "group",
    "model_id", "assistant_id", "sender_id", "type", "id", "use_text_for_featurization",
    "hide_rule_turn", "processors", "active_loop", "is_interrupted", "rasa_version",
    "intent_ranking_confidence", "predicted_action", "retrieval_intent", "utter_action",
    "intent_response_key", "template_name", "response_selector_ranking_confidence",
    "latest_action_name", "latest_input_channel", "latest_event_time", "followup_action", "paused",
    "next_action", "version", "action_text_hash",
})
# Keys whose value is a dictionary of structure (an intent prediction).
STRUCTURAL_DICTS = frozenset({"intent"})
# Keys whose value is a list of token offsets ([[0, 3], [4, 7], ...]): kept when it is exactly that.
OFFSET_LISTS = frozenset({"text_tokens"})
DROPPED = ""
CACHE_SIZE = 20_000


def with_parsed_text(event: Dict[str, Any]) -> Dict[str, Any]:
    """A user event whose text is the one its NLU parse saw, when that one holds placeholders.

    The NLU pipeline's first step redacts a message that reached Rasa raw (plain
    ``rasa shell``), knowing the conversation; its result is the better redaction.
    """
    parse_data = event.get("parse_data")
    parsed = parse_data.get("text") if isinstance(parse_data, dict) else None
    if isinstance(parsed, str) and parsed != event.get("text") and PLACEHOLDER_PATTERN.search(parsed):
        return {**event, "text": parsed}
    return event


def text_before(event: Dict[str, Any], previous: Optional[Dict[str, Any]]) -> Optional[str]:
    """The previous user message's text, if it came soon enough before ``event`` to be continued by it."""
    if previous is None or not isinstance(previous.get("text"), str):
        return None
    gap = _number(event.get("timestamp")) - _number(previous.get("timestamp"))
    return previous["text"] if 0 <= gap <= CONTINUATION_SECONDS else None


def _offsets(value: Any) -> bool:
    """Whether ``value`` is a list of (start, end) pairs of small integers, and nothing else."""
    return isinstance(value, (list, tuple)) and all(
        isinstance(pair, (list, tuple)) and len(pair) == 2
        and all(isinstance(n, int) and not isinstance(n, bool) and 0 <= n < 1_000_000 for n in pair)
        for pair in value)


def _number(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


# redact(text, conversation, after) -> text; ``after`` is the user message before this one, if any.
Redact = Callable[[str, str, Optional[str]], str]


class EventScrubber:
    """Redacts event dictionaries with a ``Redact`` function."""

    def __init__(self, redact: Redact, cache_size: int = CACHE_SIZE) -> None:
        self._redact = redact
        self._cache = DigestMemory(cache_size)  # keyed digests: a short text cannot be found by hashing guesses

    def event(self, event: Dict[str, Any], conversation: str) -> Dict[str, Any]:
        """A redacted copy of ``event`` (or of a whole tracker: a dictionary with ``events``)."""
        scrubbed: Dict[str, Any] = self._value(event, conversation, key=None, after=None)
        events = event.get("events")
        latest = event.get("latest_message")
        if isinstance(events, list) and isinstance(latest, dict):
            # A tracker: its latest message is the last user event, which follows the one before it.
            users = [e for e in events if isinstance(e, dict) and e.get("event") == "user"]
            before = text_before(users[-1], users[-2]) if len(users) >= 2 else None
            scrubbed["latest_message"] = self._value(latest, conversation, key="latest_message", after=before)
        return scrubbed

    def events(self, events: List[Dict[str, Any]], conversation: str) -> List[Dict[str, Any]]:
        scrubbed: List[Dict[str, Any]] = self._value(events, conversation, key=None, after=None)
        return scrubbed

    def text(self, text: str, conversation: str, after: Optional[str] = None) -> str:
        """``text`` redacted, or dropped if redaction fails; results are cached by a hash, never by the text."""
        if not text.strip():
            return text
        key = self._cache.digest(conversation, str(after), text)
        known = self._cache.get(key)
        if known is not None:
            return str(known)
        try:
            result = self._redact(text, conversation, after)
        except VaultError:
            # The numbering and vault database is down: the save must fail (and the person be told
            # their message was not kept), not store the field blanked as if that were its content.
            raise
        except PrivacyError as error:
            logger.error("a stored field could not be redacted (%s); its content was dropped", type(error).__name__)
            return DROPPED
        self._cache.put(key, result)
        return result

    def _value(self, value: Any, conversation: str, key: Any, after: Optional[str]) -> Any:
        if isinstance(value, dict):
            return {
                k: (v if (k in STRUCTURAL_KEYS and not isinstance(v, (dict, list)))
                    or (k in STRUCTURAL_DICTS and isinstance(v, dict))
                    or (k in OFFSET_LISTS and _offsets(v))
                    else self._value(v, conversation, k, after))
                for k, v in value.items()
            }
        if isinstance(value, list):
            return self._list(value, conversation, key, after)
        if isinstance(value, str):
            return self.text(value, conversation, after)
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, (int, float)):
            # A number can be an identifier (an account number stored in a slot as an int).
            as_text = str(value)
            redacted = self.text(as_text, conversation, after)
            return value if redacted == as_text else redacted
        # Anything else is made text first: nothing leaves unexamined.
        return self.text(str(value), conversation, after)

    def _list(self, items: List[Any], conversation: str, key: Any, after: Optional[str]) -> List[Any]:
        """A list; in a list of events, each user event is redacted after the user event before it."""
        scrubbed = []
        previous: Optional[Dict[str, Any]] = None
        for item in items:
            if isinstance(item, dict) and item.get("event") == "user":
                item = with_parsed_text(item)
                scrubbed.append(self._value(item, conversation, key, text_before(item, previous)))
                previous = item
            else:
                scrubbed.append(self._value(item, conversation, key, after))
        return scrubbed


_scrubbers: Dict[int, Tuple[Redactor, EventScrubber]] = {}
_scrubbers_lock = threading.Lock()


def scrubber_for(redactor: Redactor) -> EventScrubber:
    """The process's scrubber on ``redactor``: the tracker store and the event broker share it (and its
    cache), so an event the store just redacted is not run through the engine again to be published."""
    with _scrubbers_lock:
        held = _scrubbers.get(id(redactor))
        if held is None or held[0] is not redactor:
            scrubber = EventScrubber(lambda text, conversation, after: redactor.redact(text, conversation,
                                                                                          after=after).text)
            held = _scrubbers[id(redactor)] = (redactor, scrubber)
        return held[1]
