"""The network guard used by the offline tests really blocks and records (so its silence means something)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any, List

import pytest

from tests.support import netguard
from tests.support.servers import NETGUARD_SITE, ROOT


@pytest.fixture
def fake_socket_layer(monkeypatch: pytest.MonkeyPatch) -> List[Any]:
    """Replace the real connect and name lookup first, so that nothing can leave even if the guard failed."""
    reached: List[Any] = []
    monkeypatch.setattr(socket.socket, "connect", lambda self, address: reached.append(address))
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, *a, **k: reached.append(host) or [])
    return reached


def test_guard_blocks_and_records_outside_addresses(fake_socket_layer: List[Any]) -> None:
    netguard.attempts.clear()
    netguard.install()
    try:
        with socket.socket() as sock, pytest.raises(OSError, match="blocked"):
            sock.connect(("203.0.113.5", 443))
        with pytest.raises(socket.gaierror):
            socket.getaddrinfo("publicsuffix.org", 443)
        socket.getaddrinfo("localhost", 80)
        with socket.socket() as sock:
            sock.connect(("127.0.0.1", 9))
    finally:
        netguard.uninstall()
    assert netguard.attempts == ["connect ('203.0.113.5', 443)", "getaddrinfo 'publicsuffix.org'"]
    assert fake_socket_layer == ["localhost", ("127.0.0.1", 9)]


def test_guard_is_installed_in_child_processes(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=f"{NETGUARD_SITE}{os.pathsep}{ROOT}", FINBOT_NETGUARD_LOG=str(tmp_path / "log"))
    probe = "import socket; print(socket.getaddrinfo.__name__)"
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "_guarded_getaddrinfo"
