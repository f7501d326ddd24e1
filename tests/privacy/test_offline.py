"""The engine never reaches the network: built and run with every outbound connection blocked."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.servers import NETGUARD_SITE, ROOT

# The engine on its own first; then what every entry point installs (bot.patches) for any other caller of
# tldextract in the process (stock Presidio's e-mail recognizer).
SCRIPT = """
import tldextract
from bot.privacy import Redactor
redactor = Redactor()
text = "write to jane.doe@example.co.uk or visit, card 4111 1111 1111 1111, call +44 20 7946 0958"
print(redactor.redact(text, "c1").text)
from bot.patches import install_engine
install_engine()
print(tldextract.extract("mail.example.co.uk").suffix)
"""


def test_engine_builds_and_redacts_offline(tmp_path: Path) -> None:
    log = tmp_path / "attempts.log"
    env = dict(os.environ, PYTHONPATH=f"{NETGUARD_SITE}{os.pathsep}{ROOT}", FINBOT_NETGUARD_LOG=str(log),
               HOME=str(tmp_path))  # no tldextract cache from an earlier run to hide a fetch
    env.pop("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", None)  # the engine must not depend on the caller's setting
    result = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    first, second = result.stdout.strip().splitlines()[-2:]
    assert "<EMAIL_ADDRESS_1>" in first and "<CREDIT_CARD_1>" in first and "<PHONE_NUMBER_1>" in first, first
    assert second == "co.uk"
    assert not log.exists() or log.read_text() == "", log.read_text()


# Stock Presidio built by the evaluation code, with no entry point having installed anything: its e-mail
# recognizer calls tldextract, which would fetch the public suffix list.
STOCK_SCRIPT = """
from bot.privacy.evaluation import build_stock_analyzer
analyzer = build_stock_analyzer()
found = analyzer.analyze(text="write to jane.doe@example.co.uk", language="en")
print(sorted({result.entity_type for result in found}))
"""


def test_stock_presidio_built_for_evaluation_stays_offline(tmp_path: Path) -> None:
    log = tmp_path / "attempts.log"
    env = dict(os.environ, PYTHONPATH=f"{NETGUARD_SITE}{os.pathsep}{ROOT}", FINBOT_NETGUARD_LOG=str(log),
               HOME=str(tmp_path))
    env.pop("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", None)
    result = subprocess.run([sys.executable, "-c", STOCK_SCRIPT], env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "EMAIL_ADDRESS" in result.stdout.strip().splitlines()[-1]
    assert not log.exists() or log.read_text() == "", log.read_text()
