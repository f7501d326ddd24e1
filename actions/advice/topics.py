"""Explanations with follow-ups: one intent, several sections, and buttons to the others.

A topic such as credit scores has sections (what a score is, what hurts it, how to improve it,
how long that takes). The section comes from the ``advice_subtopic`` entity of a button payload
(``/ask_credit_score{"advice_subtopic": "improve"}``) or from the words of the question ("what
hurts my score?"); without either, the overview. Section texts are domain responses.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

from rasa_sdk import Tracker

from actions.advice.common import entity_values, latest_text

SUBTOPIC_ENTITY = "advice_subtopic"


@dataclass(frozen=True)
class Section:
    """One part of a topic: its key (the entity value), a button title, its response, and the words that ask for it."""

    key: str
    title: str
    response: str
    words: Optional[str] = None


@dataclass(frozen=True)
class Topic:
    """The sections of one intent's explanation; the first section is the overview."""

    intent: str
    sections: Tuple[Section, ...]

    def section(self, key: str) -> Section:
        return next(section for section in self.sections if section.key == key)

    def pick(self, tracker: Tracker) -> Section:
        """The section the latest message asks for: a button's entity first, then its words, else the overview."""
        keys = {section.key for section in self.sections}
        for value in entity_values(tracker, SUBTOPIC_ENTITY):
            if value in keys:
                return self.section(str(value))
        text = latest_text(tracker)
        for section in self.sections[1:]:
            if section.words and re.search(section.words, text, re.IGNORECASE):
                return section
        return self.sections[0]

    def buttons(self, shown: Section) -> List[Dict[str, str]]:
        """Buttons to the sections not just shown."""
        return [
            {"title": section.title, "payload": f"/{self.intent}{json.dumps({SUBTOPIC_ENTITY: section.key})}"}
            for section in self.sections if section.key != shown.key
        ]
