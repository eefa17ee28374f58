"""Start and stop the action server and the Rasa server, for `make run`, tests and benchmarks."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tarfile
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, List, Optional

import yaml

from ops import settings
from ops.paths import BIN, DEFAULT_MODEL, ROOT

START_TIMEOUT_S = 180


class StartError(RuntimeError):
    """A server did not come up."""


def free_port() -> int:
    """A TCP port on localhost that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def endpoints_in(directory: Path) -> Path:
    """A copy of the shipped endpoints.yml in `directory`, with its own SQLite tracker store
    there (for tests and benchmarks); return its path."""
    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text())
    endpoints["tracker_store"]["db"] = str(directory / "trackers.db")
    path = directory / "endpoints.yml"
    path.write_text(yaml.safe_dump(endpoints, sort_keys=False))
    return path


def healthy(url: str) -> bool:
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
    rasa_port: int = settings.RASA_PORT
    action_port: int = settings.ACTION_PORT
    endpoints: str = settings.ENDPOINTS
    credentials: str = "credentials.yml"
    cors_origins: List[str] = field(default_factory=lambda: list(settings.CORS_ORIGINS))
    extra_environment: dict = field(default_factory=dict)
    log: Optional[IO[str]] = None  # None: inherit the terminal
    start_rasa: bool = True
    processes: List[subprocess.Popen] = field(default_factory=list)
    run_directory: Optional[Path] = None
    action_server: Optional[subprocess.Popen] = None
    rasa_server: Optional[subprocess.Popen] = None

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://{self.host}:{self.action_port}"

    @property
    def endpoints_path(self) -> Path:
        return ROOT / self.endpoints

    def run_endpoints(self) -> str:
        """The endpoints file as given, with the URL of the action server these servers started
        (the shipped files name the default port, for a plain `rasa run`)."""
        if self.run_directory is None:
            self.run_directory = Path(tempfile.mkdtemp(prefix="guidance-endpoints-"))
        endpoints = yaml.safe_load(self.endpoints_path.read_text())
        endpoints["action_endpoint"] = {"url": f"{self.action_url}/webhook"}
        path = self.run_directory / "endpoints.yml"
        path.write_text(yaml.safe_dump(endpoints, sort_keys=False))
        return str(path)

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
            "SANIC_REQUEST_MAX_SIZE": settings.SANIC_REQUEST_MAX_SIZE,
            "SANIC_GRACEFUL_SHUTDOWN_TIMEOUT": settings.SANIC_GRACEFUL_SHUTDOWN_TIMEOUT,
            **self.extra_environment,
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
            if healthy(url):
                return
            time.sleep(0.5)
        raise StartError(f"the {what} did not answer {url} within {START_TIMEOUT_S} s")

    def _check_model(self) -> None:
        if not self.model.exists():
            raise StartError(f"no trained model at {self.model}: run `make train` first")
        try:
            with tarfile.open(self.model) as archive:
                archive.getmember("metadata.json")
        except (tarfile.TarError, KeyError, OSError, EOFError) as error:
            raise StartError(
                f"{self.model} is not a readable Rasa model ({type(error).__name__}): "
                "delete it and run `make train` again"
            ) from error

    def start_action_server(self) -> None:
        process = self._spawn(
            "run",
            "actions",
            "--actions",
            "actions",
            "--port",
            str(self.action_port),
            "--cors",  # no origins: only the Rasa server talks to the action server
        )
        self._wait_until_healthy(process, f"{self.action_url}/health", "action server")
        self.action_server = process

    def start_rasa_server(self) -> None:
        self._check_model()
        process = self._spawn(
            "run",
            "--model",
            str(self.model),
            "--endpoints",
            self.run_endpoints(),
            "--credentials",
            self.credentials,
            "--interface",
            self.host,
            "--port",
            str(self.rasa_port),
            *(["--cors", *self.cors_origins] if self.cors_origins else []),
        )
        self._wait_until_healthy(process, f"{self.rasa_url}/webhooks/rest/", "Rasa server")
        self.rasa_server = process

    def start(self) -> "Servers":
        (ROOT / "var").mkdir(exist_ok=True)
        if self.start_rasa:
            self._check_model()
        self.start_action_server()
        if self.start_rasa:
            self.start_rasa_server()
        return self

    @staticmethod
    def _stop(processes: List[subprocess.Popen]) -> None:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def stop_process(self, process: subprocess.Popen) -> None:
        """Stop one of the two servers, e.g. to test what users see meanwhile."""
        self._stop([process])
        self.processes.remove(process)

    def stop(self) -> None:
        self._stop(list(reversed(self.processes)))
        self.processes.clear()
        if self.run_directory is not None:
            shutil.rmtree(self.run_directory, ignore_errors=True)
            self.run_directory = None

    def __enter__(self) -> "Servers":
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
