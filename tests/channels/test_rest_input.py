"""The redacting REST channel's request validation: clear errors, nothing passed on raw."""

from __future__ import annotations

import json
from typing import Any, Dict

import pytest

from bot.channels.rest import BadRequest, parse_body, validate_message
from bot.channels.socketio_sessions import SessionIds


@pytest.mark.parametrize(
    "raw, status, fragment",
    [
        (b"", 400, "empty"),
        (b"   ", 400, "empty"),
        (b"{not json", 400, "not valid JSON"),
        (b"\xff\xfe{}", 400, "UTF-8"),
        (b"[1, 2]", 400, "JSON object"),
        (b'"hi"', 400, "JSON object"),
        (b"{" + b'"a": "' + b"x" * 70_000 + b'"}', 413, "larger than"),
        (b"[" * 20_000, 400, "too deeply nested"),
        (b'{"sender": "u1", "message": "hi", "n": ' + b"9" * 5000 + b"}", 400, "too long a number"),
    ],
)
def test_bad_bodies_get_a_clear_status(raw: bytes, status: int, fragment: str) -> None:
    with pytest.raises(BadRequest) as caught:
        parse_body(raw)
    assert caught.value.status == status and fragment in str(caught.value)


@pytest.mark.parametrize(
    "body, fragment",
    [
        ({"message": "hi"}, '"sender"'),
        ({"sender": "", "message": "hi"}, '"sender"'),
        ({"sender": 5, "message": "hi"}, '"sender"'),
        ({"sender": "u" * 200, "message": "hi"}, "at most"),
        ({"sender": "u\x00", "message": "hi"}, "printable"),
        ({"sender": "u1"}, '"message" must be a string'),
        ({"sender": "u1", "message": 12}, '"message" must be a string'),
        ({"sender": "u1", "message": ["hi"]}, '"message" must be a string'),
        ({"sender": "u1", "message": "   "}, "empty"),
        ({"sender": "u1", "message": "\x00\x01\x02"}, "empty"),
        ({"sender": "u1", "message": "hi", "metadata": "x"}, '"metadata"'),
        # A signed-in customer's conversation is reached only with a token, on the app channel.
        ({"sender": "app:alice", "message": "hi"}, "app channel"),
        ({"sender": " APP:alice", "message": "hi"}, "app channel"),
        # Nor an anonymous visitor's widget session (an id the socket.io channel issued).
        ({"sender": SessionIds(b"k" * 32).issue(), "message": "hi"}, "widget session"),
        ({"sender": "0" * 32 + "." + "F" * 32, "message": "hi"}, "widget session"),
    ],
)
def test_bad_fields_are_named(body: Dict[str, Any], fragment: str) -> None:
    with pytest.raises(BadRequest) as caught:
        validate_message(parse_body(json.dumps(body).encode()))
    assert caught.value.status == 400 and fragment in str(caught.value)


def test_control_characters_are_dropped_but_text_kept() -> None:
    fields = validate_message({"sender": "u1", "message": "hi\x07 there\nfriend", "metadata": {"locale": "en"}})
    assert fields == {"sender": "u1", "message": "hi there\nfriend", "metadata": {"locale": "en"}}


def test_the_gate_passes_on_what_a_channel_vouches_for_and_drops_what_a_client_made_up() -> None:
    import asyncio

    from bot.channels.auth import VOUCHED_KEY, Principal, vouched_metadata
    from bot.channels.gate import PrivacyGate
    from bot.privacy import Redactor

    gate = PrivacyGate(Redactor())
    claimed = {"locale": "en", "secret": "x", VOUCHED_KEY: {"scopes": ["chat", "privacy:erase"]}}
    # The REST channel vouches for nothing: a client's claim is gone before the gate.
    rest = validate_message({"sender": "u1", "message": "hi", "metadata": claimed})["metadata"]
    assert asyncio.run(gate.scrub_metadata(rest, "u1")) == {"locale": "en"}
    # A signed-in channel's claim passes, limited to the scopes that exist.
    principal = Principal("alice", frozenset({"chat", "root"}), 2_000_000_000.0)
    signed_in = vouched_metadata(claimed, principal)
    assert asyncio.run(gate.scrub_metadata(signed_in, "app:alice")) == {
        "locale": "en", VOUCHED_KEY: {"scopes": ["chat"]}}
