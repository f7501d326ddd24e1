"""A socket.io test client for the widget's channel: connect, ask for a session, talk, erase, read the store."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import socketio


class ChatSocket:
    """One python-socketio client, collecting what the server sends."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.client = socketio.AsyncClient(reconnection=False)
        self.uttered: List[Dict[str, Any]] = []
        self.redacted: List[Dict[str, Any]] = []
        self.confirmed: asyncio.Queue = asyncio.Queue()
        self.refusal: Optional[Any] = None

        @self.client.on("bot_uttered")
        async def bot_uttered(data: Any) -> None:
            self.uttered.append(data)

        @self.client.on("user_redacted")
        async def user_redacted(data: Any) -> None:
            self.redacted.append(data)

        @self.client.on("session_confirm")
        async def session_confirm(data: Any) -> None:
            await self.confirmed.put(data)

        @self.client.on("connect_error")
        async def connect_error(data: Any) -> None:
            self.refusal = data

    async def connect(self, token: Optional[str] = None, wait_timeout: float = 10) -> None:
        """Connect; a refused connection raises only after ``wait_timeout`` s (python-socketio waits for it)."""
        await self.client.connect(self.url, socketio_path="/socket.io", transports=["websocket"],
                                  auth={"token": token} if token else None, wait_timeout=wait_timeout)

    async def session(self, asked: Optional[str] = None, structured: bool = True) -> str:
        """Ask for a session; ``structured``: as our widget, which wants notices and errors with their details
        (a stock widget does not ask: it gets text alone)."""
        await self.client.emit("session_request", {"session_id": asked, "structured": structured})
        return str(await asyncio.wait_for(self.confirmed.get(), 10))

    async def say(self, text: str, session_id: Optional[str], timeout: float = 30) -> List[Any]:
        """Send a message and return the bot's answers to it (at most ``timeout`` s).

        Sent with an acknowledgement: the server acknowledges the message once its handler has finished, after
        every answer, and socket.io keeps the order of what one connection receives, so every answer is in."""
        start = len(self.uttered)
        await self.client.call("user_uttered", {"message": text, "session_id": session_id}, timeout=timeout)
        return self.uttered[start:]

    async def until(self, answered: Callable[[Dict[str, Any]], bool], timeout: float = 60) -> List[Any]:
        """Wait until an answer for which ``answered`` holds has come (or ``timeout`` s); return all answers so far.

        The server reads a burst of messages while it is busy answering earlier ones, so the order in which
        answers come is not something a test may count on: it waits for what it expects."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not any(answered(message) for message in self.uttered) and loop.time() < deadline:
            await asyncio.sleep(0.1)
        return list(self.uttered)

    async def erase(self, data: Any = None) -> Any:
        return await self.client.call("session_erase", data or {}, timeout=30)

    async def close(self) -> None:
        if self.client.connected:
            await self.client.disconnect()


def stored_senders(var_dir: Path, database: str = "tracker.db") -> List[str]:
    """The conversation ids with events in a SQLite store under ``var_dir``: the tracker store
    (``tracker.db``) or the SQL event broker (``events.db``)."""
    with sqlite3.connect(var_dir / database) as db:
        return [row[0] for row in db.execute("SELECT DISTINCT sender_id FROM events")]


def stored_texts(var_dir: Path, sender: str) -> List[str]:
    """The raw event rows of one conversation (as stored: JSON text)."""
    with sqlite3.connect(var_dir / "tracker.db") as db:
        return [row[0] for row in db.execute("SELECT data FROM events WHERE sender_id = ?", (sender,))]
