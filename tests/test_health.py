"""What `GET /health` reports when parts of the assistant are down (ops/health.py); the
healthy case is checked on a real `make run` in tests/test_run.py."""

import subprocess

import pytest

from ops import health
from ops.servers import Servers, endpoints_in, free_port


@pytest.fixture
def nothing_running(tmp_path) -> Servers:
    return Servers(
        rasa_port=free_port(), action_port=free_port(), endpoints=str(endpoints_in(tmp_path))
    )


def test_stopped_servers_are_reported_failing(nothing_running):
    state = health.report(nothing_running)

    assert state["status"] == "failing"
    assert state["checks"]["rasa_server"] is False
    assert state["checks"]["action_server"] is False
    assert state["checks"]["tracker_store"] is True


def test_a_tracker_store_that_cannot_be_written_is_reported(nothing_running, tmp_path):
    if subprocess.run(["chattr", "+i", str(tmp_path)], capture_output=True).returncode:
        pytest.skip("this file system cannot make the folder read-only")
    try:
        assert health.tracker_store_writable(nothing_running) is False
    finally:
        subprocess.run(["chattr", "-i", str(tmp_path)], check=True)


def test_an_endpoints_file_naming_a_missing_variable_is_reported_not_raised(tmp_path):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        "tracker_store:\n  type: SQL\n  dialect: postgresql\n  url: ${NO_SUCH_TRACKER_HOST}\n"
    )
    servers = Servers(rasa_port=free_port(), action_port=free_port(), endpoints=str(endpoints))

    assert health.report(servers)["checks"]["tracker_store"] is False
