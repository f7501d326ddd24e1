"""Redact every text-bearing field of a Rasa event before it is stored or published.

Events are walked as dictionaries: every string and number is redacted except
the fields that are structure (event type, timestamps, intent and action
names, entity types, offsets, confidences). A field whose redaction fails is
dropped to an empty string and the failure is logged without its content.

Redaction is deterministic within a conversation (same value, same
placeholder), so a tracker redacted twice gives identical events, which is
what Rasa's tracker stores rely on to find the events not yet saved.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from typing import Any, Callable, Dict, List

from bot.privacy.errors import PrivacyError

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
DROPPED = ""
CACHE_SIZE = 20_000


class EventScrubber:
    """Redacts event dictionaries with ``redact(text, conversation) -> text``."""

    def __init__(self, redact: Callable[[str, str], str], cache_size: int = CACHE_SIZE) -> None:
        self._redact = redact
        self._cache: OrderedDict[bytes, str] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def event(self, event: Dict[str, Any], conversation: str) -> Dict[str, Any]:
        """A redacted copy of ``event``."""
        scrubbed: Dict[str, Any] = self._value(event, conversation, key=None)
        return scrubbed

    def events(self, events: List[Dict[str, Any]], conversation: str) -> List[Dict[str, Any]]:
        return [self.event(e, conversation) for e in events]

    def text(self, text: str, conversation: str) -> str:
        """``text`` redacted, or dropped if redaction fails; results are cached by a hash, never by the text."""
        if not text.strip():
            return text
        key = hashlib.sha256(f"{conversation}\0{text}".encode("utf-8", "surrogatepass")).digest()
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        try:
            result = self._redact(text, conversation)
        except PrivacyError as error:
            logger.error("a stored field could not be redacted (%s); its content was dropped", type(error).__name__)
            return DROPPED
        with self._lock:
            self._cache[key] = result
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return result

    def _value(self, value: Any, conversation: str, key: Any) -> Any:
        if isinstance(value, dict):
            return {
                k: (v if (k in STRUCTURAL_KEYS and not isinstance(v, (dict, list)))
                    or (k in STRUCTURAL_DICTS and isinstance(v, dict))
                    else self._value(v, conversation, k))
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [self._value(v, conversation, key) for v in value]
        if isinstance(value, str):
            return self.text(value, conversation)
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, (int, float)):
            # A number can be an identifier (an account number stored in a slot as an int).
            as_text = str(value)
            redacted = self.text(as_text, conversation)
            return value if redacted == as_text else redacted
        # Anything else is made text first: nothing leaves unexamined.
        return self.text(str(value), conversation)
