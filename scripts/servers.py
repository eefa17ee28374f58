"""Start and stop the action server and the Rasa server, for `make run`, tests and benchmarks."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, List, Optional

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_MODEL = ROOT / "models" / "guidance-assistant.tar.gz"
START_TIMEOUT_S = 180


class StartError(RuntimeError):
    """A server did not come up."""


def free_port() -> int:
    """A TCP port on localhost that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@dataclass
class Servers:
    """The two processes of the assistant, on localhost.

    Use as a context manager: both servers are up inside the block and stopped after it.
    """

    model: Path = DEFAULT_MODEL
    host: str = "127.0.0.1"
    rasa_port: int = int(os.getenv("RASA_PORT", "5005"))
    action_port: int = int(os.getenv("ACTION_PORT", "5055"))
    log: Optional[IO[str]] = None  # None: inherit the terminal
    start_rasa: bool = True
    processes: List[subprocess.Popen] = field(default_factory=list)

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://{self.host}:{self.action_port}"

    @property
    def rest_webhook(self) -> str:
        return f"{self.rasa_url}/webhooks/rest/webhook"

    def environment(self) -> dict:
        return {
            **os.environ,
            "RASA_TELEMETRY_ENABLED": "false",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "SANIC_HOST": self.host,  # the action server listens on all interfaces without it
            "ACTION_SERVER_URL": f"{self.action_url}/webhook",
        }

    def _spawn(self, *args: str) -> subprocess.Popen:
        process = subprocess.Popen(
            [str(BIN / "rasa"), *args],
            cwd=ROOT,
            env=self.environment(),
            stdout=self.log,
            stderr=subprocess.STDOUT if self.log else None,
            start_new_session=True,  # Ctrl-C reaches us, and we stop the children in order
        )
        self.processes.append(process)
        return process

    def _wait_until_healthy(self, process: subprocess.Popen, url: str, what: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise StartError(f"the {what} exited with status {process.returncode}")
            if _healthy(url):
                return
            time.sleep(0.5)
        raise StartError(f"the {what} did not answer {url} within {START_TIMEOUT_S} s")

    def start(self) -> "Servers":
        if self.start_rasa and not self.model.exists():
            raise StartError(f"no trained model at {self.model}: run `make train` first")
        action_server = self._spawn(
            "run", "actions", "--actions", "actions", "--port", str(self.action_port)
        )
        self._wait_until_healthy(action_server, f"{self.action_url}/health", "action server")
        if self.start_rasa:
            rasa_server = self._spawn(
                "run",
                "--model", str(self.model),
                "--endpoints", "endpoints.yml",
                "--credentials", "credentials.yml",
                "--interface", self.host,
                "--port", str(self.rasa_port),
            )
            self._wait_until_healthy(
                rasa_server, f"{self.rasa_url}/webhooks/rest/", "Rasa server"
            )
        return self

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in reversed(self.processes):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()

    def __enter__(self) -> "Servers":
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
