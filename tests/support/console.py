"""Drive an interactive console (``finbot shell``, ``rasa shell``) in a pseudo-terminal, as a person would.

Both consoles are prompt_toolkit programs: they need a terminal, they draw a
``Your input ->`` prompt, and a reply with buttons opens a select list
(``(Use arrow keys)``) whose last choice is "Type out your own message...".
``Console.say`` gets past such a list to the text prompt and types the message.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import termios
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence

TEXT_PROMPT = "Your input ->"
SELECT_PROMPT = "(Use arrow keys)"
UP, ENTER = b"\x1b[A", b"\r"
PASTE_START, PASTE_END = b"\x1b[200~", b"\x1b[201~"
# prompt_toolkit turns bracketed paste on when a prompt opens and off when it closes.
PROMPT_OPENS, PROMPT_CLOSES = "\x1b[?2004h", "\x1b[?2004l"
# Escape sequences (CSI and OSC) and the lone control bytes prompt_toolkit draws with.
ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[=>]|[\x07\x08]")
COLUMNS = 1000  # wide enough that no typed message wraps


def plain(raw: str) -> str:
    """Terminal output without escape sequences, carriage returns as line breaks."""
    return ANSI.sub("", raw).replace("\r\n", "\n").replace("\r", "\n")


class ConsoleError(RuntimeError):
    """The console did not reach the expected state in time; carries the end of its output."""


class Console:
    """A program running in a pseudo-terminal of ``COLUMNS`` columns."""

    def __init__(self, command: Sequence[str], cwd: Path, env: Dict[str, str], log: Path) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, COLUMNS, 0, 0))
        self.process = subprocess.Popen(
            # No cursor-position requests: a terminal that does not answer them makes every prompt wait.
            list(command), cwd=cwd, env={**env, "TERM": "xterm", "COLUMNS": str(COLUMNS), "PROMPT_TOOLKIT_NO_CPR": "1"},
            stdin=slave, stdout=slave, stderr=slave, close_fds=True, start_new_session=True,
        )
        os.close(slave)
        self.master = master
        self.log = log
        log.write_text("")
        self.raw = ""
        self.typed: List[str] = []
        self._done = 0  # offset where the last answered prompt closed

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.master, 1 << 16)
        except OSError:  # the program ended and closed the terminal
            return False
        text = chunk.decode("utf-8", "replace")
        self.raw += text
        with open(self.log, "a", encoding="utf-8") as sink:
            sink.write(text)
        return bool(chunk)

    def wait_for(self, marker: str, since: int, timeout: float) -> int:
        """The offset just after the first ``marker`` in the output after offset ``since``."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.raw.find(marker, since)
            if found >= 0:
                return found + len(marker)
            if self.process.poll() is not None and not self._read(0.2):
                raise ConsoleError(f"the console exited ({self.process.returncode}):\n{plain(self.raw)[-3000:]}")
            if time.monotonic() > deadline:
                raise ConsoleError(f"no {marker!r} in {timeout:.0f} s:\n{plain(self.raw)[-3000:]}")
            self._read(0.2)

    def _prompt(self, timeout: float) -> str:
        """Wait for the next prompt after the last one finished; which kind it is (text or select)."""
        opened = self.wait_for(PROMPT_OPENS, self._done, timeout)
        deadline = time.monotonic() + timeout
        while True:
            drawn = self.raw[opened:]
            for kind in (SELECT_PROMPT, TEXT_PROMPT):
                if kind in drawn:
                    return kind
            if time.monotonic() > deadline:
                raise ConsoleError(f"a prompt opened but was not drawn:\n{plain(self.raw)[-3000:]}")
            self._read(0.2)

    def _answer(self, keys: bytes, timeout: float) -> None:
        """Send ``keys`` to the open prompt and wait until it has closed."""
        opened = self.raw.rindex(PROMPT_OPENS)
        self._write(keys)
        self._done = self.wait_for(PROMPT_CLOSES, opened, timeout)

    def text_prompt(self, timeout: float = 60.0) -> None:
        """Wait for the next prompt; past a select list, on to the free-text prompt."""
        if self._prompt(timeout) == SELECT_PROMPT:
            self._answer(UP + ENTER, timeout)  # the last choice is free text: up from the first wraps to it
            self._prompt(timeout)

    def say(self, message: str, timeout: float = 60.0) -> str:
        """Type ``message`` at the next prompt; the plain output it produced up to the next prompt."""
        self.text_prompt(timeout)
        # As one paste, not key by key: the prompt redraws once, not once per character.
        self._answer(PASTE_START + message.encode() + PASTE_END + ENTER, timeout)
        self.typed.append(message)
        replied = self._done
        self._prompt(timeout)
        return plain(self.raw[replied:self.raw.rindex(PROMPT_OPENS)])

    def _write(self, data: bytes) -> None:
        os.write(self.master, data)

    def transcript_without_typing(self) -> str:
        """What the console showed, minus the lines where it echoed what was typed.

        The echo is the person's own text on their own screen, not a sink; every
        other line (replies, logs the program printed) is.
        """
        lines = plain(self.raw).split("\n")
        return "\n".join(line for line in lines if TEXT_PROMPT not in line and "Type out your own" not in line)

    def close(self, stop: Optional[str] = "/stop", timeout: float = 40.0) -> int:
        """Ask the console to stop (then SIGTERM, then SIGKILL); its exit status."""
        if stop is not None and self.process.poll() is None:
            try:
                self.text_prompt(timeout=10)
                self._write(stop.encode() + ENTER)
            except (OSError, ConsoleError):
                pass
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            self._read(0.2)
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        while self._read(0.1):
            pass
        os.close(self.master)
        return self.process.returncode
