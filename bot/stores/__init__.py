"""Redacting wrappers around Rasa's tracker stores and event brokers."""

from bot.stores.broker import RedactingEventBroker
from bot.stores.scrub import EventScrubber
from bot.stores.tracker_store import RedactingTrackerStore

__all__ = ["EventScrubber", "RedactingEventBroker", "RedactingTrackerStore"]
