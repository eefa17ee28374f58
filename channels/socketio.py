"""Rasa's socket.io channel for the chat window, behind the guard (channels/guard.py).

Differences from Rasa's own `socketio` channel, which keeps its name, URL (/socket.io) and
protocol (session_request / session_confirm / user_uttered / bot_uttered):
- each bot message goes out as one `bot_uttered` event carrying its text, quick replies and
  `custom` object together (Rasa's splits the text at blank lines and cannot send `custom`:
  it passes the object's keys to `emit` as arguments);
- events a client sends are checked: a malformed one gets a `message_error` event that says what is
  wrong, instead of an exception in the server log and silence;
- the signed-token check on connect (`jwt_key`) can come from the environment
  (`GUIDANCE_SOCKET_JWT_KEY`), so credentials.yml needs no secret and it stays off by default.

Needs python-socketio 5.9.0 (requirements/base.txt): with later versions Rasa 3.6 never
delivers replies when session persistence is on (RasaHQ/rasa#13027).
"""

from __future__ import annotations

import os
import re
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from channels.guard import GuardedInput, the_guard
from privacy.metadata import json_object

SESSION_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
USAGE = 'Send {"message": "<your question>", "session_id": "<the id from session_confirm>"}.'


class GuidanceSocketIOOutput(SocketIOOutput):
    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        event: Dict[Text, Any] = {}
        if message.get("text"):
            event["text"] = message["text"]
        buttons = message.get("quick_replies") or message.get("buttons") or []
        if buttons:
            event["quick_replies"] = [
                {"content_type": "text", "title": b["title"], "payload": b["payload"]}
                for b in buttons
            ]
        if message.get("custom"):
            event["custom"] = message["custom"]
        if message.get("image"):
            event["attachment"] = {"type": "image", "payload": {"src": message["image"]}}
        if event:
            await self._send_message(recipient_id, event)


def _problem(data: Any, session_persistence: bool) -> Optional[str]:
    if not isinstance(data, dict):
        return f"The message must be a JSON object. {USAGE}"
    if not isinstance(data.get("message"), str):
        return f'"message" must be a string. {USAGE}'
    if session_persistence and not SESSION_ID.fullmatch(str(data.get("session_id") or "")):
        return f'"session_id" is missing or not one this server issued. {USAGE}'
    return None


class GuidanceSocketIOInput(GuardedInput, SocketIOInput):
    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = dict(credentials or {})
        credentials["jwt_key"] = credentials.get("jwt_key") or os.getenv("GUIDANCE_SOCKET_JWT_KEY")
        return super().from_credentials(credentials)

    def get_output_channel(self) -> Optional[OutputChannel]:
        return GuidanceSocketIOOutput(self.sio, self.bot_message_evt) if self.sio else None

    def reply_channel(self, channel: OutputChannel) -> OutputChannel:
        return GuidanceSocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)  # through the guard
        self._check_client_events()
        return blueprint

    def _address_problem(self, sid: Text) -> Optional[str]:
        request = (self.sio.get_environ(sid, self.namespace) or {}).get("sanic.request")
        if request is None or the_guard().address_allowed(
            request.ip, request.headers.get("x-forwarded-for")
        ):
            return None
        return "Too many messages from your network. Wait a minute, then ask again."

    def _check_client_events(self) -> None:
        """Put a check in front of the handlers Rasa registered for the two client events."""
        assert self.sio is not None
        namespace = self.namespace or "/"
        rasa_session_request = self.sio.handlers[namespace]["session_request"]
        rasa_user_message = self.sio.handlers[namespace][self.user_message_evt]

        async def session_request(sid: Text, data: Any = None) -> None:
            session_id = data.get("session_id") if isinstance(data, dict) else None
            if not (isinstance(session_id, str) and SESSION_ID.fullmatch(session_id)):
                session_id = None  # Rasa issues a new one
            await rasa_session_request(sid, {"session_id": session_id})

        async def user_message(sid: Text, data: Any = None) -> None:
            problem = _problem(data, self.session_persistence) or self._address_problem(sid)
            if problem:
                await self.sio.emit(
                    "message_error", {"message": problem}, room=sid, namespace=namespace
                )
                return
            await rasa_user_message(
                sid, {**data, self.metadata_key: json_object(data.get(self.metadata_key))}
            )

        self.sio.on("session_request", session_request, namespace=namespace)
        self.sio.on(self.user_message_evt, user_message, namespace=namespace)
