"""Conversations belong to their user (issue 13, rows 4, 5, 7, 9, 10, 11 and 15): ids are issued
and signed by the server, stored only as keyed hashes, one channel cannot reach another's
conversations, only allowlisted pages connect, and whatever a client sends gets an answer, never
a traceback."""

from __future__ import annotations

import asyncio
import json
from typing import Iterator

import pytest
import requests
import socketio
import websockets

from ops.servers import Servers
from privacy.ids import session_owned, stored_id
from tests.support.servers import raw_store_and_log, stored_events
from tests.support.socketio_client import ChatClient
from tests.support.web import QUESTION
from tools.chat_client import send

pytestmark = pytest.mark.e2e  # servers, a browser or the trained model: not in `make test-fast`

FOLLOW_UP = "what about former patients?"


@pytest.fixture
def alice(servers: Servers) -> Iterator[ChatClient]:
    chat = ChatClient(servers.rasa_url)
    yield chat
    chat.close()


@pytest.fixture
def mallory(servers: Servers) -> Iterator[ChatClient]:
    chat = ChatClient(servers.rasa_url)
    yield chat
    chat.close()


def user_texts(servers: Servers, conversation: str) -> list:
    return [json.loads(data)["text"] for _, data in stored_events(servers, conversation, "user")]


# ---- server-issued, signed session ids ------------------------------------------------------


def test_a_new_session_id_is_issued_and_signed_by_the_server(alice: ChatClient):
    session = alice.session()
    assert session_owned(session)
    assert alice.session() != session  # a new request without one: a new conversation


@pytest.mark.parametrize(
    "made_up",
    [
        "aaaaaaaa",
        "../../etc/passwd",
        "0123456789abcdef0123456789abcdef",
        "0123456789abcdef0123456789abcdef.0123456789abcdef0123456789abcdef",
        {"$ne": 1},
    ],
)
def test_a_session_id_the_client_made_up_gets_a_new_session(alice: ChatClient, made_up):
    issued = alice.session(made_up)
    assert issued != made_up and session_owned(issued)


def test_another_client_cannot_join_or_write_into_a_conversation(
    servers: Servers, alice: ChatClient, mallory: ChatClient
):
    session = alice.session()
    alice.ask(session, QUESTION)
    conversation = stored_id("web", session)
    unsigned = session.split(".")[0]

    # What another client could have seen of it: the id the store keeps, the unsigned part.
    for guess in (conversation, unsigned, session.upper()):
        assert mallory.session(guess) not in (session, guess)
    # A message naming Alice's session from a connection confirmed in another one.
    mallory.sio.emit("user_uttered", {"message": "i am in", "session_id": session})
    assert '"session_id" is not the session' in mallory.next("message_error")["message"]

    alice.ask(session, FOLLOW_UP)  # Mallory must not receive this reply
    with pytest.raises(AssertionError):
        mallory.next("bot_uttered", timeout_s=3)
    assert user_texts(servers, conversation) == [QUESTION, FOLLOW_UP]


def test_a_message_before_any_session_request_is_refused(alice: ChatClient):
    alice.sio.emit("user_uttered", {"message": QUESTION, "session_id": "anything"})
    assert "session_request" in alice.next("message_error")["message"]


# ---- ids stored as keyed hashes, one namespace per channel ------------------------------------


def test_ids_are_stored_only_as_keyed_hashes(servers: Servers, alice: ChatClient):
    rest_sender = "NHS-6013137579-Mrs-Zebedee-Quartermaine"
    send(servers.rest_webhook, rest_sender, QUESTION)
    session = alice.session()
    alice.ask(session, QUESTION)

    senders = {sender for sender, _ in stored_events(servers)}
    assert stored_id("rest", rest_sender) in senders
    assert stored_id("web", session) in senders
    database, log = raw_store_and_log(servers)
    for identifier in ("6013137579", "Zebedee", session.split(".")[0]):
        assert identifier not in database and identifier not in log


