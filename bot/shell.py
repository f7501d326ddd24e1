"""An interactive console over the redacting REST channel, or the app channel when it has a token.

``rasa shell`` always talks through Rasa's built-in ``cmdline`` channel, which
cannot be redacted at the door (it ignores credentials.yml). ``finbot shell``
gives the same console (buttons included) over our channels instead, so
what you type is redacted before Rasa, its stores or its logs see it. With a
token (``finbot shell`` mints one for the demo customer, see bot.demo) it talks
through the app channel as that signed-in customer, so banking answers; without
one, through the anonymous REST channel.
"""

from __future__ import annotations

import json
import uuid
from typing import Any, Dict, List, Optional

import aiohttp
import rasa.shared.utils.cli
from rasa.core.channels.console import _get_user_input, _print_bot_output

EXIT_COMMAND = "/stop"


async def send(
    session: aiohttp.ClientSession, server_url: str, sender: str, text: str, token: Optional[str] = None
) -> List[Dict[str, Any]]:
    """The bot's replies to ``text``; a refused request becomes a printed error, not a crash."""
    if token:
        request = session.post(f"{server_url}/webhooks/app/webhook", json={"message": text},
                               headers={"Authorization": f"Bearer {token}"})
    else:
        request = session.post(f"{server_url}/webhooks/rest/webhook", json={"sender": sender, "message": text})
    async with request as response:
        body = await response.text()
        try:
            data = json.loads(body)
        except json.JSONDecodeError:
            data = None
        if token and response.status == 200 and isinstance(data, dict):
            data = data.get("messages")
        if response.status != 200 or not isinstance(data, list):
            reason = data.get("error") if isinstance(data, dict) else body[:200]
            rasa.shared.utils.cli.print_error(f"The assistant refused that message ({response.status}): {reason}")
            return []
        return data


async def converse(
    server_url: str, sender: Optional[str] = None, max_messages: Optional[int] = None, token: Optional[str] = None,
    signed_in_as: Optional[str] = None,
) -> int:
    """Read messages from the terminal, print the bot's replies; the number of messages sent.

    With ``token``, as the signed-in customer it names (``signed_in_as``, for the greeting only)."""
    sender = sender or uuid.uuid4().hex
    who = (f"You are signed in as the demo customer \"{signed_in_as}\"." if token and signed_in_as else
           "You are signed in." if token else "You are not signed in: banking questions will ask you to sign in.")
    rasa.shared.utils.cli.print_success(
        f"Bot loaded. Type a message and press enter (use '{EXIT_COMMAND}' to exit). "
        f"What you type is redacted before it is stored or logged. {who}"
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
                replies = await send(session, server_url, sender, text, token)
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
