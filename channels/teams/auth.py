"""The Bot Framework's two tokens: the one Teams sends with every request (checked here
against Microsoft's signing keys) and the one the bot sends with every reply (fetched from the
token endpoint and cached).

Follows Microsoft's "Authenticate requests from the Bot Connector service to your bot": RS256
signature by a key from the OpenID metadata's JWKS, issuer https://api.botframework.com,
audience = the bot's app id, not expired (5 minutes' clock skew), the `serviceurl` claim equal
to the activity's serviceUrl, and the key endorsed for the activity's channel.

Nothing here runs at start-up: the signing keys are fetched on the first request and refreshed
daily, so the server starts even when Microsoft cannot be reached; until the keys arrive,
every request gets 401.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import aiohttp
import jwt
from jwt.algorithms import RSAAlgorithm

logger = logging.getLogger(__name__)
# What a call to Microsoft can fail with: network, timeout, or an answer of the wrong shape.
REMOTE_FAILURES = (aiohttp.ClientError, asyncio.TimeoutError, ValueError, KeyError, TypeError)

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
BOT_FRAMEWORK_SCOPE = "https://api.botframework.com/.default"
CLOCK_SKEW_S = 300
KEYS_MAX_AGE_S = 24 * 3600
# After a failed fetch, or a token signed by an unknown key, the next try waits this long, so
# unauthenticated requests cannot make the bot hammer Microsoft's endpoint.
KEYS_RETRY_AFTER_S = 5.0
HTTP_TIMEOUT = aiohttp.ClientTimeout(total=10, connect=5)


def http_session() -> aiohttp.ClientSession:
    """Every call to Microsoft has a timeout, and goes through HTTPS_PROXY when one is set
    (trust networks often reach the internet only through a proxy; NO_PROXY is honoured)."""
    return aiohttp.ClientSession(timeout=HTTP_TIMEOUT, trust_env=True)


class Unauthorized(Exception):
    """The request does not carry a token this bot can verify (401)."""


class Forbidden(Exception):
    """A valid token, but not for this activity (403)."""


@dataclass(frozen=True)
class Verified:
    claims: Dict[str, Any]
    endorsements: Optional[List[str]]

    def check_activity(self, activity: Dict[str, Any]) -> None:
        """The token must have been issued for this activity's service URL and channel."""
        claimed = str(self.claims.get("serviceurl", "")).rstrip("/")
        if not claimed or claimed != str(activity.get("serviceUrl", "")).rstrip("/"):
            raise Forbidden("serviceurl claim does not match the activity")
        if self.endorsements is not None and activity.get("channelId") not in self.endorsements:
            raise Forbidden("the signing key is not endorsed for this channel")


@dataclass
class SigningKeys:
    """Microsoft's token-signing keys (JWKS), fetched lazily and refreshed daily."""

    openid_metadata_url: str
    keys: Dict[str, Dict[str, Any]] = field(default_factory=dict)
    fetched_at: float = float("-inf")
    tried_at: float = float("-inf")
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def _due(self, key_id: str) -> bool:
        now = time.monotonic()
        if now - self.tried_at < KEYS_RETRY_AFTER_S:
            return False
        return key_id not in self.keys or now - self.fetched_at > KEYS_MAX_AGE_S

    async def get(self, key_id: str) -> Optional[Dict[str, Any]]:
        if self._due(key_id):
            async with self.lock:
                if self._due(key_id):
                    await self.refresh()
        return self.keys.get(key_id)

    async def refresh(self) -> None:
        """Fetch the keys; on failure keep the ones we have and try again later."""
        self.tried_at = time.monotonic()
        try:
            async with http_session() as session:
                metadata = await _get_json(session, self.openid_metadata_url)
                jwks = await _get_json(session, metadata["jwks_uri"])
            keys = {key["kid"]: key for key in jwks["keys"] if key.get("kid")}
        except REMOTE_FAILURES as error:
            logger.warning(f"teams.keys.unavailable: {type(error).__name__}")
            return
        self.keys, self.fetched_at = keys, time.monotonic()
        logger.info(f"teams.keys.fetched: {len(keys)}")

    async def verify(self, authorization: Optional[str], app_id: str) -> Verified:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("no bearer token")
        try:
            header = jwt.get_unverified_header(token.strip())
        except jwt.PyJWTError as error:
            raise Unauthorized("not a JWT") from error
        # Only RS256: the algorithm in the header is the sender's claim, not ours to trust.
        if header.get("alg") != "RS256" or not isinstance(header.get("kid"), str):
            raise Unauthorized("not an RS256 token with a key id")
        jwk = await self.get(header["kid"])
        if jwk is None:
            raise Unauthorized("unknown signing key (or keys unavailable)")
        try:
            claims = jwt.decode(
                token.strip(),
                key=RSAAlgorithm.from_jwk(jwk),
                algorithms=["RS256"],
                audience=app_id,
                issuer=BOT_FRAMEWORK_ISSUER,
                leeway=CLOCK_SKEW_S,
                options={"require": ["exp", "iss", "aud"]},
            )
        except (jwt.PyJWTError, ValueError) as error:
            raise Unauthorized(type(error).__name__) from error
        endorsements = jwk.get("endorsements")
        return Verified(claims, endorsements if isinstance(endorsements, list) else None)


@dataclass
class BotToken:
    """The bot's own access token for replies (OAuth2 client credentials), cached until
    shortly before it expires."""

    token_url: str
    app_id: str
    app_password: str
    value: Optional[str] = None
    expires_at: float = float("-inf")
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def authorization(self) -> Optional[str]:
        """`Bearer <token>`, or None when the token endpoint cannot be reached."""
        async with self.lock:
            if self.value is None or time.monotonic() > self.expires_at:
                await self._fetch()
        return f"Bearer {self.value}" if self.value else None

    async def _fetch(self) -> None:
        form = {
            "grant_type": "client_credentials",
            "client_id": self.app_id,
            "client_secret": self.app_password,
            "scope": BOT_FRAMEWORK_SCOPE,
        }
        try:
            async with http_session() as session:
                async with session.post(self.token_url, data=form) as response:
                    response.raise_for_status()
                    token = await response.json(content_type=None)
            self.value = str(token["access_token"])
            self.expires_at = time.monotonic() + max(int(token.get("expires_in", 3600)) - 300, 60)
        except REMOTE_FAILURES as error:
            self.value = None
            logger.error(f"teams.token.unavailable: {type(error).__name__}")


async def _get_json(session: aiohttp.ClientSession, url: str) -> Any:
    async with session.get(url) as response:
        response.raise_for_status()
        return await response.json(content_type=None)
