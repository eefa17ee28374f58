"""What every user message passes through before Rasa sees it, whatever the channel.

- the text is cleaned (control, zero-width and direction-override characters dropped,
  Unicode normalised) and capped in length;
- identifiers are replaced with typed placeholders (channels/redaction.py), so NLU, the
  tracker store, the logs and analytics only ever see the redacted text; the user is told
  once per conversation, and the channel gets the redacted text back every time;
- metadata is reduced to an allowlist of safe shapes (no query strings, no free text);
- a sender who floods the assistant is slowed down before the NLU runs;
- if the bot could not reply (action server down, tracker store not writable), the user gets a
  short apology with a link to the guidance instead of silence, and the error is logged
  without the message text.
"""

from __future__ import annotations

import json
import logging
import re
import time
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

import yaml
from rasa.core.channels.channel import OutputChannel, UserMessage

from channels import settings
from channels.redaction import redact

logger = logging.getLogger(__name__)

PLACEHOLDER = re.compile(r"\[(NHS_NUMBER|HOSPITAL_NUMBER|DATE|POSTCODE|PHONE|EMAIL|NAME)\]")
TOPIC_OR_RATING = re.compile(r"[a-z_]{1,64}")
LOCALE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,3}")


def _page(value: Any) -> Optional[str]:
    # The path only: a query string or fragment can carry a record number.
    return value.split("?")[0].split("#")[0][:200] if isinstance(value, str) else None


def _feedback(value: Any) -> Optional[Dict[str, str]]:
    if not isinstance(value, dict):
        return None
    kept = {k: value[k] for k in ("rating", "topic") if isinstance(value.get(k), str)}
    if kept.get("rating") not in ("helpful", "not_helpful"):
        return None
    return {k: v for k, v in kept.items() if TOPIC_OR_RATING.fullmatch(v)}


# Metadata that channels may pass on to the tracker, each reduced to a safe shape; anything else
# a client sends is dropped.
ALLOWED_METADATA: Dict[str, Callable[[Any], Any]] = {
    "page": _page,
    "locale": lambda v: v if isinstance(v, str) and LOCALE.fullmatch(v) else None,
    "feedback": _feedback,
}


def json_object(value: Any) -> Dict[str, Any]:
    """A client's object, also when it was sent as a JSON string; {} for anything else."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return value if isinstance(value, dict) else {}


def clean_metadata(metadata: Any) -> Dict[str, Any]:
    if not isinstance(metadata, dict):
        return {}
    cleaned = {key: keep(metadata.get(key)) for key, keep in ALLOWED_METADATA.items()}
    return {key: value for key, value in cleaned.items() if value}


@dataclass(frozen=True)
class Prepared:
    text: str
    redacted: List[str]


def prepare(text: Optional[str]) -> Prepared:
    """Clean, cap and redact a user's text. Safe to apply twice."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(
        c for c in text if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co")
    )[: settings.MAX_MESSAGE_CHARS]
    redaction = redact(text)
    types = set(redaction.types) | set(PLACEHOLDER.findall(redaction.text))
    return Prepared(redaction.text.strip(), sorted(types))


def _responses() -> Dict[str, Any]:
    domain = yaml.safe_load((Path(__file__).resolve().parent.parent / "domain.yml").read_text())
    return {name: variations[0] for name, variations in domain["responses"].items()}


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


@dataclass
class _RateLimit:
    """A token bucket per sender, remembering the most recent senders only."""

    per_minute: float
    burst: int
    buckets: "OrderedDict[str, List[float]]" = field(default_factory=OrderedDict)

    def allow(self, sender: str) -> bool:
        now = time.monotonic()
        tokens, last = self.buckets.pop(sender, [float(self.burst), now])
        tokens = min(self.burst, tokens + (now - last) * self.per_minute / 60)
        allowed = tokens >= 1
        self.buckets[sender] = [tokens - 1 if allowed else tokens, now]
        while len(self.buckets) > settings.TRACKED_SENDERS:
            self.buckets.popitem(last=False)
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
        logging.getLogger("rasa.core.tracker_store").addFilter(_WithholdSqlParameters())
        self.responses = _responses()
        self.rate_limit = _RateLimit(settings.RATE_PER_MINUTE, settings.RATE_BURST)
        self.told: "OrderedDict[str, None]" = OrderedDict()

    async def _say(self, channel: OutputChannel, sender: str, response: str) -> None:
        await channel.send_response(sender, dict(self.responses[response]))

    def _first_time_told(self, sender: str) -> bool:
        if sender in self.told:
            return False
        self.told[sender] = None
        while len(self.told) > settings.TRACKED_SENDERS:
            self.told.popitem(last=False)
        return True

    def wrap(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Callable[[UserMessage], Awaitable[None]]:
        async def guarded(message: UserMessage) -> None:
            channel, sender = message.output_channel, message.sender_id
            if not self.rate_limit.allow(sender):
                logger.warning("guard.rate_limited")
                await self._say(channel, sender, "utter_slow_down")
                return

            prepared = prepare(message.text)
            message.text = prepared.text
            metadata = clean_metadata(message.metadata)
            if prepared.redacted:
                metadata["redacted"] = prepared.redacted
                # The text once per conversation; the redacted message every time, so a chat
                # window can show the user what was kept instead of what they typed.
                notice = {"custom": {"type": "identifiers_removed", "message": prepared.text}}
                if self._first_time_told(sender):
                    notice["text"] = self.responses["utter_identifiers_removed"]["text"]
                await channel.send_response(sender, notice)
            message.metadata = metadata

            counting = _Counting(channel)
            message.output_channel = counting
            try:
                await on_new_message(message)
            except Exception as error:  # the server stays up and the user hears back
                cause = getattr(error, "orig", None) or ""
                logger.error(f"guard.message.failed: {type(error).__name__} {cause}".strip())
            if counting.sent == 0:
                await self._say(channel, sender, "utter_unavailable")

        return guarded


class GuardedInput:
    """Mix into an InputChannel (before it) so its messages pass through a Guard."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Any:
        return super().blueprint(Guard().wrap(on_new_message))  # type: ignore[misc]