def test_a_rest_sender_equal_to_a_session_id_gets_a_conversation_of_its_own(
    servers: Servers, alice: ChatClient
):
    session = alice.session()
    alice.ask(session, QUESTION)

    for sender in (session, stored_id("web", session)):
        send(servers.rest_webhook, sender, "hello from rest")

    assert user_texts(servers, stored_id("web", session)) == [QUESTION]
    assert user_texts(servers, stored_id("rest", session)) == ["hello from rest"]


# ---- only allowlisted pages connect, on every transport ----------------------------------------


def websocket_opens(servers: Servers, origin: str) -> bool:
    """Whether a page from `origin` gets a socket.io connection over a websocket (opened as a
    browser opens it: straight to the websocket transport, with its Origin header)."""
    url = servers.rasa_url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"

    async def attempt() -> bool:
        try:
            async with websockets.connect(url, extra_headers={"Origin": origin}) as socket:
                assert (await asyncio.wait_for(socket.recv(), 10)).startswith("0{")  # engine.io
                await socket.send("40")  # socket.io: connect to the main namespace
                return (await asyncio.wait_for(socket.recv(), 10)).startswith("40{")
        except websockets.exceptions.InvalidStatusCode as refused:
            assert refused.status_code == 400
            return False

    return asyncio.run(attempt())


def test_an_allowlisted_page_connects_over_polling_and_websocket(servers: Servers):
    chat = ChatClient(servers.rasa_url, headers={"Origin": servers.cors_origins[0]})
    try:
        assert chat.ask(chat.session(), QUESTION)["custom"]["type"] == "answer"
    finally:
        chat.close()
    assert websocket_opens(servers, servers.cors_origins[0])


@pytest.mark.parametrize("origin", ["https://evil.example", "null"])
def test_a_page_from_another_origin_cannot_connect(servers: Servers, origin: str):
    chat = ChatClient.__new__(ChatClient)
    with pytest.raises(socketio.exceptions.ConnectionError):
        ChatClient.__init__(chat, servers.rasa_url, headers={"Origin": origin}, wait_s=3)
    assert not websocket_opens(servers, origin)


# ---- whatever a client sends gets an answer, never a traceback --------------------------------


@pytest.mark.parametrize(
    "packet, problem",
    [
        ('2["user_uttered",' + '{"a":' * 5000 + "1" + "}" * 5000 + "]", "nested too deeply"),
        ("zz not socket.io", "could not be read"),
        ('2["user_uttered", {"message": "unterminated', "could not be read"),
    ],
    ids=["nested-5000-deep", "garbage", "broken-json"],
)
def test_an_unreadable_packet_gets_a_message_error_and_the_next_question_is_answered(
    servers: Servers, alice: ChatClient, packet: str, problem: str
):
    session = alice.session()

    alice.sio.eio.send(packet)

    assert problem in alice.next("message_error")["message"]
    assert alice.ask(session, QUESTION)["custom"]["type"] == "answer"
    assert "Traceback" not in raw_store_and_log(servers)[1]


def test_a_message_over_the_size_limit_gets_a_message_error(servers: Servers, alice: ChatClient):
    session = alice.session()

    alice.sio.emit("user_uttered", {"message": "x" * 2_000_000, "session_id": session})

    assert "too long" in alice.next("message_error")["message"]
    assert alice.ask(session, QUESTION)["custom"]["type"] == "answer"
    assert "Traceback" not in raw_store_and_log(servers)[1]


def test_a_poll_on_a_closed_session_gets_400_not_a_server_error(servers: Servers):
    url = f"{servers.rasa_url}/socket.io/?EIO=4&transport=polling"
    opened = requests.get(url, timeout=10).text
    sid = json.loads(opened[opened.index("{") :])["sid"]
    closed = requests.post(f"{url}&sid={sid}", data="1", timeout=10)  # engine.io "close"

    poll = requests.get(f"{url}&sid={sid}", timeout=10)

    assert closed.status_code == 200 and poll.status_code == 400
    assert "Session is disconnected" not in raw_store_and_log(servers)[1]


def test_rest_refuses_a_body_that_is_not_json(servers: Servers):
    for headers in ({"Content-Type": "text/plain"}, {}):
        response = requests.post(
            servers.rest_webhook,
            data=json.dumps({"sender": "plain", "message": QUESTION}),
            headers=headers,
            timeout=30,
        )
        assert response.status_code == 415, headers
