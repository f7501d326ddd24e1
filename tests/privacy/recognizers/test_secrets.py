"""Secret recognizers: PIN, password, one-time code, security answer."""

from __future__ import annotations

from typing import Callable, List, Optional

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from presidio_analyzer import RecognizerResult

from bot.privacy.entities import ALL_ENTITIES, SECRET_ENTITIES
from bot.privacy.recognizers import secrets

Detect = Callable[[str, str], List[RecognizerResult]]
AssertDetected = Callable[[str, str, str, str], None]
AssertNotDetected = Callable[[str, str, Optional[str]], None]

FOUND = [
    # PINs.
    ("my pin is 1234", "PIN", "1234"),
    ("PIN number: 98765", "PIN", "98765"),
    ("the new pin will be 4321", "PIN", "4321"),
    ("5555 is my pin", "PIN", "5555"),
    ("pin code 123456", "PIN", "123456"),
    ("PIN:0000", "PIN", "0000"),
    ("I changed my PIN to 2580 yesterday", "PIN", "2580"),
    # Passwords.
    ("my password is hunter2.", "PASSWORD", "hunter2"),
    ("pwd: S3cr3t!", "PASSWORD", "S3cr3t!"),
    ('password: "correct horse battery"', "PASSWORD", "correct horse battery"),
    ("I changed my password to Tr0ub4dor&3, ok?", "PASSWORD", "Tr0ub4dor&3"),
    ("the passcode is 887766", "PASSWORD", "887766"),
    ("password hunter22", "PASSWORD", "hunter22"),
    ("my password is now Blue-Sky-42", "PASSWORD", "Blue-Sky-42"),
    # One-time codes.
    ("the code you sent is 603 112", "ONE_TIME_CODE", "603 112"),
    ("OTP: 123456", "ONE_TIME_CODE", "123456"),
    ("verification code 8842-1190", "ONE_TIME_CODE", "8842-1190"),
    ("my 2FA code 554433", "ONE_TIME_CODE", "554433"),
    ("your one-time passcode is 739201", "ONE_TIME_CODE", "739201"),
    ("one-time password: 4471", "ONE_TIME_CODE", "4471"),
    ("the code I got was 99812345", "ONE_TIME_CODE", "99812345"),
    ("security code 654321", "ONE_TIME_CODE", "654321"),
    ("code from the text is 3344", "ONE_TIME_CODE", "3344"),
    # Security answers: the answer alone.
    ("my mother's maiden name is Smith and I need help", "SECURITY_ANSWER", "Smith"),
    ("first pet was called Rex.", "SECURITY_ANSWER", "Rex"),
    ("my first pet was a dog called Buddy", "SECURITY_ANSWER", "Buddy"),
    ('the answer to my security question is "blue monkey"', "SECURITY_ANSWER", "blue monkey"),
    ("mum's maiden name: van der Berg.", "SECURITY_ANSWER", "van der Berg"),
    ("my first school was St Mary of the Angels", "SECURITY_ANSWER", "St Mary of the Angels"),
    ("maiden name is smith.", "SECURITY_ANSWER", "smith"),
    ("my first car was Ford Fiesta, thanks", "SECURITY_ANSWER", "Ford Fiesta"),
]

NOT_FOUND = [
    ("in my opinion 2024 was good", "PIN"),
    ("spinning 1234 times", "PIN"),
    ("pin 12", "PIN"),
    ("pin 1234567", "PIN"),
    ("I pinned 1234 posts", "PIN"),
    ("my password is not working", "PASSWORD"),
    ("password is required", "PASSWORD"),
    ("password reset 2024", "PASSWORD"),
    ("the password is 12 characters long", "PASSWORD"),
    ("I forgot my password yesterday", "PASSWORD"),
    ("your one-time passcode is 739201", "PASSWORD"),
    ("the verification code expired", "ONE_TIME_CODE"),
    ("promo code SAVE20 and zip code 10001", "ONE_TIME_CODE"),
    ("security code 123", "ONE_TIME_CODE"),  # a CVV
    ("what is my mother's maiden name?", "SECURITY_ANSWER"),
    ("I forgot my first pet's name", "SECURITY_ANSWER"),
    ("my mother's maiden name is the same as mine", "SECURITY_ANSWER"),
]

NEEDED = [
    "Pin the $1,200 payment for next Friday, and use Apple Pay.",
    "What is the best password manager? Is 2FA worth it for my Roth IRA?",
    "I need a new code for 401(k) enrolment, my first pet is a cat.",
    "Send me a verification code please.",
]


@pytest.mark.parametrize(("text", "entity", "value"), FOUND)
def test_found(assert_detected: AssertDetected, text: str, entity: str, value: str) -> None:
    assert_detected("secrets", text, entity, value)


@pytest.mark.parametrize(("text", "entity"), NOT_FOUND)
def test_not_found(assert_not_detected: AssertNotDetected, text: str, entity: str) -> None:
    assert_not_detected("all", text, entity)


@pytest.mark.parametrize("text", NEEDED)
def test_dialogue_tokens_kept(assert_not_detected: AssertNotDetected, text: str) -> None:
    assert_not_detected("all", text, None)


def test_recognizers_are_fresh_and_typed() -> None:
    first, second = secrets.recognizers(), secrets.recognizers()
    assert len(first) == len(second) and all(a is not b for a, b in zip(first, second))
    entities = {e for r in first for e in r.supported_entities}
    assert entities == {"PIN", "PASSWORD", "ONE_TIME_CODE", "SECURITY_ANSWER"}
    assert entities <= ALL_ENTITIES & SECRET_ENTITIES


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cue=st.sampled_from(["my pin is ", "PIN: ", "pin number ", "new PIN will be ", "pin code is "]),
    value=st.text("0123456789", min_size=4, max_size=6),
    after=st.sampled_from(["", ".", " thanks", ", ok?"]),
)
def test_pins_after_cue_found(detect: Detect, cue: str, value: str, after: str) -> None:
    text = f"{cue}{value}{after}"
    spans = {(r.start, r.end) for r in detect("secrets", text) if r.entity_type == "PIN"}
    assert (len(cue), len(cue) + len(value)) in spans


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.characters(codec="ascii"), max_size=120))
def test_no_pin_without_the_word(detect: Detect, text: str) -> None:
    assume("pin" not in text.lower())
    assert not [r for r in detect("secrets", text) if r.entity_type == "PIN"]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=200))
def test_arbitrary_text_never_raises(detect: Detect, text: str) -> None:
    for result in detect("secrets", text):
        assert 0 <= result.start < result.end <= len(text)


@pytest.mark.parametrize(
    "text, value",
    [
        ("I forgot whether my PIN was 475821 or 1820", "1820"),
        ("I forgot whether my PIN was 475821 or 1820", "475821"),
        ("the pin is 1234 or maybe 5678", "5678"),
    ],
)
def test_every_pin_offered_is_a_pin(assert_detected: AssertDetected, text: str, value: str) -> None:
    assert_detected("secrets", text, "PIN", value)


@pytest.mark.parametrize(
    "text",
    ["My passcode was denied.", "I don't have my passcode to access the app.", "my password was rejected again"],
)
def test_words_about_a_password_are_not_the_password(assert_not_detected: AssertNotDetected, text: str) -> None:
    assert_not_detected("secrets", text, "PASSWORD")
