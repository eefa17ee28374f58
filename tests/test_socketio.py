"""The socket.io channel the chat window uses, spoken to directly with python-socketio's client:
replies arrive with session persistence on (the RasaHQ/rasa#13027 trap), malformed events get
an answer instead of silence, CORS is an allowlist, and the optional signed-token check works."""

from __future__ import annotations

import time
from typing import Any, Dict, Iterator

import jwt
import pytest
import requests
import socketio

from ops.servers import Servers
from tests.support.servers import raw_store_and_log, running_servers
from tests.support.socketio_client import ChatClient
from tests.support.web import QUESTION

pytestmark = pytest.mark.e2e  # servers, a browser or the trained model: not in `make test-fast`


@pytest.fixture
def client(servers: Servers) -> Iterator[ChatClient]:
    chat = ChatClient(servers.rasa_url)
    yield chat
    chat.close()


def test_a_question_is_answered_in_one_event_with_citations(client: ChatClient):
    session_id = client.session()

    reply = client.ask(session_id, QUESTION)

    # If this times out, check python-socketio is 5.9.0: later versions drop every reply when
    # session persistence is on (an un-awaited enter_room in Rasa 3.6, RasaHQ/rasa#13027).
    assert reply["custom"]["type"] == "answer"
    assert reply["custom"]["topic"] == "professional_boundaries"
    assert reply["custom"]["citations"][0]["url"].startswith("https://")
    assert (
        "Key points" in reply["text"] and "Sources:" not in reply["text"]
    )  # links come from custom
    assert reply["quick_replies"][0]["payload"].startswith("/")


def test_a_conversation_continues_after_reconnecting_with_its_session_id(
    servers: Servers, client: ChatClient
):
    session_id = client.session()
    client.ask(session_id, QUESTION)
    client.close()

    again = ChatClient(servers.rasa_url)
    try:
        assert again.session(session_id) == session_id
        follow_up = again.ask(session_id, "what about former patients?")
    finally:
        again.close()
    assert follow_up["custom"]["topic"] == "professional_boundaries"  # read in context


@pytest.mark.parametrize(
    "data, problem",
    [
        ("just a string", "JSON object"),
        ({"session_id": "0123456789abcdef"}, '"message"'),
        ({"message": 42, "session_id": "0123456789abcdef"}, '"message"'),
        ({"message": "hello"}, '"session_id"'),
        ({"message": "hello", "session_id": {"$ne": 1}}, '"session_id"'),
    ],
)
def test_a_malformed_message_gets_a_message_error_and_the_next_one_is_answered(
    client: ChatClient, data, problem
):
    session_id = client.session()

    client.sio.emit("user_uttered", data)

    assert problem in client.next("message_error")["message"]
    assert client.ask(session_id, QUESTION)["custom"]["type"] == "answer"


@pytest.mark.parametrize("metadata", ["{not json", ["a", "list"], 7, {"page": {"deep": "object"}}])
def test_odd_metadata_is_ignored_not_fatal(client: ChatClient, metadata):
    session_id = client.session()
    reply = client.ask(session_id, QUESTION, metadata=metadata)
    assert reply["custom"]["type"] == "answer"


def test_identifiers_are_removed_and_the_kept_text_is_sent_back(client: ChatClient):
    session_id = client.session()

    notice = client.ask(session_id, "can I post about Mrs Jane Doe, DOB 12/03/1961?")

    assert notice["custom"] == {
        "type": "identifiers_removed",
        "message": "can I post about Mrs [NAME], DOB [DATE]?",
    }
    assert "removed" in notice["text"]


def test_identifiers_sent_over_socketio_are_never_stored_or_logged(
    servers: Servers, client: ChatClient
):
    identifiers = [
        "Harold Finch",
        "609 139 0996",
        "6091390996",
        "03/04/1950",
        "LS6 3JT",
        "07700 900456",
        "h.finch@example.org",
    ]
    session_id = client.session()

    notice = client.ask(
        session_id,
        "ok to share on whatsapp? Mr Harold Finch, NHS 609 139 0996, "
        "born 03/04/1950, LS6 3JT, 07700 900456, h.finch@example.org",
    )
    reply = client.next("bot_uttered")

    assert notice["custom"]["type"] == "identifiers_removed"
    assert reply["custom"]["type"] in ("answer", "clarify")
    database, log = raw_store_and_log(servers)
    assert "ok to share on whatsapp? Mr [NAME], NHS [NHS_NUMBER]" in database
    for identifier in identifiers:
        assert identifier not in database and identifier not in log, identifier


@pytest.mark.parametrize(
    "message",
    [
        "can I post about my shift on facebook " * 2600,  # ~100,000 characters
        "\x00\x07\x1b[31m can I post \u202egnihtemos\u202c \u200b\u200d on twitter?",
        "'; DROP TABLE events; -- can I post a photo of the department?",
        "\ud83d\ude00" * 50,
    ],
    ids=["100k-characters", "control-rtl-zero-width", "sql-looking", "emoji-only"],
)
def test_hostile_text_over_socketio_gets_a_reply_and_the_next_question_is_answered(
    client: ChatClient, message
):
    session_id = client.session()

    reply = client.ask(session_id, message)

    assert reply.get("text")
    assert client.ask(session_id, QUESTION)["custom"]["type"] == "answer"


def cors_headers(servers: Servers, origin: str) -> Dict[str, str]:
    response = requests.options(
        f"{servers.rasa_url}/socket.io/?EIO=4&transport=polling",
        headers={"Origin": origin, "Access-Control-Request-Method": "GET"},
        timeout=10,
    )
    assert response.status_code < 500
    return {k.lower(): v for k, v in response.headers.items()}


def test_cors_allows_the_listed_origins_only(servers: Servers):
    listed = servers.cors_origins[0]
    assert cors_headers(servers, listed).get("access-control-allow-origin") == listed
    assert "access-control-allow-origin" not in cors_headers(servers, "https://evil.example")


# ---- optional signed-token auth on connect ------------------------------------------------------

JWT_KEY = "a-test-secret-that-is-long-enough-for-hs256"


@pytest.fixture(scope="module")
def jwt_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    with running_servers(
        tmp_path_factory.mktemp("jwt"), extra_environment={"GUIDANCE_SOCKET_JWT_KEY": JWT_KEY}
    ) as servers:
        yield servers


def token(key: str = JWT_KEY, **claims: Any) -> str:
    return jwt.encode(
        {"sub": "staff-sso-user", "exp": int(time.time()) + 300, **claims}, key, "HS256"
    )


@pytest.mark.parametrize(
    "auth",
    [
        None,
        {"token": "not-a-token"},
        {"token": token(key="the-wrong-secret-for-this-server-000")},
        {"token": token(exp=int(time.time()) - 60)},
    ],
    ids=["no-token", "garbage", "wrong-key", "expired"],
)
def test_with_a_jwt_key_a_connection_without_a_valid_token_is_refused(jwt_servers: Servers, auth):
    chat = ChatClient.__new__(ChatClient)
    with pytest.raises(socketio.exceptions.ConnectionError):
        ChatClient.__init__(chat, jwt_servers.rasa_url, auth=auth, wait_s=2)
    assert chat.refused  # the server said no; not merely slow


def test_with_a_jwt_key_a_valid_token_connects_and_is_answered(jwt_servers: Servers):
    chat = ChatClient(jwt_servers.rasa_url, auth={"token": f"Bearer {token()}"})
    try:
        reply = chat.ask(chat.session(), QUESTION)
    finally:
        chat.close()
    assert reply["custom"]["type"] == "answer"
