"""A flood from one client address is slowed down across all its conversations, so new sender
ids do not dodge the limit; other addresses are still answered. Behind a trusted proxy the
address it forwarded for counts."""

import uuid

import pytest
import requests

from tests.support.servers import running_servers
from tests.support.socketio_client import ChatClient
from tools.chat_client import send

pytestmark = pytest.mark.e2e  # servers, a browser or the trained model: not in `make test-fast`

QUESTION = "can I accept a friend request from a patient"


@pytest.fixture(scope="module")
def behind_a_proxy(tmp_path_factory):
    limits = {
        "GUIDANCE_TRUSTED_PROXIES": "127.0.0.1",  # the tests play the proxy
        "GUIDANCE_ADDRESS_RATE_BURST": "4",
        "GUIDANCE_ADDRESS_RATE_PER_MINUTE": "1",
    }
    with running_servers(tmp_path_factory.mktemp("limits"), extra_environment=limits) as servers:
        yield servers


def _post(servers, forwarded_for):
    return requests.post(
        servers.rest_webhook,
        json={"sender": uuid.uuid4().hex, "message": QUESTION},
        headers={"X-Forwarded-For": forwarded_for},
        timeout=30,
    )


def test_new_sender_ids_do_not_dodge_the_limit_of_their_address(behind_a_proxy):
    statuses = [_post(behind_a_proxy, "203.0.113.7").status_code for _ in range(6)]

    assert statuses[:4] == [200] * 4
    assert statuses[4:] == [429, 429]
    assert "Wait a minute" in _post(behind_a_proxy, "203.0.113.7").text


def test_other_addresses_and_forged_hops_are_told_apart(behind_a_proxy):
    for _ in range(5):
        _post(behind_a_proxy, "198.51.100.20")

    assert _post(behind_a_proxy, "198.51.100.21").status_code == 200
    # A client cannot pose as another by putting it first: the proxy's own entry is last.
    assert _post(behind_a_proxy, "198.51.100.21, 198.51.100.20").status_code == 429


def test_the_servers_own_address_is_exempt(behind_a_proxy):
    for n in range(6):
        assert send(behind_a_proxy.rest_webhook, f"local-{n}", QUESTION).kind


def test_the_web_chat_is_limited_per_address_too(behind_a_proxy):
    chat = ChatClient(behind_a_proxy.rasa_url, headers={"X-Forwarded-For": "192.0.2.44"})
    try:
        session_id = chat.session()
        for _ in range(4):
            chat.ask(session_id, QUESTION)
        chat.sio.emit("user_uttered", {"message": QUESTION, "session_id": session_id})

        assert "Wait a minute" in chat.next("message_error")["message"]
    finally:
        chat.close()
