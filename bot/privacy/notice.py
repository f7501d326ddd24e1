"""What to tell a person whose message had something hidden: the kinds, never the values."""

from __future__ import annotations

from typing import Iterable, List, Optional

from bot.privacy.entities import ENTITY_KINDS, SECRET_ENTITIES


def _join(words: List[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _kinds(entity_types: Iterable[str]) -> List[str]:
    order = list(ENTITY_KINDS)
    known = sorted({t for t in entity_types if t in ENTITY_KINDS}, key=order.index)
    return [ENTITY_KINDS[t] for t in known]


def kind_labels(entity_types: Iterable[str]) -> List[str]:
    """The plain-language names of these kinds ("card number"), in a stable order, for a widget's note."""
    return _kinds(entity_types)


def redaction_notice(entity_types: Iterable[str]) -> Optional[str]:
    """A short note that the values were hidden, or None when nothing was."""
    types = set(entity_types)
    kinds = _kinds(types)
    if not kinds:
        return None
    plural = len(kinds) > 1
    subject = "them" if plural else "it"
    text = f"I hid the {_join(kinds)} you typed; I never store {subject}."
    secrets = _kinds(types & SECRET_ENTITIES)
    if secrets:
        text += (
            f" Please never share your {_join(secrets)} with anyone, not even with us: "
            "your bank will never ask for it."
        )
    return text
