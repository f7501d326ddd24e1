"""Where the action server finds the bank and the Vault: under the project's runtime folder.

The runtime folder is $FINBOT_VAR_DIR (``finbot run`` sets it for the action
server), else the project's ``var/``; the bank is ``<var>/bank.db``, the
Vault the one the Rasa server writes. Both are opened once per process, on
first use.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Dict

from actions.banking.core_bank import CoreBank
from actions.banking.reveal import PlaceholderReveal, open_project_vault

BANK_FILE = "bank.db"

_lock = threading.Lock()
_banks: Dict[Path, CoreBank] = {}
_vaults: Dict[Path, PlaceholderReveal] = {}


def var_dir() -> Path:
    """The runtime folder: $FINBOT_VAR_DIR, else the project's var/ (see bot.settings.Project)."""
    configured = os.environ.get("FINBOT_VAR_DIR")
    if configured:
        return Path(configured).resolve()
    from bot.settings import Project, ProjectError

    try:
        return Project.locate().var
    except ProjectError:
        return Path("var").resolve()


def bank() -> CoreBank:
    """The process's core bank, ``<var>/bank.db``."""
    folder = var_dir()
    with _lock:
        if folder not in _banks:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            _banks[folder] = CoreBank(folder / BANK_FILE)
        return _banks[folder]


def vault() -> PlaceholderReveal:
    """The process's view of the Vault."""
    folder = var_dir()
    with _lock:
        if folder not in _vaults:
            _vaults[folder] = open_project_vault(folder)
        return _vaults[folder]
