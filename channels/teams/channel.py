"""Microsoft Teams, through Rasa's Bot Framework channel, behind the guard (channels/guard.py).

Registered in credentials.yml by its dotted path, `channels.teams.TeamsInput`; it keeps Rasa's
name, so the webhook stays /webhooks/botframework/webhook and `channel: botframework` response
variants apply. What it changes in Rasa 3.6's connector (see docs/teams.md):
- nothing is fetched at start-up: the server starts without internet, and Microsoft's signing
  keys are fetched on the first request (channels/teams/auth.py);
- tokens are checked in full (issuer, audience, expiry, signature, service URL, endorsement);
  anything that cannot be verified gets 401, never a 5xx;
- the token URL is the tenant's (single-tenant bots), the metadata and token URLs can be
  changed, and every call has a timeout and does not block the event loop;
- card buttons arrive as the payload they carry, feedback as the `feedback` metadata;
  `<at>` mentions are removed before the guard and NLU see the text;
- a malformed or unexpected activity gets 400 or 200 and is not processed; the same
  activity delivered twice (Teams retries slow replies) is answered once;
- replies are rendered for Teams from the one reply contract (channels/teams/cards.py);
- an `expert_request` ("Ask an expert") is also posted to the experts' channel, when one is
  set up (TEAMS_EXPERT_CHANNEL_ID), with a link back to the person who asked.

Settings (environment): MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD (in credentials.yml),
MICROSOFT_APP_TENANT_ID (single-tenant; unset: the multi-tenant botframework.com tenant),
BOTFRAMEWORK_OPENID_URL and BOTFRAMEWORK_TOKEN_URL (overrides, e.g. a local fake in tests),
TEAMS_EXPERT_CHANNEL_ID (the channel "Ask an expert" posts to; unset: none).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, Optional, Text
from urllib.parse import quote

import aiohttp
from rasa.core.channels.botframework import BotFramework, BotFrameworkInput
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import rasa_patches
from channels.guard import GuardedInput
from channels.recent import Recent
from channels.teams.activity import message_from, problem
from channels.teams.auth import BotToken, Forbidden, SigningKeys, Unauthorized, http_session
from channels.teams.cards import activity_for, expert_request_activity
from privacy.ids import stored_id

logger = logging.getLogger(__name__)

OPENID_METADATA_URL = "https://login.botframework.com/v1/.well-known/openidconfiguration"
MULTI_TENANT = "botframework.com"
REMEMBERED_ACTIVITIES = 2000


def token_url(tenant_id: Optional[str]) -> str:
    """The token endpoint of the bot's tenant (single-tenant), or the shared multi-tenant one."""
    return f"https://login.microsoftonline.com/{tenant_id or MULTI_TENANT}/oauth2/v2.0/token"


@dataclass(frozen=True)
class TeamsSettings:
    app_id: str
    app_password: str
    openid_metadata_url: str
    token_url: str
    expert_channel_id: Optional[str] = None

    @classmethod
    def read(cls, credentials: Dict[Text, Any]) -> "TeamsSettings":
        """credentials.yml first, then the environment, then Microsoft's public endpoints."""

        def setting(key: str, variable: str) -> Optional[str]:
            return str(credentials.get(key) or os.getenv(variable) or "").strip() or None

        tenant_id = setting("tenant_id", "MICROSOFT_APP_TENANT_ID")
        return cls(
            app_id=setting("app_id", "MICROSOFT_APP_ID") or "",
            app_password=setting("app_password", "MICROSOFT_APP_PASSWORD") or "",
            openid_metadata_url=setting("openid_metadata_url", "BOTFRAMEWORK_OPENID_URL")
            or OPENID_METADATA_URL,
            token_url=setting("token_url", "BOTFRAMEWORK_TOKEN_URL") or token_url(tenant_id),
            expert_channel_id=setting("expert_channel_id", "TEAMS_EXPERT_CHANNEL_ID"),
        )


