"""A socket.io conversation over python-socketio's client, the way web/embed.js holds one."""

from __future__ import annotations

import queue
import time
from typing import Any, Dict, Optional

import socketio

TIMEOUT_S = 30


class ChatClient:
    """A socket.io conversation, the way web/embed.js holds one."""

    def __init__(
        self,
        url: str,
        auth: Optional[Dict[str, str]] = None,
        wait_s: float = TIMEOUT_S,
        headers: Optional[Dict[str, str]] = None,
    ) -> None:
        self.events: "queue.Queue[tuple]" = queue.Queue()
        self.refused = False
        self.sio = socketio.Client(reconnection=False)
        for event in ("session_confirm", "bot_uttered", "message_error"):
            self.sio.on(event, lambda data=None, event=event: self.events.put((event, data)))
        self.sio.on("connect_error", lambda data=None: setattr(self, "refused", True))
        self.sio.connect(
            url, transports=["polling"], auth=auth, wait_timeout=wait_s, headers=headers or {}
        )

    def next(self, event: str, timeout_s: float = TIMEOUT_S) -> Any:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                name, data = self.events.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                break
            if name == event:
                return data
        raise AssertionError(f"no {event} event within {timeout_s} s")

    def session(self, session_id: Optional[str] = None) -> str:
        self.sio.emit("session_request", {"session_id": session_id})
        return self.next("session_confirm")

    def ask(self, session_id: str, message: str, **extra: Any) -> Dict[str, Any]:
        self.sio.emit("user_uttered", {"message": message, "session_id": session_id, **extra})
        return self.next("bot_uttered")

    def close(self) -> None:
        self.sio.disconnect()
