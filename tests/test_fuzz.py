"""Property-based hostile input over the REST channel: never a 5xx, and the server stays healthy."""

import json

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tools.chat_client import send

pytestmark = pytest.mark.e2e  # servers, a browser or the trained model: not in `make test-fast`

HOSTILE_TEXT = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(
        [
            "'; DROP TABLE events; --",
            "<img src=x onerror=alert(1)>",
            "\u202egnp.exe",
            "a\u200bb\u200cc",
            "\x00\x01\x02",
            "😀" * 500,
            "x" * 100_000,
            "Robert'); DELETE FROM events;--",
            "%s%s%n",
            "{{7*7}}",
            "${jndi:ldap://x}",
            "\ud800",
            "/restart",
            "/nlu_fallback",
            '/greet{"a": 1}',
        ]
    ),
)
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
BODY = st.one_of(
    st.binary(max_size=500),
    JSON_VALUE.map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries(
        {
            "sender": st.one_of(st.text(min_size=1, max_size=40), JSON_VALUE),
            "message": st.one_of(HOSTILE_TEXT, JSON_VALUE),
        },
        optional={"metadata": JSON_VALUE, "input_channel": JSON_VALUE},
    ).map(lambda d: json.dumps(d).encode("utf-8", "surrogatepass")),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)
@given(body=BODY)
def test_no_request_body_gets_a_server_error(servers, body):
    response = requests.post(
        servers.rest_webhook, data=body, headers={"Content-Type": "application/json"}, timeout=60
    )
    assert response.status_code < 500, body[:200]


def test_a_body_over_the_size_cap_gets_413(servers):
    body = json.dumps({"sender": "huge", "message": "x" * 2_000_000})
    response = requests.post(
        servers.rest_webhook, data=body, timeout=60, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413


def test_a_flood_from_one_sender_is_slowed_down_and_others_are_still_answered(servers):
    replies = [send(servers.rest_webhook, "flooder", "hello") for _ in range(25)]

    assert replies[0].kind == "smalltalk"
    assert replies[-1].custom == {"type": "unavailable", "reason": "rate_limited"}
    other = send(
        servers.rest_webhook, "someone-else", "can i accept a friend request from a patient"
    )
    assert other.topic == "professional_boundaries"


def test_the_server_is_healthy_after_the_hostile_input(servers):
    reply = send(servers.rest_webhook, "after-fuzz", "can i accept a friend request from a patient")
    assert (reply.kind, reply.topic) == ("answer", "professional_boundaries")
