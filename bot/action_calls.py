"""Action calls scrubbed once, by the Rasa server that sends them, and sealed so the action server can tell.

Every action call carries the whole tracker. The action server must see
placeholders only, whatever the way a message came in (plain ``rasa shell``,
Rasa's HTTP API), so it scrubbed every call in its own process: each new text
was detected there a second time, after the Rasa server's tracker store had
detected it already. Now the Rasa server scrubs the call with its tracker
store's scrubber (whose memory holds nearly every text of the tracker), and
seals the body: an HMAC-SHA256 under a key derived from the master key, in the
``X-Finbot-Scrubbed`` header. The action server uses a call whose seal checks
as it is; it scrubs any other call itself, as before: one from a Rasa without
our endpoint (plain ``rasa shell``), one altered on the way, one from anyone
without the key. Nothing of a call is kept to seal or check it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path
from typing import Any, Dict, Optional, Tuple

from bot.privacy.keys import derive_key, load_master_key
from bot.privacy.policy import Policy
from bot.stores.scrub import EventScrubber

SEAL_HEADER = "X-Finbot-Scrubbed"
SEAL_PURPOSE = "scrubbed-action-calls"


def seal_key(var_dir: Optional[Path] = None, policy: Optional[Policy] = None) -> bytes:
    """The sealing key of this installation and privacy policy: from $FINBOT_VAULT_KEY, or the master key
    under ``var_dir`` ($FINBOT_VAR_DIR, else ``var``), as the Rasa server and the action server both read it.

    The policy's fingerprint is part of the key: a call scrubbed under another policy (a Rasa server that
    keeps what the action server's policy hides) has no seal the action server accepts, and is scrubbed there.
    """
    folder = Path(var_dir or os.environ.get("FINBOT_VAR_DIR") or "var")
    purpose = SEAL_PURPOSE if policy is None else f"{SEAL_PURPOSE}/{policy.fingerprint}"
    return derive_key(load_master_key(folder / "keys" / "master.key"), purpose)


def seal(body: bytes, key: bytes) -> str:
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def is_sealed(body: bytes, header: Optional[str], key: bytes) -> bool:
    """Whether ``header`` is the seal of exactly ``body`` under ``key``."""
    if not header:
        return False
    return hmac.compare_digest(seal(body, key).encode("ascii"), str(header).strip().encode("utf-8", "replace"))


def scrub_action_call(call: Dict[str, Any], scrubber: EventScrubber) -> Dict[str, Any]:
    """The action call with its tracker redacted; the domain (our own responses) is left as it is."""
    tracker = call.get("tracker")
    if isinstance(tracker, dict):
        conversation = str(tracker.get("sender_id") or call.get("sender_id") or "")
        call = {**call, "tracker": scrubber.event(tracker, conversation)}
    return call


class CallSealer:
    """The Rasa server's side: scrubs a call with the tracker store's scrubber, and seals its body."""

    def __init__(self, scrubber: EventScrubber, key: bytes) -> None:
        self.scrubber = scrubber
        self._key = key

    def __call__(self, call: Dict[str, Any]) -> Tuple[bytes, str]:
        """The scrubbed call as a JSON body, and its seal."""
        body = json.dumps(scrub_action_call(call, self.scrubber), separators=(",", ":")).encode("utf-8")
        return body, seal(body, self._key)
