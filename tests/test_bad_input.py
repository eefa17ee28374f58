"""Awkward messages get a sensible reply and leave the server healthy for the next one."""
import pytest

from tests.contract import REPLY_TYPES

FRIEND_REQUEST = "is it alright to accept a facebook friend request from a lady i scanned yesterday"
NOT_AN_ANSWER = set(REPLY_TYPES) - {"answer"}


@pytest.mark.parametrize(
    "message, acceptable",
    [
        ("", NOT_AN_ANSWER),
        ("   \n\t ", NOT_AN_ANSWER),
        ("can I post about my shift on facebook " * 520, set(REPLY_TYPES)),  # ~20,000 chars
        ("😀🙈📸", NOT_AN_ANSWER),
        ("¿Puedo publicar en Facebook una radiografía de un paciente?", set(REPLY_TYPES)),
        ("<script>alert('x')</script><b>hi</b>", NOT_AN_ANSWER),
        ("07700900123", NOT_AN_ANSWER),
        ("/not_an_intent", NOT_AN_ANSWER),
    ],
    ids=["empty", "whitespace", "20k-characters", "emoji", "spanish", "html", "number",
         "unknown-payload"],
)
def test_an_awkward_message_gets_a_reply_and_the_next_question_is_answered(
    conversation, message, acceptable
):
    reply = conversation(message)

    assert len(reply.customs) == 1, reply.messages
    assert reply.kind in acceptable
    assert reply.text.strip()
    assert "<script>" not in reply.text

    after = conversation(FRIEND_REQUEST)
    assert (after.kind, after.topic) == ("answer", "professional_boundaries")
