"""Rasa's socket.io channel for the chat window, behind the guard (channels/guard.py).

It keeps Rasa's name, URL (/socket.io) and protocol (session_request / session_confirm /
user_uttered / bot_uttered), with these differences:
- sessions belong to their tab: session ids are issued and signed by the server
  (privacy/ids.py). A `session_request` with one this server issued continues that
  conversation; anything else starts a new one. A message is taken only for the session its
  connection was confirmed in, and the tracker store keeps a keyed hash of the session id
  (`web-…`), apart from REST's and Teams' conversations;
- each bot message goes out as one `bot_uttered` event carrying its text, quick replies and
  `custom` object together (Rasa's splits the text at blank lines and cannot send `custom`:
  it passes the object's keys to `emit` as arguments);
- what a client sends is checked: a malformed event, an unreadable packet (not socket.io, or
  nested too deep) or a message over the size limit gets a `message_error` event that says what
  is wrong, instead of an exception in the server log and silence;
- connections from a page are accepted from the origins Rasa's `--cors` lists only, on
  websocket as on polling (Rasa's own accepts any origin);
- the signed-token check on connect (`jwt_key`) can come from the environment
  (`GUIDANCE_SOCKET_JWT_KEY`), so credentials.yml needs no secret and it stays off by default.

Needs python-socketio 5.9.0 (requirements/base.txt): with later versions Rasa 3.6 never
delivers replies when session persistence is on (RasaHQ/rasa#13027).
"""

from __future__ import annotations

import logging
import os
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request

from channels import rasa_patches, settings
from channels.guard import GuardedInput, the_guard
from privacy.ids import issue_session, session_owned, stored_id
from privacy.metadata import json_object

logger = logging.getLogger(__name__)

USAGE = 'Send {"message": "<your question>", "session_id": "<the id from session_confirm>"}.'
TOO_LONG = f"That message is too long (over {settings.MAX_REQUEST_BYTES:,} bytes). {USAGE}"
UNREADABLE = f"That could not be read as a socket.io event (or it is nested too deeply). {USAGE}"
TOO_MANY = "Too many messages from your network. Wait a minute, then ask again."
NO_SESSION = 'Send "session_request" first, then use the session id from "session_confirm".'
NOT_YOURS = (
    '"session_id" is not the session this connection was given. Use the id from '
    '"session_confirm", or send "session_request" again.'
)


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


def _problem(data: Any, confirmed: Optional[str]) -> Optional[str]:
    if not isinstance(data, dict):
        return f"The message must be a JSON object. {USAGE}"
    if not isinstance(data.get("message"), str):
        return f'"message" must be a string. {USAGE}'
    if len(data["message"].encode("utf-8", "replace")) > settings.MAX_REQUEST_BYTES:
        return TOO_LONG
    if confirmed is None:
        return NO_SESSION
    if data.get("session_id") != confirmed:
        return NOT_YOURS
    return None


def _origin_allowed(origin: str, request: Request) -> bool:
    allowed = rasa_patches.allowed_origins()
    if allowed is None:  # no --cors: the server's own pages only
        return origin == f"{request.scheme}://{request.host}"
    return allowed == "*" or origin in allowed


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
        blueprint = super().blueprint(on_new_message)  # Rasa's connect check, through the guard
        assert self.sio is not None
        # Room for a message over the limit to arrive whole and be answered with
        # message_error; engine.io drops anything larger and closes the connection.
        self.sio.eio.max_http_buffer_size = settings.TRANSPORT_MAX_BYTES
        self._own_sessions(self.guarded(on_new_message))
        self._unreadable_packets_answered()
        self._requests_checked()
        return blueprint

    async def _error(self, sid: Text, problem: str) -> None:
        await self.sio.emit(
            "message_error", {"message": problem}, room=sid, namespace=self.namespace or "/"
        )

    def _address_problem(self, sid: Text) -> Optional[str]:
        request = (self.sio.get_environ(sid, self.namespace) or {}).get("sanic.request")
        if request is None or the_guard().address_allowed(
            request.ip, request.headers.get("x-forwarded-for")
        ):
            return None
        return TOO_MANY

    def _own_sessions(self, guarded: Callable[[UserMessage], Awaitable[None]]) -> None:
        """In place of the handlers Rasa registered for the two client events."""
        sio, namespace = self.sio, self.namespace or "/"

        async def session_request(sid: Text, data: Any = None) -> None:
            asked = data.get("session_id") if isinstance(data, dict) else None
            session = asked if session_owned(asked) else issue_session()
            for room in sio.rooms(sid, namespace):
                if room not in (
                    sid,
                    None,
                ):  # a new session in the same connection: leave the old one
                    sio.leave_room(sid, room, namespace)
            sio.enter_room(sid, stored_id("web", session), namespace)
            await sio.save_session(sid, {"session": session}, namespace)
            await sio.emit("session_confirm", session, room=sid, namespace=namespace)

        async def user_message(sid: Text, data: Any = None) -> None:
            confirmed = (await sio.get_session(sid, namespace)).get("session")
            problem = _problem(data, confirmed) or self._address_problem(sid)
            if problem:
                await self._error(sid, problem)
                return
            await guarded(
                UserMessage(
                    data["message"],
                    GuidanceSocketIOOutput(sio, self.bot_message_evt),
                    stored_id("web", confirmed),
                    input_channel=self.name(),
                    metadata=json_object(data.get(self.metadata_key)),
                )
            )

        sio.on("session_request", session_request, namespace=namespace)
        sio.on(self.user_message_evt, user_message, namespace=namespace)

    def _requests_checked(self) -> None:
        """Every HTTP request and websocket upgrade to /socket.io, before python-engineio:
        - the Origin must be one Rasa's `--cors` allows. Browsers apply CORS to long-polling
          but not to websockets. (python-engineio's own check is off, as Rasa leaves it: it would
          add a second Access-Control-Allow-Origin header to sanic-cors's, which browsers refuse.)
        - a long-poll for a session that has just closed makes python-engineio 4.9 raise
          KeyError, which Sanic answers with a 500 and a traceback: answer 400 instead.
        The blueprint attaches this handler to the app when Rasa registers it, after this."""
        handle = self.sio.eio.handle_request

        async def handle_request(request: Request, *args: Any, **kwargs: Any) -> Any:
            origin = request.headers.get("origin")
            if origin and not _origin_allowed(origin, request):
                return response.text(f"{origin} is not an accepted origin.", status=400)
            try:
                return await handle(request, *args, **kwargs)
            except KeyError:
                return response.text("This session has ended: connect again.", status=400)

        self.sio.eio.handle_request = handle_request

    def _unreadable_packets_answered(self) -> None:
        """A packet socket.io cannot decode (garbage, or JSON nested past Python's recursion
        limit) raises inside python-socketio, which logs a traceback and says nothing to the
        client. Here the client is told, and the log gets one line without the packet."""
        sio, namespace = self.sio, self.namespace or "/"
        decode = sio._handle_eio_message

        async def handle_eio_message(eio_sid: Text, data: Any) -> None:
            try:
                await decode(eio_sid, data)
            except (ValueError, TypeError, RecursionError) as error:
                logger.warning(f"socketio.unreadable_packet: {type(error).__name__}")
                sid = sio.manager.sid_from_eio_sid(eio_sid, namespace)
                if sid is not None:
                    await self._error(sid, UNREADABLE)

        sio.eio.on("message", handle_eio_message)
