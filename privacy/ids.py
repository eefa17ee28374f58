"""Conversation ids, safe by construction.

- What the tracker store keeps is a keyed hash of the id a channel received, never the id
  itself: whatever a client puts in an id (a name, an NHS number) never reaches the store, and
  each channel has its own namespace (`rest-…`, `web-…`, `teams-…`), so no client of one
  channel can address a conversation of another.
- The chat window's session ids are issued by the server and signed (`issue_session`), so a
  reconnect proves the tab owns the conversation (`session_owned`); a made-up or copied
  stored id proves nothing.

The key is GUIDANCE_CONVERSATION_KEY, or else one generated on first use into
var/conversation.key (readable by its owner only). Every replica of a deployment needs the same
key; a new key starts new conversations (the old ones stay in the store until purged).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from functools import lru_cache
from typing import Optional

from ops.paths import ROOT

KEY_FILE = ROOT / "var" / "conversation.key"
DIGEST_HEX = 32  # 128 bits: enough against guessing, short enough to read in a log line


def _read_or_create_key() -> bytes:
    """Written whole under another name, then linked into place: two processes starting at
    once end up with the same key, and neither can read a half-written one."""
    if not KEY_FILE.exists():
        KEY_FILE.parent.mkdir(exist_ok=True)
        draft = KEY_FILE.with_name(f".{KEY_FILE.name}.{os.getpid()}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_hex(32))
        try:
            os.link(draft, KEY_FILE)
        except FileExistsError:
            pass  # another process was first: use its key
        finally:
            draft.unlink()
    return KEY_FILE.read_bytes().strip()


@lru_cache(maxsize=1)
def conversation_key() -> bytes:
    configured = os.getenv("GUIDANCE_CONVERSATION_KEY", "").strip()
    return configured.encode() if configured else _read_or_create_key()


def _digest(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()[:DIGEST_HEX]


def stored_id(namespace: str, channel_id: str, key: Optional[bytes] = None) -> str:
    """The id the tracker store keeps for a conversation a channel knows as `channel_id`."""
    return f"{namespace}-{_digest(key or conversation_key(), channel_id)}"


def _signature(session: str) -> str:
    return _digest(conversation_key(), f"chat-window-session:{session}")


def issue_session() -> str:
    """A new chat window session id: random, with the server's signature (`<id>.<signature>`)."""
    session = secrets.token_hex(DIGEST_HEX // 2)
    return f"{session}.{_signature(session)}"


def session_owned(token: object) -> bool:
    """Whether `token` is a session id this server issued (any key rotation voids them all)."""
    if not isinstance(token, str) or token.count(".") != 1 or len(token) > 2 * DIGEST_HEX + 1:
        return False
    session, signature = token.split(".")
    return hmac.compare_digest(signature, _signature(session))
