"""Log records are redacted at creation: every logger, level and handler; failures withhold."""

from __future__ import annotations

import io
import logging
import re
from typing import Any, Iterator, List

import pytest

from bot.logs import INSIDE_REDACTOR, WITHHELD
from bot.patches.log_records import install_log_redaction, uninstall_log_redaction

CANARY = "4111111111111111"


def fake_redact(text: str) -> str:
    return re.sub(r"\d{16}", "<CREDIT_CARD_1>", text)


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    install_log_redaction(fake_redact)
    try:
        yield stream
    finally:
        uninstall_log_redaction()
        root.removeHandler(handler)
        root.setLevel(old_level)


@pytest.mark.parametrize("name", ["rasa.core.processor", "sanic.access", "rasa_sdk.executor", "bot", "structlog"])
def test_every_logger_and_level(captured: io.StringIO, name: str) -> None:
    log = logging.getLogger(name)
    level = log.level
    log.setLevel(logging.DEBUG)  # a library (Sanic, when an app is made) may have set its logger's own level
    try:
        log.debug("card %s", CANARY)
        log.info("card " + CANARY)
        log.warning("card %(card)s", {"card": CANARY})
    finally:
        log.setLevel(level)
    output = captured.getvalue()
    assert CANARY not in output
    assert output.count("<CREDIT_CARD_1>") == 3


def test_tracebacks_are_redacted(captured: io.StringIO) -> None:
    try:
        raise ValueError(f"bad card {CANARY}")
    except ValueError:
        logging.getLogger("rasa").exception("failed")
    assert CANARY not in captured.getvalue() and "bad card <CREDIT_CARD_1>" in captured.getvalue()


def test_a_failing_redactor_withholds_the_message(captured: io.StringIO) -> None:
    def broken(text: str) -> str:
        raise RuntimeError("engine down")

    install_log_redaction(broken)
    logging.getLogger("rasa").error("card %s", CANARY)
    assert CANARY not in captured.getvalue() and WITHHELD in captured.getvalue()


def test_records_made_while_redacting_are_withheld(captured: io.StringIO) -> None:
    def chatty(text: str) -> str:
        logging.getLogger("presidio-analyzer").warning("analyzing %s", text)
        return fake_redact(text)

    install_log_redaction(chatty)
    logging.getLogger("rasa").warning("card %s", CANARY)
    assert CANARY not in captured.getvalue() and INSIDE_REDACTOR in captured.getvalue()


def test_a_handler_added_later_is_covered(captured: io.StringIO) -> None:
    late = io.StringIO()
    logger = logging.getLogger("late")
    logger.addHandler(logging.StreamHandler(late))
    try:
        logger.warning("card %s", CANARY)
    finally:
        logger.handlers.clear()
    assert CANARY not in late.getvalue() and "<CREDIT_CARD_1>" in late.getvalue()


def test_a_repeated_log_message_is_redacted_once_and_no_original_is_kept() -> None:
    from bot.runtime import RecentRedactions

    calls: List[str] = []

    def redact(text: str) -> str:
        calls.append(text)
        return text.replace("4111 1111 1111 1111", "<CREDIT_CARD_1>")

    recent = RecentRedactions(size=2)
    for _ in range(3):
        assert recent.get("card 4111 1111 1111 1111", redact) == "card <CREDIT_CARD_1>"
    assert len(calls) == 1
    assert "4111" not in repr(list(recent._memory._items.items()))
    recent.get("a", redact), recent.get("b", redact)  # the oldest entry is dropped past the size
    recent.get("card 4111 1111 1111 1111", redact)
    assert len(calls) == 4


class NameSpotter:
    """A stand-in engine: "Kevin" is a name, "GB82WEST12345698765432" an IBAN, 16 digits a card."""

    policy = type("Policy", (), {"max_chars": 10_000})()
    RULES = ((r"Kevin", "PERSON"), (r"GB82WEST12345698765432", "IBAN_CODE"), (r"\d{16}", "CREDIT_CARD"))

    def detect(self, text: str) -> List[Any]:
        return [type("Found", (), {"type": kind})() for rule, kind in self.RULES if re.search(rule, text)]

    def redact(self, text: str, conversation: str) -> Any:
        for rule, kind in self.RULES:
            text = re.sub(rule, f"<{kind}_1>", text)
        return type("Redaction", (), {"text": text})()


@pytest.mark.parametrize("line, expected", [
    # Opaque ids the servers make are not read for names...
    ("socketio: User MKXq2v8T0Hh3-Kevin9AB connected", "socketio: User MKXq2v8T0Hh3-Kevin9AB connected"),
    ("erased app:~mfrggzdfmztwq2lknnwg23tomfrggzdf", "erased app:~mfrggzdfmztwq2lknnwg23tomfrggzdf"),
    # ...but a name elsewhere in the line still is,
    ("User MKXq2v8T0Hh3uL9AAAB0 is Kevin", "User MKXq2v8T0Hh3uL9AAAB0 is <PERSON_1>"),
    # and a token that is an identifier of another kind is not an id to keep.
    ("send to GB82WEST12345698765432 now", "send to <IBAN_CODE_1> now"),
    ("card 4111111111111111 declined", "card <CREDIT_CARD_1> declined"),
    # A line with marks of its own is redacted whole.
    ("\ue0000\ue001 Kevin MKXq2v8T0Hh3-Kevin9AB", "\ue0000\ue001 <PERSON_1> MKXq2v8T0Hh3-<PERSON_1>9AB"),
])
def test_opaque_ids_are_not_read_for_names_in_logs(line: str, expected: str) -> None:
    from bot.runtime import _redact_log_message

    assert _redact_log_message(NameSpotter(), line) == expected  # type: ignore[arg-type]
