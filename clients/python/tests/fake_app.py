"""A scripted stand-in for the app channel: a real HTTP server on 127.0.0.1 that answers from a script.

Tests of ``finbot_client`` queue the answers they want (status, JSON or raw body,
headers, a delay before answering) and read back every request it received,
headers included, so retries, idempotency keys and tokens can be checked on
the wire rather than inside the client.
"""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional

# Answers as the contract describes them, for the client's tests to script.
REPLY: Dict[str, Any] = {
    "conversation_id": "customer-42",
    "messages": [
        {"text": "I hid the card number you typed; I never store it."},
        {
            "text": "Shall I freeze it?",
            "buttons": [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}],
        },
        {"image": "data:image/svg+xml;base64,PHN2Zy8+", "custom": {"chart": {"kind": "bar"}}, "recipient_id": "x"},
    ],
    "redacted": {"kinds": ["CREDIT_CARD"], "labels": ["card number"], "notice": "card number hidden before saving"},
}
REPORT: Dict[str, Any] = {
    "conversation_id": "customer-42",
    "messages": 3,
    "redacted": [{"kind": "CREDIT_CARD", "label": "card number", "values": 1, "mentions": 2}],
    "reveals": [
        {
            "placeholder": "<ACCOUNT_NUMBER_1>",
            "kind": "ACCOUNT_NUMBER",
            "purpose": "transfer",
            "revealed_at": "2026-11-29T07:05:30Z",
        },
        {
            "placeholder": "<IBAN_CODE_1>",
            "kind": "IBAN_CODE",
            "purpose": "transfer",
            "revealed_at": "2026-11-29T08:05:30.250+01:00",  # the same instant plus 250 ms, in another offset
        },
    ],
}
ERASED = {"conversation_id": "customer-42", "erased": True, "kept_elsewhere": []}


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (just now): a refused connection, for the transport tests."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Answer:
    """One scripted answer: ``body`` is sent as JSON unless it is bytes (sent as is)."""

    status: int = 200
    body: Any = None
    headers: Dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to sleep before answering (to make the client time out)


@dataclass(frozen=True)
class Received:
    """One request as the server saw it (header names lower-cased)."""

    method: str
    path: str
    headers: Dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class FakeAppServer:
    """Answers each request with the next scripted Answer; the last one repeats once the script runs out."""

    def __init__(self) -> None:
        self.received: List[Received] = []
        self._script: List[Answer] = [Answer(500, {"error": "nothing scripted", "status": 500})]
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True  # a handler still sleeping must not hold up stop()
        self._thread: Optional[threading.Thread] = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def script(self, *answers: Answer) -> None:
        """Answer the next requests with these, in order (the last one repeats)."""
        with self._lock:
            self._script = list(answers)

    def start(self) -> FakeAppServer:
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._closing.set()  # wakes handlers sleeping in a scripted delay
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeAppServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _next(self, request: Received) -> Answer:
        with self._lock:
            self.received.append(request)
            return self._script.pop(0) if len(self._script) > 1 else self._script[0]

    def _handler_class(self) -> type:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {name.lower(): value for name, value in self.headers.items()}
                answer = fake._next(Received(self.command, self.path, headers, body))
                if answer.delay and fake._closing.wait(answer.delay):
                    return
                payload = answer.body if isinstance(answer.body, bytes) else json.dumps(answer.body).encode()
                try:
                    self.send_response(answer.status)
                    if not isinstance(answer.body, bytes):
                        self.send_header("Content-Type", "application/json")
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (a timeout test): nothing to answer

            do_GET = do_POST = do_DELETE = _serve

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

        return Handler
