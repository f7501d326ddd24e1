"""Errors for services that did not answer (the tree is in ``bot.faults``)."""

from __future__ import annotations


class ServiceUnavailable(Exception):
    """A service the assistant needs did not answer. The message never carries user data."""


class ConversationStoreUnavailable(ServiceUnavailable):
    """The tracker store could not read or save a conversation (locked, unreachable, failing)."""
