"""The privacy policy: one YAML file, validated on load.

The default policy ships beside this module (``policy.yml``); a deployment
overrides it with a path (``FINBOT_PRIVACY_POLICY`` or a channel setting).
Every mistake is a :class:`PolicyError` naming the file and the key.
"""

from __future__ import annotations

import enum
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, FrozenSet, Mapping, Optional, Union

import yaml

from bot.privacy.entities import ALL_ENTITIES
from bot.privacy.errors import PolicyError

DEFAULT_POLICY_PATH = Path(__file__).with_name("policy.yml")
POLICY_ENV = "FINBOT_PRIVACY_POLICY"


class Action(str, enum.Enum):
    """What becomes of a detected value."""

    PLACEHOLDER = "placeholder"
    VAULT = "vault"
    MASK = "mask"
    KEEP = "keep"


@dataclass(frozen=True)
class EntityRule:
    threshold: float
    action: Action


@dataclass(frozen=True)
class Policy:
    """A validated policy. ``rules`` holds one rule for every detected entity type."""

    rules: Mapping[str, EntityRule]
    max_chars: int = 5000
    timeout_seconds: float = 2.0
    remembered_texts: int = 20_000
    vault_ttl_seconds: int = 86400
    # How long conversations (tracker events) and records of vault reveals are kept, and how often the
    # servers delete what is older (bot.retention).
    events_retention_seconds: int = 30 * 86400
    reveals_retention_seconds: int = 365 * 86400
    purge_every_seconds: int = 3600
    metadata_keys: FrozenSet[str] = field(default_factory=frozenset)
    # The default-deny net (bot.privacy.recognizers.net): hide what still looks like an identifier.
    # On unless a policy file says ``default_deny: false``.
    default_deny: bool = True
    source: str = "<policy>"

    @property
    def entities(self) -> FrozenSet[str]:
        """The entity types the engine detects (those not kept as typed are acted on)."""
        return frozenset(self.rules)

    def rule(self, entity_type: str) -> EntityRule:
        return self.rules[entity_type]

    @property
    def fingerprint(self) -> str:
        """A digest of what the policy detects and how it acts on it (rules, size limit, metadata keys).

        Two servers of the same release redact alike when their fingerprints are equal (the recognizers and
        the spaCy model are the release's); where a policy was read from does not count.
        """
        what = {
            "rules": {name: [rule.threshold, rule.action.value] for name, rule in sorted(self.rules.items())},
            "max_chars": self.max_chars,
            "metadata_keys": sorted(self.metadata_keys),
            "default_deny": self.default_deny,
        }
        return hashlib.sha256(json.dumps(what, sort_keys=True).encode("utf-8")).hexdigest()

    @classmethod
    def load(cls, path: Optional[Union[str, Path]] = None) -> Policy:
        """Load and validate the policy at ``path``, $FINBOT_PRIVACY_POLICY, or the shipped default."""
        path = Path(path or os.environ.get(POLICY_ENV) or DEFAULT_POLICY_PATH)
        source = str(path)
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise PolicyError(source, "<file>", f"cannot be read: {error.strerror}") from error
        except yaml.YAMLError as error:
            raise PolicyError(source, "<file>", f"is not valid YAML: {error}") from error
        return cls.from_dict(raw, source=source)

    @classmethod
    def from_dict(cls, raw: Any, source: str = "<policy>") -> Policy:
        """Validate a parsed policy document."""
        doc = _mapping(raw, source, "<top level>")
        _only(doc, {"version", "defaults", "limits", "vault", "retention", "entities", "metadata", "default_deny"},
              source, "")
        if doc.get("version", 1) != 1:
            raise PolicyError(source, "version", f"unsupported version {doc.get('version')!r} (expected 1)")

        defaults = _mapping(doc.get("defaults", {}), source, "defaults")
        _only(defaults, {"threshold", "action"}, source, "defaults")
        default_threshold = _threshold(defaults.get("threshold", 0.5), source, "defaults.threshold")
        default_action = _action(defaults.get("action", "placeholder"), source, "defaults.action")

        limits = _mapping(doc.get("limits", {}), source, "limits")
        _only(limits, {"max_chars", "timeout_seconds", "remembered_texts"}, source, "limits")
        max_chars = _positive(limits.get("max_chars", 5000), source, "limits.max_chars", int)
        timeout = _positive(limits.get("timeout_seconds", 2.0), source, "limits.timeout_seconds", float)
        remembered = _count(limits.get("remembered_texts", 20_000), source, "limits.remembered_texts")

        vault = _mapping(doc.get("vault", {}), source, "vault")
        _only(vault, {"ttl_seconds"}, source, "vault")
        ttl = _positive(vault.get("ttl_seconds", 86400), source, "vault.ttl_seconds", int)

        retention = _mapping(doc.get("retention", {}), source, "retention")
        _only(retention, {"events_seconds", "reveals_seconds", "purge_every_seconds"}, source, "retention")
        events = _positive(retention.get("events_seconds", 30 * 86400), source, "retention.events_seconds", int)
        reveals = _positive(retention.get("reveals_seconds", 365 * 86400), source, "retention.reveals_seconds", int)
        every = _positive(retention.get("purge_every_seconds", 3600), source, "retention.purge_every_seconds", int)

        entities = _mapping(doc.get("entities"), source, "entities")
        if not entities:
            raise PolicyError(source, "entities", "names no entity")
        rules: Dict[str, EntityRule] = {}
        for name, spec in entities.items():
            key = f"entities.{name}"
            if name not in ALL_ENTITIES:
                raise PolicyError(source, key, f"unknown entity (known: {', '.join(sorted(ALL_ENTITIES))})")
            spec = _mapping(spec if spec is not None else {}, source, key)
            _only(spec, {"threshold", "action"}, source, key)
            rules[name] = EntityRule(
                threshold=_threshold(spec.get("threshold", default_threshold), source, f"{key}.threshold"),
                action=_action(spec.get("action", default_action.value), source, f"{key}.action"),
            )

        metadata = _mapping(doc.get("metadata", {}), source, "metadata")
        _only(metadata, {"allowed_keys"}, source, "metadata")
        keys = metadata.get("allowed_keys", [])
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            raise PolicyError(source, "metadata.allowed_keys", "must be a list of strings")

        default_deny = doc.get("default_deny", True)  # off only where a policy says so
        if not isinstance(default_deny, bool):
            raise PolicyError(source, "default_deny", f"must be true or false, not {default_deny!r}")
        return cls(
            rules=rules, max_chars=max_chars, timeout_seconds=timeout, remembered_texts=remembered,
            vault_ttl_seconds=ttl, default_deny=default_deny, events_retention_seconds=events,
            reveals_retention_seconds=reveals, purge_every_seconds=every,
            metadata_keys=frozenset(keys), source=source,
        )


