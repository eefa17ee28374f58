"""Microsoft's side of a Teams conversation, faked on localhost for the Teams tests: the OpenID
metadata and signing keys (an RSA key made here), the token endpoint, and the Bot Connector
conversation endpoint that records what the bot posts. Also signs the tokens Teams would send."""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional
from urllib.parse import parse_qs, unquote

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ISSUER = "https://api.botframework.com"
KEY_ID = "fake-key-1"
ACCESS_TOKEN = "fake-bot-access-token"
METADATA_PATH = "/v1/.well-known/openidconfiguration"
KEYS_PATH = "/v1/.well-known/keys"


def new_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class Posted:
    conversation_id: str
    authorization: Optional[str]
    activity: Dict[str, Any]


@dataclass
class FakeBotFramework:
    app_id: str
    key: rsa.RSAPrivateKey = field(default_factory=new_rsa_key)
    posted: List[Posted] = field(default_factory=list)
    token_requests: List[Dict[str, Any]] = field(default_factory=list)
    servers: List[ThreadingHTTPServer] = field(default_factory=list)

    # --- the HTTP side ------------------------------------------------------------------

    def serve(self, port: int = 0) -> str:
        """Serve every endpoint on 127.0.0.1:`port` (0: any free port); returns the base URL."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _reply(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                if self.path == METADATA_PATH:
                    self._reply(
                        200,
                        {
                            "issuer": ISSUER,
                            "jwks_uri": fake.base_url + KEYS_PATH,
                            "id_token_signing_alg_values_supported": ["RS256"],
                        },
                    )
                elif self.path == KEYS_PATH:
                    self._reply(200, {"keys": [fake.public_jwk()]})
                else:
                    self._reply(404, {})

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path.endswith("/oauth2/v2.0/token"):
                    form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
                    fake.token_requests.append({"path": self.path, **form})
                    self._reply(
                        200,
                        {"token_type": "Bearer", "expires_in": 3599, "access_token": ACCESS_TOKEN},
                    )
                elif self.path.startswith("/v3/conversations/") and self.path.endswith(
                    "/activities"
                ):
                    conversation = unquote(
                        self.path[len("/v3/conversations/") : -len("/activities")]
                    )
                    fake.posted.append(
                        Posted(conversation, self.headers.get("Authorization"), json.loads(body))
                    )
                    self._reply(201, {"id": str(uuid.uuid4())})
                else:
                    self._reply(404, {})

        server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.servers[0].server_address[1]}"

    def stop(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()

    def public_jwk(self) -> Dict[str, Any]:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        return {**jwk, "kid": KEY_ID, "use": "sig", "endorsements": ["msteams"]}

    # --- what Teams sends ---------------------------------------------------------------

    def token(
        self,
        key: Optional[rsa.RSAPrivateKey] = None,
        headers: Optional[Dict[str, Any]] = None,
        **claims: Any,
    ) -> str:
        """A Bot Framework token as Teams would send it; keyword arguments change claims
        (None removes one)."""
        now = int(time.time())
        body = {
            "iss": ISSUER,
            "aud": self.app_id,
            "iat": now,
            "nbf": now,
            "exp": now + 3600,
            "serviceurl": self.base_url + "/",
            **claims,
        }
        body = {k: v for k, v in body.items() if v is not None}
        return jwt.encode(
            body, key or self.key, algorithm="RS256", headers={"kid": KEY_ID, **(headers or {})}
        )

    def replies_to(self, conversation_id: str) -> List[Posted]:
        return [p for p in self.posted if p.conversation_id == conversation_id]

    def wait_for_replies(
        self, conversation_id: str, count: int = 1, timeout: float = 30
    ) -> List[Posted]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            replies = self.replies_to(conversation_id)
            if len(replies) >= count:
                return replies
            time.sleep(0.1)
        raise AssertionError(
            f"{len(self.replies_to(conversation_id))} of {count} replies to {conversation_id} "
            f"arrived within {timeout} s"
        )
