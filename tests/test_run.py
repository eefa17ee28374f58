"""`make run` (ops/run.py): both servers and the chat window come up on the ports given,
the banner says where, and Ctrl-C stops everything cleanly."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest
import requests

from ops.paths import ROOT
from ops.servers import endpoints_in, free_port
from tests.support.web import QUESTION

pytestmark = pytest.mark.e2e  # servers, a browser or the trained model: not in `make test-fast`


def test_make_run_serves_the_chat_window_and_stops_on_ctrl_c(tmp_path):
    ports = {"RASA_PORT": free_port(), "ACTION_PORT": free_port(), "WEB_PORT": free_port()}
    endpoints = endpoints_in(tmp_path)
    env = {**os.environ, **{k: str(v) for k, v in ports.items()}, "ENDPOINTS": str(endpoints)}
    run = subprocess.Popen(
        [sys.executable, "-m", "ops.run"],
        cwd=ROOT,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        banner = ""
        deadline = time.monotonic() + 180
        while "Press Ctrl-C" not in banner and time.monotonic() < deadline and run.poll() is None:
            banner += run.stdout.readline()
        demo = re.search(r"Demo intranet page:\s+(\S+)", banner).group(1)
        chat = re.search(r"Chat page:\s+(\S+)", banner).group(1)
        assert demo == f"http://127.0.0.1:{ports['WEB_PORT']}/demo/intranet.html"

        page = requests.get(demo, timeout=10)
        assert page.status_code == 200
        assert f'data-server="http://127.0.0.1:{ports["RASA_PORT"]}"' in page.text
        assert requests.get(chat, timeout=10).status_code == 200
        health = requests.get(f"http://127.0.0.1:{ports['WEB_PORT']}/health", timeout=10)
        assert health.status_code == 200
        assert health.json()["checks"] == {
            "rasa_server": True,
            "action_server": True,
            "tracker_store": True,
            "model": True,
        }
        preflight = requests.options(
            f"http://127.0.0.1:{ports['RASA_PORT']}/socket.io/?EIO=4&transport=polling",
            headers={
                "Origin": f"http://localhost:{ports['WEB_PORT']}",
                "Access-Control-Request-Method": "GET",
            },
            timeout=10,
        )
        assert (
            preflight.headers.get("Access-Control-Allow-Origin")
            == f"http://localhost:{ports['WEB_PORT']}"
        )
        reply = requests.post(
            f"http://127.0.0.1:{ports['RASA_PORT']}/webhooks/rest/webhook",
            json={"sender": "make-run", "message": QUESTION},
            timeout=30,
        ).json()
        assert any(m.get("custom", {}).get("type") == "answer" for m in reply)

        run.send_signal(signal.SIGINT)
        assert run.wait(timeout=40) == 0
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
    for port in ports.values():  # nothing is left listening
        try:
            requests.get(f"http://127.0.0.1:{port}/", timeout=2)
            raise AssertionError(f"port {port} still answers after Ctrl-C")
        except requests.ConnectionError:
            pass
