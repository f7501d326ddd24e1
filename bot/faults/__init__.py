"""What the assistant does when something it depends on fails: a clear reply, nothing kept raw, recovery.

- The action server is down, slow or failing: each call is bounded in time
  (``BoundedActionEndpoint``); the person is told "I can't do that right now",
  and what their message set is undone, so that the conversation (a
  half-filled form too) continues where it was once the action server is back.
  The action server does not start a call whose deadline has passed
  (``bot.faults.deadline``).
- The tracker store is locked or unreachable: the message is refused with a
  clear reply; Rasa's own fall-back to an in-memory store (which would start a
  fresh conversation and keep a copy outside the redacting store) is switched off.
- The vault is unavailable: the message needing it is refused with a clear
  reply (see ``refusal_for``), never passed on or kept unredacted.

``bot.faults.install`` puts the first two into the running Rasa server's
agent, once, when the server starts; every input channel answers a tracker-store
outage (``answer_store_outages``, through ``PrivacyGate.wrap``).

Errors (a failed action call is answered, not raised: Rasa would drop it)::

    ServiceUnavailable                 a service the assistant needs did not answer
    └── ConversationStoreUnavailable   the tracker store: locked, unreachable or failing
"""

from bot.faults.errors import ConversationStoreUnavailable, ServiceUnavailable
from bot.faults.replies import ACTION_UNAVAILABLE, STORE_UNAVAILABLE, VAULT_UNAVAILABLE, refusal_for

__all__ = [
    "ACTION_UNAVAILABLE",
    "STORE_UNAVAILABLE",
    "VAULT_UNAVAILABLE",
    "ConversationStoreUnavailable",
    "ServiceUnavailable",
    "refusal_for",
]