class TeamsOutput(BotFramework):
    """Replies to one Teams activity: rendered by channels/teams/cards.py, posted with aiohttp
    to the activity's serviceUrl with the bot's token."""

    def __init__(
        self, activity: Dict[str, Any], token: BotToken, expert_channel_id: Optional[str] = None
    ) -> None:
        super().__init__(
            token.app_id,
            token.app_password,
            activity["conversation"],
            activity["recipient"],
            activity["serviceUrl"],
        )
        self.token = token
        self.user = activity["from"]
        self.reply_to = activity.get("id")
        self.expert_channel_id = expert_channel_id

    async def _get_headers(self) -> Optional[Dict[Text, Any]]:
        authorization = await self.token.authorization()
        return {"Authorization": authorization} if authorization else None

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        custom = message.get("custom")
        if isinstance(custom, dict) and custom.get("type") == "expert_request":
            await self.ask_experts(custom)
        activity = activity_for(message)
        if activity:
            await self.send(activity)

    async def ask_experts(self, request: Dict[str, Any]) -> None:
        """Post the question to the experts' channel; without one set up, nowhere."""
        if not self.expert_channel_id:
            logger.warning("teams.expert.not_configured")
            return
        activity = {"from": self.bot, **expert_request_activity(request, self.user)}
        await self._post(self.expert_channel_id, activity)

    async def send(self, message_data: Dict[Text, Any]) -> None:
        activity = {
            "from": self.bot,
            "recipient": self.user,
            "conversation": self.conversation,
            **({"replyToId": self.reply_to} if self.reply_to else {}),
            **message_data,
        }
        await self._post(self.conversation["id"], activity)

    async def _post(self, conversation_id: str, activity: Dict[Text, Any]) -> None:
        headers = await self._get_headers()
        if headers is None:
            return  # logged by the token; never post without one
        url = f"{self.global_uri}conversations/{quote(conversation_id, safe='')}/activities"
        try:
            async with http_session() as session:
                async with session.post(url, json=activity, headers=headers) as reply:
                    if reply.status >= 300:
                        logger.error(f"teams.reply.rejected: {reply.status}")
        except (aiohttp.ClientError, OSError, asyncio.TimeoutError) as error:
            logger.error(f"teams.reply.failed: {type(error).__name__}")


class TeamsInput(GuardedInput, BotFrameworkInput):
    """Rasa's Bot Framework input channel, made safe and usable for Teams (module docstring)."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        rasa_patches.apply()  # as GuardedInput.from_credentials does for the other channels
        settings = TeamsSettings.read(credentials or {})
        if not (settings.app_id and settings.app_password):
            cls.raise_missing_credentials_exception()
        return cls(settings)

    def __init__(self, settings: TeamsSettings) -> None:  # type: ignore[override]
        # Not super().__init__: Rasa's fetches the signing keys here, with no timeout.
        self.app_id = settings.app_id
        self.signing_keys = SigningKeys(settings.openid_metadata_url)
        self.token = BotToken(settings.token_url, settings.app_id, settings.app_password)
        self.expert_channel_id = settings.expert_channel_id
        self.seen: Recent[None] = Recent(REMEMBERED_ACTIVITIES)

    def _first_delivery(self, activity: Dict[str, Any]) -> bool:
        if activity.get("id") is None:
            return True
        return self.seen.first_time(f"{activity['conversation']['id']}|{activity['id']}")

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        guarded = self.guarded(on_new_message)
        webhook = Blueprint("botframework_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                verified = await self.signing_keys.verify(
                    request.headers.get("Authorization"), self.app_id
                )
            except Unauthorized as reason:
                logger.warning(f"teams.request.unauthorized: {reason}")
                return response.text("Unauthorized.", status=401)
            try:
                activity = json.loads(request.body or b"")
            except ValueError:
                return response.text(
                    "The body must be a Bot Framework activity (JSON).", status=400
                )
            if not isinstance(activity, dict):
                return response.text("The body must be a JSON object.", status=400)
            if activity.get("type") != "message":
                return response.text("ignored")  # conversationUpdate, typing, reactions, ...
            lacking = problem(activity)
            if lacking:
                return response.text(f"Not a message activity: {lacking}.", status=400)
            try:
                verified.check_activity(activity)
            except Forbidden as reason:
                logger.warning(f"teams.request.forbidden: {reason}")
                return response.text("Forbidden.", status=403)
            if not self._first_delivery(activity):
                return response.text("already answered")
            await self._answer(activity, guarded)
            return response.text("success")

        return webhook

    async def _answer(
        self, activity: Dict[str, Any], guarded: Callable[[UserMessage], Awaitable[None]]
    ) -> None:
        text, metadata = message_from(activity)
        message = UserMessage(
            text=text,
            output_channel=TeamsOutput(activity, self.token, self.expert_channel_id),
            sender_id=stored_id("teams", activity["from"]["id"]),
            input_channel=self.name(),
            metadata=metadata,
        )
        try:
            await guarded(message)
        except Exception as error:  # Teams must get its 200, whatever went wrong
            logger.error(f"teams.message.failed: {type(error).__name__}")
