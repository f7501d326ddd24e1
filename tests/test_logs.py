"""Log records are redacted at creation: every logger, level and handler; failures withhold."""

from __future__ import annotations

import io
import logging
import re
from typing import Iterator

import pytest

from bot.logs import INSIDE_REDACTOR, WITHHELD, install_log_redaction, uninstall_log_redaction

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
    log.debug("card %s", CANARY)
    log.info("card " + CANARY)
    log.warning("card %(card)s", {"card": CANARY})
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
