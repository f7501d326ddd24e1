"""Block and record every outbound network attempt that is not to this machine.

Installed in the test process by a fixture, and in server subprocesses through
``netguard_site/sitecustomize.py`` (put on PYTHONPATH with FINBOT_NETGUARD_LOG
naming the file that collects attempts). A test then asserts the log is empty.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import threading
from typing import Any, Callable, List, Optional

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", ""}
_lock = threading.Lock()
attempts: List[str] = []
_original: dict = {}


def _is_local_host(host: Any) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    host = str(host).strip("[]").lower()
    if host in _LOCAL_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def _record(what: str) -> None:
    with _lock:
        attempts.append(what)
        path = os.environ.get("FINBOT_NETGUARD_LOG")
        if path:
            with open(path, "a", encoding="utf-8") as handle:
                handle.write(f"{os.getpid()} {what}\n")


def _guard_connect(original: Callable[..., Any]) -> Callable[..., Any]:
    def connect(self: socket.socket, address: Any, *args: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local_host(address[0]):
            _record(f"connect {address!r}")
            raise OSError(101, f"network blocked by the test guard: {address!r}")
        return original(self, address, *args)

    return connect


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if not _is_local_host(host):
        _record(f"getaddrinfo {host!r}")
        raise socket.gaierror(socket.EAI_NONAME, f"name lookup blocked by the test guard: {host!r}")
    return _original["getaddrinfo"](host, *args, **kwargs)


def install() -> None:
    """Start blocking; idempotent."""
    if _original:
        return
    _original["connect"] = socket.socket.connect
    _original["connect_ex"] = socket.socket.connect_ex
    _original["getaddrinfo"] = socket.getaddrinfo
    socket.socket.connect = _guard_connect(_original["connect"])  # type: ignore[method-assign]
    socket.socket.connect_ex = _guard_connect(_original["connect_ex"])  # type: ignore[method-assign]
    socket.getaddrinfo = _guarded_getaddrinfo


def uninstall() -> None:
    if not _original:
        return
    socket.socket.connect = _original.pop("connect")  # type: ignore[method-assign]
    socket.socket.connect_ex = _original.pop("connect_ex")  # type: ignore[method-assign]
    socket.getaddrinfo = _original.pop("getaddrinfo")


def read_log(path: Optional[str]) -> List[str]:
    if not path or not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as handle:
        return [line.rstrip("\n") for line in handle if line.strip()]