def _mapping(value: Any, source: str, key: str) -> Dict[str, Any]:
    if not isinstance(value, dict):
        raise PolicyError(source, key, f"must be a mapping, not {type(value).__name__}")
    return value


def _only(mapping: Mapping[str, Any], allowed: set, source: str, where: str) -> None:
    for key in mapping:
        if key not in allowed:
            name = f"{where}.{key}" if where else str(key)
            raise PolicyError(source, name, f"unknown key (allowed: {', '.join(sorted(allowed))})")


def _threshold(value: Any, source: str, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
        raise PolicyError(source, key, f"must be a number from 0 to 1, not {value!r}")
    return float(value)


def _action(value: Any, source: str, key: str) -> Action:
    try:
        return Action(value)
    except ValueError:
        allowed = ", ".join(a.value for a in Action)
        raise PolicyError(source, key, f"unknown action {value!r} (allowed: {allowed})") from None


def _count(value: Any, source: str, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise PolicyError(source, key, f"must be a whole number, 0 or more, not {value!r}")
    return value


def _positive(value: Any, source: str, key: str, kind: type) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise PolicyError(source, key, f"must be a positive number, not {value!r}")
    if kind is int and not float(value).is_integer():
        raise PolicyError(source, key, f"must be a whole number, not {value!r}")
    return kind(value)
