"""Awkward messages get a sensible reply and leave the server healthy for the next one."""

import pytest
import requests

from tests.support.contract import REPLY_TYPES
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
        b'{"sender": "s", "message": "hello", "input_channel": 7}',
    ],
)
def test_a_malformed_request_gets_a_400_that_says_what_to_send(servers, body):
    response = requests.post(
        servers.rest_webhook, data=body, headers={"Content-Type": "application/json"}, timeout=30
    )

    assert response.status_code == 400
    after = send(servers.rest_webhook, "after-a-bad-request", FRIEND_REQUEST)
    assert after.topic == "professional_boundaries"


def test_a_null_message_is_treated_as_an_empty_one(servers):
    response = requests.post(
        servers.rest_webhook, json={"sender": "null-message", "message": None}, timeout=30
    )

    assert response.status_code == 200
    assert Reply(response.json()).kind == "smalltalk"
