"""Plain Rasa commands work with the shipped files, as a Rasa user would first try them:
`rasa run actions` and `rasa run`, in a copy of what git holds, with no variables set."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from ops.paths import BIN, DEFAULT_MODEL, ROOT
from ops.servers import free_port, healthy
from tools.chat_client import send

pytestmark = pytest.mark.e2e  # servers, a browser or the trained model: not in `make test-fast`

ACTION_PORT = 5055  # the port the shipped endpoints.yml names, `rasa run actions`' default


def _tracked_copy(destination: Path) -> None:
    files = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, check=True, capture_output=True, text=True
    )
    for name in files.stdout.splitlines():
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    (destination / "models").mkdir()
    shutil.copy2(DEFAULT_MODEL, destination / "models" / DEFAULT_MODEL.name)


def _wait(process: subprocess.Popen, url: str) -> None:
    deadline = time.monotonic() + 180
    while not healthy(url):
        assert process.poll() is None, f"exited with status {process.returncode}"
        assert time.monotonic() < deadline, f"{url} did not answer"
        time.sleep(0.5)


def test_rasa_run_and_rasa_run_actions_answer_with_the_shipped_files(tmp_path):
    if healthy(f"http://127.0.0.1:{ACTION_PORT}/health"):
        pytest.fail(f"port {ACTION_PORT} is taken: stop what listens there and run the test again")
    _tracked_copy(tmp_path)
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GUIDANCE_", "ACTION_", "RASA_PORT", "ENDPOINTS"))
    }
    environment["RASA_TELEMETRY_ENABLED"] = "false"
    rasa_port = free_port()
    with (tmp_path / "servers.log").open("w") as log:
        processes = [
            subprocess.Popen(
                [str(BIN / "rasa"), "run", "actions"],
                cwd=tmp_path,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            ),
            subprocess.Popen(
                [str(BIN / "rasa"), "run", "--port", str(rasa_port)],
                cwd=tmp_path,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            ),
        ]
        try:
            _wait(processes[0], f"http://127.0.0.1:{ACTION_PORT}/health")
            _wait(processes[1], f"http://127.0.0.1:{rasa_port}/webhooks/rest/")

            reply = send(
                f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook",
                "plain-rasa",
                "can I accept a friend request from a patient on facebook",
            )

            assert reply.kind == "answer", (tmp_path / "servers.log").read_text()[-3000:]
            assert reply.custom["citations"]
            assert (tmp_path / "var" / "trackers.db").exists()
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=30)
