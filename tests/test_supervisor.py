"""The supervisor behind `make run` restarts a server that crashed or hung, on its own, and the
assistant answers again; the other server keeps running."""

import os
import signal

import pytest

from ops.supervisor import Supervisor
from tests.support.servers import running_servers
from tools.chat_client import send

pytestmark = pytest.mark.e2e  # servers, a browser or the trained model: not in `make test-fast`

QUESTION = "can I share an anonymised x-ray on instagram"


@pytest.fixture(scope="module")
def supervised(tmp_path_factory):
    with running_servers(tmp_path_factory.mktemp("supervised")) as servers:
        yield Supervisor(servers, failures_allowed=2)


def _answers(supervisor: Supervisor, sender: str) -> bool:
    return send(supervisor.servers.rest_webhook, sender, QUESTION).kind == "answer"


def test_a_crashed_action_server_is_restarted_and_rasa_keeps_running(supervised):
    servers = supervised.servers
    crashed, rasa = servers.action_server, servers.rasa_server
    crashed.kill()
    crashed.wait()

    supervised.check()

    assert servers.action_server is not crashed and servers.action_server.poll() is None
    assert servers.rasa_server is rasa
    assert _answers(supervised, "after-crash")


def test_a_hung_action_server_is_restarted_after_its_missed_health_checks(supervised):
    servers = supervised.servers
    hung = servers.action_server
    os.kill(hung.pid, signal.SIGSTOP)
    try:
        supervised.check()
        assert servers.action_server is hung, "one missed check is not yet a hang"
        supervised.check()
    finally:
        if hung.poll() is None:
            os.kill(hung.pid, signal.SIGCONT)

    assert servers.action_server is not hung and hung.poll() is not None
    assert _answers(supervised, "after-hang")


def test_a_crashed_rasa_server_is_restarted(supervised):
    servers = supervised.servers
    crashed = servers.rasa_server
    crashed.kill()
    crashed.wait()

    supervised.check()

    assert servers.rasa_server is not crashed
    assert _answers(supervised, "after-rasa-crash")
