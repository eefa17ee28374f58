"""What every user message passes through before Rasa sees it, whatever the channel: one
pipeline, one instance for the server, applied the same way by every channel (GuardedInput).

The steps, in order:
1. rate limit: a sender who floods the assistant is slowed down before anything else runs;
2. sanitise and redact: the text is cleaned, capped and its identifiers replaced with typed
   placeholders (privacy/), so NLU, the tracker store, the logs and analytics only ever see
   the redacted text;
3. metadata: reduced to an allowlist of safe shapes (privacy/metadata.py);
4. notice: when something was redacted, the channel gets the redacted text back, with a
   sentence saying why the first time in a conversation;
5. handle: Rasa answers, within GUIDANCE_REPLY_DEADLINE_S (the action server within
   GUIDANCE_ACTION_TIMEOUT_S, channels/rasa_patches.py);
6. apology: if the bot could not reply (action server down, tracker store not writable), the
   user gets a short apology with a link to the guidance instead of silence, and the error is
   logged without the message text;
7. not saved: if the tracker store could not be read or written, the user is told once (until
   it works again) that the conversation is not being saved, so earlier questions will not be
   remembered. Rasa carries on from memory; `/health` shows the store failing (ops/health.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
from functools import lru_cache
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

import yaml
from rasa.core.channels.channel import OutputChannel, UserMessage

from channels import rasa_patches, settings
from channels.recent import Recent
from ops.paths import ROOT
from privacy.metadata import clean_metadata
from privacy.text import prepare

logger = logging.getLogger(__name__)
Handler = Callable[[UserMessage], Awaitable[Any]]


def prepare_text(text: Optional[str]) -> str:
    """Step 2 alone, for a channel that must hand Rasa the text before the guard runs."""
    return prepare(text, settings.MAX_MESSAGE_CHARS).text


def client_address(peer: str, forwarded_for: Optional[str]) -> str:
    """The peer, or, when the peer is a trusted proxy, the last address it forwarded for that
    is not itself a trusted proxy (the entries before it are the client's to forge)."""
    if peer in settings.TRUSTED_PROXIES and forwarded_for:
        for hop in reversed([h.strip() for h in forwarded_for.split(",")]):
            if hop and hop not in settings.TRUSTED_PROXIES:
                return hop
    return peer


class _Counting(OutputChannel):
    """Passes bot messages on to the real output channel and counts them."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.sent = 0

    def name(self) -> Text:  # type: ignore[override]
        return self.inner.name()

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        self.sent += 1
        await self.inner.send_response(recipient_id, message)


class _RateLimit:
    """A token bucket per key (a conversation, or a client address), remembering the most
    recent keys only."""

    def __init__(self, per_minute: float, burst: int) -> None:
        self.per_minute, self.burst = per_minute, burst
        self.buckets: Recent[tuple] = Recent(settings.TRACKED_SENDERS)

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        tokens, last = self.buckets.get(key) or (float(self.burst), now)
        tokens = min(self.burst, tokens + (now - last) * self.per_minute / 60)
        allowed = tokens >= 1
        self.buckets.put(key, (tokens - 1 if allowed else tokens, now))
        return allowed


class _WithholdSqlParameters(logging.Filter):
    """Rasa logs a failed tracker save with the SQL parameters, which hold the (redacted)
    message text; logs must hold no message text at all, so keep only the error itself."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "[SQL:" in message:
            record.msg = message.split("\n[SQL:")[0] + " (SQL parameters withheld)"
            record.args = ()
        return True


class Guard:
    def __init__(self) -> None:
        domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
        self.responses = {name: texts[0] for name, texts in domain["responses"].items()}
        self.rate_limit = _RateLimit(settings.RATE_PER_MINUTE, settings.RATE_BURST)
        self.told: Recent[None] = Recent(settings.TRACKED_SENDERS)
        self.told_not_saved: Recent[None] = Recent(settings.TRACKED_SENDERS)
        self.address_limit = _RateLimit(
            settings.ADDRESS_RATE_PER_MINUTE, settings.ADDRESS_RATE_BURST
        )

    def address_allowed(self, peer: str, forwarded_for: Optional[str]) -> bool:
        """Step 0, for the channels that know the client's address: a limit per address
        across all its conversations, so a flood cannot dodge the limit with new senders."""
        address = client_address(peer, forwarded_for)
        return address in settings.RATE_EXEMPT or self.address_limit.allow(address)

    async def _say(self, channel: OutputChannel, sender: str, response: str) -> None:
        await channel.send_response(sender, dict(self.responses[response]))

    def wrap(
        self, handle: Handler, reply_channel: Callable[[OutputChannel], OutputChannel]
    ) -> Callable[[UserMessage], Awaitable[None]]:
        async def guarded(message: UserMessage) -> None:
            channel, sender = reply_channel(message.output_channel), message.sender_id
            if not self.rate_limit.allow(sender):  # 1
                logger.warning("guard.rate_limited")
                await self._say(channel, sender, "utter_slow_down")
                return
            prepared = prepare(message.text, settings.MAX_MESSAGE_CHARS)  # 2
            message.text = prepared.text
            message.metadata = clean_metadata(message.metadata)  # 3
            if prepared.redacted:  # 4
                message.metadata["redacted"] = prepared.redacted
                notice = {"custom": {"type": "identifiers_removed", "message": prepared.text}}
                if self.told.first_time(sender):
                    notice["text"] = self.responses["utter_identifiers_removed"]["text"]
                await channel.send_response(sender, notice)
            counting = _Counting(channel)
            message.output_channel = counting
            store_faults: List[str] = []
            rasa_patches.store_faults.set(store_faults)
            try:
                await asyncio.wait_for(handle(message), settings.REPLY_DEADLINE_S)  # 5
            except asyncio.TimeoutError:
                logger.error(f"guard.message.timeout: no reply in {settings.REPLY_DEADLINE_S:g} s")
            except Exception as error:  # the server stays up and the user hears back
                cause = getattr(error, "orig", None) or ""
                logger.error(f"guard.message.failed: {type(error).__name__} {cause}".strip())
            if counting.sent == 0:  # 6
                await self._say(channel, sender, "utter_unavailable")
            if not store_faults:  # 7
                self.told_not_saved.forget(sender)
            elif self.told_not_saved.first_time(sender):
                await self._say(channel, sender, "utter_not_saved")

        return guarded


@lru_cache(maxsize=1)
def the_guard() -> Guard:
    """The server's one guard: one rate limit across channels, the log filter installed once,
    and Rasa's runtime patches (channels/rasa_patches.py) applied with it."""
    rasa_patches.apply()
    logging.getLogger("rasa.core.tracker_store").addFilter(_WithholdSqlParameters())
    return Guard()


class GuardedInput:
    """Mix into an InputChannel (before it): its messages pass through the guard. A channel
    that builds its own blueprint calls `self.guarded(on_new_message)` for its handler.

    Rasa builds the channels from credentials.yml before it creates its web app, so that is
    where Rasa's runtime patches (channels/rasa_patches.py) are applied: in time for the app."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> Any:
        rasa_patches.apply()
        return super().from_credentials(credentials)  # type: ignore[misc]

    def reply_channel(self, channel: OutputChannel) -> OutputChannel:
        """The output channel replies go through: Rasa's, unless a channel puts its own."""
        return channel

    def guarded(self, on_new_message: Handler) -> Callable[[UserMessage], Awaitable[None]]:
        return the_guard().wrap(on_new_message, self.reply_channel)

    def blueprint(self, on_new_message: Handler) -> Any:
        return super().blueprint(self.guarded(on_new_message))  # type: ignore[misc]
