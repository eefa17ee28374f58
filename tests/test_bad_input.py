"""Awkward messages get a sensible reply and leave the server healthy for the next one."""

import json
import socket
import uuid
from pathlib import Path

import pytest
import requests

from privacy.ids import stored_id
from tests.support.contract import REPLY_TYPES
from tests.support.servers import stored_events
from tools.chat_client import Reply, send

pytestmark = pytest.mark.e2e  # servers, a browser or the trained model: not in `make test-fast`

FRIEND_REQUEST = "is it alright to accept a facebook friend request from a lady i scanned yesterday"
NOT_AN_ANSWER = set(REPLY_TYPES) - {"answer"}


@pytest.mark.parametrize(
    "message, acceptable",
    [
        ("", {"smalltalk"}),
        ("   \n\t ", {"smalltalk"}),
        ("can I post about my shift on facebook " * 520, set(REPLY_TYPES)),  # ~20,000 chars
        ("😀🙈📸", {"smalltalk"}),
        ("¿Puedo publicar en Facebook una radiografía de un paciente?", set(REPLY_TYPES)),
        ("<script>alert('x')</script><b>hi</b>", NOT_AN_ANSWER),
        ("07700900123", NOT_AN_ANSWER),
        ("/not_an_intent", NOT_AN_ANSWER),
    ],
    ids=[
        "empty",
        "whitespace",
        "20k-characters",
        "emoji",
        "spanish",
        "html",
        "number",
        "unknown-payload",
    ],
)
def test_an_awkward_message_gets_a_reply_and_the_next_question_is_answered(
    conversation, message, acceptable
):
    reply = conversation(message)

    assert reply.kind in acceptable, reply.messages  # exactly one reply object (beside any notice)
    assert reply.text.strip()
    assert "<script>" not in reply.text

    after = conversation(FRIEND_REQUEST)
    assert (after.kind, after.topic) == ("answer", "professional_boundaries")


@pytest.mark.parametrize(
    "body",
    [
        b"this is not json",
        b"[1, 2, 3]",
        b'"just a string"',
        b'{"message": "hello"}',
        b'{"sender": "", "message": "hello"}',
        b'{"sender": {"id": 1}, "message": "hello"}',
        b'{"sender": "s", "message": 5}',
        b'{"sender": "s", "message": "hello", "metadata": "not an object"}',
        b'{"sender": "has spaces in it", "message": "hello"}',
        ('{"sender": "' + "x" * 129 + '", "message": "hello"}').encode(),
    ],
)
def test_a_malformed_request_gets_a_400_that_says_what_to_send(servers, body):
    response = requests.post(
        servers.rest_webhook, data=body, headers={"Content-Type": "application/json"}, timeout=30
    )

    assert response.status_code == 400
    after = send(servers.rest_webhook, f"after-a-bad-request-{uuid.uuid4().hex}", FRIEND_REQUEST)
    assert after.topic == "professional_boundaries"


def test_a_null_message_is_treated_as_an_empty_one(servers):
    response = requests.post(
        servers.rest_webhook, json={"sender": "null-message", "message": None}, timeout=30
    )

    assert response.status_code == 200
    assert Reply(response.json()).kind == "smalltalk"


def test_a_body_that_is_not_json_gets_a_415_that_says_what_to_send(servers):
    response = requests.post(
        servers.rest_webhook, data={"sender": "form", "message": "hello"}, timeout=30
    )

    assert response.status_code == 415
    assert "application/json" in response.text


def test_the_input_channel_is_set_by_the_server_not_the_client(servers):
    send(servers.rest_webhook, "poser", FRIEND_REQUEST)  # the conversation starts as REST
    response = requests.post(
        servers.rest_webhook,
        json={"sender": "poser", "message": FRIEND_REQUEST, "input_channel": "botframework"},
        timeout=30,
    )

    assert response.status_code == 200
    channels = {
        json.loads(data).get("input_channel")
        for sender, data in stored_events(servers, stored_id("rest", "poser"), "user")
    }
    assert channels == {"rest"}


@pytest.mark.parametrize("length", [b"abc", b"5, 5", b"0x10", b"-1"])
def test_malformed_http_framing_gets_a_400_and_no_traceback(servers, length):
    host, port = servers.host, servers.rasa_port
    with socket.create_connection((host, port), timeout=10) as connection:
        connection.sendall(
            b"POST /webhooks/rest/webhook HTTP/1.1\r\nContent-Length: " + length + b"\r\n\r\n"
        )
        status = connection.recv(200).split(b"\r\n")[0]

    assert b" 400 " in status
    assert "Traceback" not in (Path(servers.endpoints).parent / "servers.log").read_text()


def test_the_server_names_no_version(servers):
    root = requests.get(servers.rasa_url + "/", timeout=10)

    assert "3.6" not in root.text and "Server" not in root.headers


def test_a_preflight_from_an_allowed_origin_gets_a_valid_max_age(servers):
    origin = servers.cors_origins[0]
    preflight = requests.options(
        servers.rest_webhook,
        headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
        timeout=10,
    )

    assert preflight.headers.get("Access-Control-Allow-Origin") == origin
    assert preflight.headers.get("Access-Control-Max-Age", "").isdigit()
