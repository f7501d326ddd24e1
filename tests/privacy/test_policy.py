"""The privacy policy: the shipped file, defaults, and errors that name the file and the key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.privacy.entities import ALL_ENTITIES
from bot.privacy.errors import PolicyError
from bot.privacy.policy import Action, Policy


def test_the_shipped_policy_covers_every_entity() -> None:
    policy = Policy.load()
    assert policy.entities == ALL_ENTITIES
    assert policy.rule("CREDIT_CARD").action is Action.VAULT
    assert policy.rules and all(0 <= rule.threshold <= 1 for rule in policy.rules.values())


def test_defaults_apply_to_entities_without_settings() -> None:
    policy = Policy.from_dict({"entities": {"PIN": None, "PASSWORD": {"threshold": 0.8}},
                               "defaults": {"threshold": 0.3, "action": "mask"}})
    assert policy.rule("PIN").threshold == 0.3 and policy.rule("PIN").action is Action.MASK
    assert policy.rule("PASSWORD").threshold == 0.8


@pytest.mark.parametrize(
    ("document", "key", "words"),
    [
        ({"entities": {"BANANA": {}}}, "entities.BANANA", "unknown entity"),
        ({"entities": {"PIN": {"action": "shred"}}}, "entities.PIN.action", "unknown action"),
        ({"entities": {"PIN": {}}, "colour": "blue"}, "colour", "unknown key"),
        ({"entities": {"PIN": {}}, "limits": {"max_char": 10}}, "limits.max_char", "unknown key"),
        ({"entities": {"PIN": {"treshold": 0.5}}}, "entities.PIN.treshold", "unknown key"),
        ({"entities": {"PIN": {"threshold": 1.5}}}, "entities.PIN.threshold", "from 0 to 1"),
        ({"entities": {"PIN": {"threshold": "high"}}}, "entities.PIN.threshold", "from 0 to 1"),
        ({"defaults": {"threshold": True}, "entities": {"PIN": {}}}, "defaults.threshold", "from 0 to 1"),
        ({"entities": {"PIN": {}}, "limits": {"timeout_seconds": 0}}, "limits.timeout_seconds", "positive"),
        ({"entities": {"PIN": {}}, "limits": {"max_chars": 10.5}}, "limits.max_chars", "whole number"),
        ({"entities": {"PIN": {}}, "limits": {"remembered_texts": -1}}, "limits.remembered_texts", "0 or more"),
        ({"entities": {"PIN": {}}, "limits": {"remembered_texts": True}}, "limits.remembered_texts", "0 or more"),
        ({"entities": {}}, "entities", "names no entity"),
        ({"version": 2, "entities": {"PIN": {}}}, "version", "unsupported version"),
        ({"entities": {"PIN": {}}, "metadata": {"allowed_keys": "locale"}}, "metadata.allowed_keys", "list"),
        (["PIN"], "<top level>", "mapping"),
    ],
)
def test_policy_errors_name_the_file_and_the_key(tmp_path: Path, document: Any, key: str, words: str) -> None:
    path = tmp_path / "policy.yml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        Policy.load(path)
    assert caught.value.source == str(path)
    assert caught.value.key == key
    assert str(caught.value).startswith(f"{path}: {key}: ")
    assert words in str(caught.value)


def test_unreadable_and_invalid_policy_files(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot be read"):
        Policy.load(tmp_path / "missing.yml")
    broken = tmp_path / "broken.yml"
    broken.write_text("entities: [unclosed", encoding="utf-8")
    with pytest.raises(PolicyError, match="not valid YAML") as caught:
        Policy.load(broken)
    assert caught.value.source == str(broken)


def test_the_policy_path_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "env-policy.yml"
    path.write_text(yaml.safe_dump({"entities": {"PIN": {"action": "mask"}}}), encoding="utf-8")
    monkeypatch.setenv("FINBOT_PRIVACY_POLICY", str(path))
    policy = Policy.load()
    assert policy.entities == {"PIN"} and policy.source == str(path)


def test_the_fingerprint_changes_with_what_is_redacted_not_with_where_the_policy_was_read(tmp_path: Path) -> None:
    shipped = Policy.load()
    copy = tmp_path / "copy.yml"
    copy.write_text(Path(shipped.source).read_text())
    assert Policy.load(copy).fingerprint == shipped.fingerprint
    document = yaml.safe_load(copy.read_text())
    document["entities"]["CREDIT_CARD"] = {"action": "keep"}
    looser = tmp_path / "looser.yml"
    looser.write_text(yaml.safe_dump(document))
    assert Policy.load(looser).fingerprint != shipped.fingerprint
    document["entities"]["CREDIT_CARD"] = {"threshold": 0.99}
    looser.write_text(yaml.safe_dump(document))
    assert Policy.load(looser).fingerprint != shipped.fingerprint


def test_the_default_deny_net_is_on_unless_a_policy_turns_it_off() -> None:
    entities = {"entities": {"ACCOUNT_NUMBER": {}}}
    assert Policy.from_dict(entities).default_deny is True
    assert Policy.from_dict({**entities, "default_deny": False}).default_deny is False
    assert Policy.load().default_deny is True
    with pytest.raises(PolicyError, match="default_deny"):
        Policy.from_dict({**entities, "default_deny": "yes"})
    # Two servers whose nets differ do not redact alike.
    assert Policy.from_dict(entities).fingerprint != Policy.from_dict({**entities, "default_deny": False}).fingerprint
