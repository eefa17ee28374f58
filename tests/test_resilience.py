"""Faults: restarts keep conversations, a dead action server gets an apology then recovers,
old conversations are purged, and a bad model or tracker database gives a clear error."""

import socket
import subprocess
import threading
import time
from contextlib import contextmanager
from typing import Iterator, List

import pytest

from ops.purge import purge
from ops.servers import Servers, StartError, endpoints_in, free_port
from privacy.ids import stored_id
from tests.support.servers import running_servers, stored_events
from tests.support.socketio_client import ChatClient
from tools.chat_client import send

pytestmark = pytest.mark.e2e  # servers, a browser or the trained model: not in `make test-fast`

FRIEND_REQUEST = "a lady i x-rayed last week has sent me a friend request on facebook, can i accept"


@pytest.fixture(scope="module")
def own_servers(tmp_path_factory):
    """Servers these tests may stop and start without disturbing the other tests."""
    with running_servers(tmp_path_factory.mktemp("resilience")) as servers:
        yield servers


def test_a_rasa_restart_loses_no_conversation(own_servers):
    assert (
        send(own_servers.rest_webhook, "restart", FRIEND_REQUEST).topic == "professional_boundaries"
    )

    own_servers.stop_process(own_servers.rasa_server)
    own_servers.start_rasa_server()

    follow_up = send(own_servers.rest_webhook, "restart", "what about former patients?")
    assert (follow_up.kind, follow_up.topic) == ("answer", "professional_boundaries")


def test_with_the_action_server_down_the_user_gets_an_apology_then_answers_resume(own_servers):
    own_servers.stop_process(own_servers.action_server)
    try:
        started = time.monotonic()
        reply = send(own_servers.rest_webhook, "action-down", FRIEND_REQUEST)
        waited = time.monotonic() - started

        assert reply.custom == {"type": "unavailable", "reason": "fault"}
        assert "sor.org" in reply.text
        assert waited < 5
    finally:
        own_servers.start_action_server()

    again = send(own_servers.rest_webhook, "action-down", FRIEND_REQUEST)
    assert (again.kind, again.topic) == ("answer", "professional_boundaries")


def test_purge_deletes_conversations_older_than_the_cut_off_and_keeps_newer_ones(own_servers):
    send(own_servers.rest_webhook, "purge-old", FRIEND_REQUEST)
    time.sleep(1.1)
    cut_off = time.time()
    send(own_servers.rest_webhook, "purge-new", FRIEND_REQUEST)

    removed = purge(own_servers.endpoints_path, older_than=cut_off)

    assert removed >= 1
    senders = {sender for sender, _ in stored_events(own_servers)}
    assert stored_id("rest", "purge-old") not in senders
    assert stored_id("rest", "purge-new") in senders


def test_a_tracker_store_that_cannot_be_written_is_told_to_the_user_once_and_logged_clearly(
    own_servers,
):
    folder = own_servers.endpoints_path.parent  # immutable: SQLite cannot write its journal
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode:
        pytest.skip("this file system cannot make the database read-only")
    try:
        reply = send(own_servers.rest_webhook, "read-only-db", FRIEND_REQUEST)
        second = send(own_servers.rest_webhook, "read-only-db", "what about former patients?")
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)

    # Rasa sends the answer before saving the conversation, so the user still gets it, and
    # is told it is not being saved: once, not with every message.
    assert reply.kind == "answer"
    assert {"type": "not_saved"} in reply.customs and "won't remember" in reply.text
    assert second.kind and {"type": "not_saved"} not in second.customs

    log = (folder / "servers.log").read_text()
    assert "Error happened when trying to save conversation tracker" in log
    assert "unable to open database file (SQL parameters withheld)" in log
    assert "x-rayed last week" not in log, "the error is logged without the message text"
    again = send(own_servers.rest_webhook, "read-only-db", FRIEND_REQUEST)
    assert again.topic == "professional_boundaries"
    assert {"type": "not_saved"} not in again.customs  # saved again: nothing to tell


@contextmanager
def _hung_action_server() -> Iterator[int]:
    """A port that accepts connections and never answers, like a hung action server."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: List[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
        for connection in held:
            connection.close()


def test_a_hung_action_server_gets_the_apology_within_5_seconds_on_rest_and_socketio(tmp_path):
    with _hung_action_server() as port, (tmp_path / "servers.log").open("w") as log:
        servers = Servers(
            rasa_port=free_port(),
            action_port=port,
            endpoints=str(endpoints_in(tmp_path)),
            log=log,
        )
        try:
            servers.start_rasa_server()
            started = time.monotonic()
            reply = send(servers.rest_webhook, "action-hung", FRIEND_REQUEST)
            waited = time.monotonic() - started
            chat = ChatClient(servers.rasa_url)
            try:
                session = chat.session()
                started = time.monotonic()
                chat_reply = chat.ask(session, FRIEND_REQUEST)
                chat_waited = time.monotonic() - started
            finally:
                chat.close()
        finally:
            servers.stop()

    assert reply.custom == {"type": "unavailable", "reason": "fault"}
    assert chat_reply["custom"] == {"type": "unavailable", "reason": "fault"}
    assert waited < 5 and chat_waited < 5
    assert "x-rayed last week" not in (tmp_path / "servers.log").read_text()


def test_a_missing_or_corrupt_model_is_refused_with_the_fix(tmp_path):
    corrupt = tmp_path / "model.tar.gz"
    corrupt.write_bytes(b"this is not a model")

    for model, problem in (
        (tmp_path / "none.tar.gz", "no trained model"),
        (corrupt, "not a readable"),
    ):
        with pytest.raises(StartError, match=f"{problem}.*make train"):
            Servers(model=model).start()
