"""Identifiers typed by a user never reach the tracker store or the logs."""

import re

import pytest

from privacy.ids import stored_id
from tests.support.servers import raw_store_and_log, stored_events
from tools.chat_client import send

pytestmark = pytest.mark.e2e  # servers, a browser or the trained model: not in `make test-fast`

PASTED = (
    "can i post this on our team page: Mrs Jane Doe, NHS no 943 476 5919, DOB 12/03/1961, "
    "lives at M13 9PL, daughter on 07700 900123 or jane.doe@example.com, MRN 8812345, "
    "fractured NOF, lovely lady"
)
IDENTIFIERS = [
    "Jane Doe",
    "943 476 5919",
    "9434765919",
    "12/03/1961",
    "M13 9PL",
    "07700 900123",
    "jane.doe@example.com",
    "8812345",
]


def _holds(text: str, identifier: str) -> bool:
    """The identifier as typed, not as digits inside a longer number: the store keeps each
    intent's confidence to 17 digits, and "0.00019927688123454" does not leak "8812345"."""
    return re.search(rf"(?<!\d){re.escape(identifier)}(?!\d)", text) is not None


def test_pasted_identifiers_are_redacted_before_storage_and_logs(servers):
    reply = send(servers.rest_webhook, "privacy-pasted", PASTED)

    assert "removed what looked like personal details" in reply.messages[0]["text"]
    assert reply.kind in ("answer", "clarify")
    stored = "\n".join(data for _, data in stored_events(servers))
    assert "[NHS_NUMBER]" in stored and "[NAME]" in stored and "[DATE]" in stored
    database, log = raw_store_and_log(servers)
    for identifier in IDENTIFIERS:
        assert not _holds(database, identifier), identifier
        assert not _holds(log, identifier), identifier
    assert "fractured NOF" not in log, "the logs hold no message text at all"


def test_the_user_is_told_once_per_conversation(servers):
    first = send(servers.rest_webhook, "privacy-once", "my patient Sarah added me on facebook")
    second = send(
        servers.rest_webhook,
        "privacy-once",
        "and Mr Patel from bed 4 sent me a friend request as well",
    )

    notices = [
        m
        for r in (first, second)
        for m in r.messages
        if "removed what looked like personal details" in m.get("text", "")
    ]
    assert len(notices) == 1
    assert second.kind == "answer"


def test_metadata_a_client_sends_is_not_stored_unless_allowed(servers):
    import requests

    requests.post(
        servers.rest_webhook,
        json={
            "sender": "privacy-metadata",
            "message": "hello",
            "metadata": {"patient": "Jane Doe 943 476 5919", "page": "/intranet/home"},
        },
        timeout=30,
    ).raise_for_status()

    stored = "\n".join(
        data for _, data in stored_events(servers, stored_id("rest", "privacy-metadata"))
    )
    assert "/intranet/home" in stored
    assert "943 476 5919" not in stored and "Jane Doe" not in stored


@pytest.mark.parametrize(
    "text",
    ["control\x00chars\x07here", "zero\u200bwidth\u200djoiners", "right\u202eto\u202cleft"],
)
def test_hidden_characters_are_removed_before_nlu(servers, text):
    reply = send(servers.rest_webhook, f"privacy-chars-{hash(text)}", text)

    assert len(reply.customs) == 1
    stored = "\n".join(data for _, data in stored_events(servers))
    for character in ("\\u0000", "\\u200b", "\\u202e"):
        assert character not in stored


def test_only_the_channel_webhooks_are_public(servers):
    import requests

    for path in ("/conversations/privacy-pasted/tracker", "/model", "/status", "/domain"):
        assert requests.get(servers.rasa_url + path, timeout=10).status_code == 404, path
    preflight = requests.options(
        servers.rest_webhook,
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        timeout=10,
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers
    action_preflight = requests.options(
        servers.action_url + "/webhook",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        timeout=10,
    )
    assert action_preflight.headers.get("Access-Control-Allow-Origin") != "*"
