"""An interactive console over the redacting REST channel.

``rasa shell`` always talks through Rasa's built-in ``cmdline`` channel, which
cannot be redacted at the door (it ignores credentials.yml). ``finbot shell``
gives the same console (buttons included) over our REST channel instead, so
what you type is redacted before Rasa, its stores or its logs see it.
"""

from __future__ import annotations

import json
import uuid
from typing import Any, Dict, List, Optional

import aiohttp
import rasa.shared.utils.cli
from rasa.core.channels.console import _get_user_input, _print_bot_output

EXIT_COMMAND = "/stop"


async def send(session: aiohttp.ClientSession, server_url: str, sender: str, text: str) -> List[Dict[str, Any]]:
    """The bot's replies to ``text``; a refused request becomes a printed error, not a crash."""
    url = f"{server_url}/webhooks/rest/webhook"
    async with session.post(url, json={"sender": sender, "message": text}) as response:
        body = await response.text()
        try:
            data = json.loads(body)
        except json.JSONDecodeError:
            data = None
        if response.status != 200 or not isinstance(data, list):
            reason = data.get("error") if isinstance(data, dict) else body[:200]
            rasa.shared.utils.cli.print_error(f"The assistant refused that message ({response.status}): {reason}")
            return []
        return data


async def converse(server_url: str, sender: Optional[str] = None, max_messages: Optional[int] = None) -> int:
    """Read messages from the terminal, print the bot's replies; the number of messages sent."""
    sender = sender or uuid.uuid4().hex
    rasa.shared.utils.cli.print_success(
        f"Bot loaded. Type a message and press enter (use '{EXIT_COMMAND}' to exit). "
        "What you type is redacted before it is stored or logged."
    )
    sent = 0
    previous: Optional[Dict[str, Any]] = None
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
        while max_messages is None or sent < max_messages:
            text = await _get_user_input(previous)  # prints the last reply, with its buttons
            previous = None
            if text is None or text == EXIT_COMMAND:
                break
            if not text:
                continue
            try:
                replies = await send(session, server_url, sender, text)
            except aiohttp.ClientError as error:
                rasa.shared.utils.cli.print_error(f"The assistant did not answer: {type(error).__name__}")
                continue
            sent += 1
            for reply in replies[:-1]:
                _print_bot_output(reply)
            previous = replies[-1] if replies else None
    if previous is not None:
        _print_bot_output(previous)
    return sent
