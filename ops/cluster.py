"""`make run-cluster` / `make stop-cluster`: the assistant as it runs at scale, on one machine.

Rasa scales out when every replica shares the tracker store and a lock store: here PostgreSQL
and Redis (ops/stores.py, endpoints.postgres.yml), CLUSTER_REPLICAS Rasa servers each with its
own action server, and nginx in front (ops/cluster-nginx.conf) serving REST, socket.io, the
Teams webhook and the chat window's pages on one address. Everything listens on localhost; its
files and logs are under var/cluster/. Each replica is supervised as under `make run`.

    python -m ops.cluster start   # in the background; prints the address when it answers
    python -m ops.cluster stop
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, List, Optional

from ops import health, settings
from ops.paths import ROOT
from ops.servers import Servers, StartError, free_port, healthy
from ops.stores import Stores, local_stores
from ops.supervisor import Supervisor
from ops.web_server import WebServer

DIRECTORY = ROOT / "var" / "cluster"
NGINX_TEMPLATE = ROOT / "ops" / "cluster-nginx.conf"
START_TIMEOUT_S = 300
SUPERVISE_EVERY_S = 5
# Replicas scale by process, one per core: each computes on one thread (the sentence encoder,
# TensorFlow through Rasa's own variables, and numpy), so two never fight over the same cores.
ONE_COMPUTE_THREAD = {
    "GUIDANCE_COMPUTE_THREADS": "1",
    "TF_INTRA_OP_PARALLELISM_THREADS": "1",
    "TF_INTER_OP_PARALLELISM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
}


@dataclass
class Cluster:
    stores: Stores
    replicas: int = settings.CLUSTER_REPLICAS
    port: int = settings.CLUSTER_PORT
    directory: Path = DIRECTORY
    log: Optional[IO[str]] = None
    servers: List[Servers] = field(default_factory=list)
    nginx: Optional[subprocess.Popen] = None
    web: Optional[WebServer] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def rest_webhook(self) -> str:
        return f"{self.url}/webhooks/rest/webhook"

    def _replica(self) -> Servers:
        return Servers(
            rasa_port=free_port(),
            action_port=free_port(),
            endpoints="endpoints.postgres.yml",
            cors_origins=[self.url],
            extra_environment={
                **self.stores.environment(),
                "GUIDANCE_TRUSTED_PROXIES": "127.0.0.1",  # nginx: the forwarded address counts
                **ONE_COMPUTE_THREAD,
            },
            log=self.log,
        )

    def _nginx_conf(self, web_port: int) -> Path:
        servers = "\n".join(
            f"        server 127.0.0.1:{s.rasa_port} max_fails=1 fail_timeout=5s;"
            for s in self.servers
        )
        conf = (
            NGINX_TEMPLATE.read_text()
            .replace("@DIR@", str(self.directory))
            .replace("@PORT@", str(self.port))
            .replace("@WEB_PORT@", str(web_port))
            .replace("@RASA_SERVERS@", servers)
        )
        path = self.directory / "nginx.conf"
        path.write_text(conf)
        return path

    def health(self) -> dict:
        reports = [health.report(servers) for servers in self.servers]
        ok = all(report["status"] == "ok" for report in reports)
        return {"status": "ok" if ok else "failing", "replicas": reports}

    def start(self) -> "Cluster":
        self.directory.mkdir(parents=True, exist_ok=True)
        os.environ.update(self.stores.environment())  # for /health's store check
        for _ in range(self.replicas):
            self.servers.append(self._replica())
            self.servers[-1].start()
        web_port = free_port()
        self.web = WebServer(
            "127.0.0.1", web_port, rasa_url=self.url, public_url=self.url, health=self.health
        ).__enter__()
        self.nginx = subprocess.Popen(
            ["nginx", "-p", str(self.directory), "-c", str(self._nginx_conf(web_port))],
            stdout=self.log,
            stderr=subprocess.STDOUT if self.log else None,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while not healthy(f"{self.url}/webhooks/rest/"):
            if self.nginx.poll() is not None or time.monotonic() > deadline:
                raise StartError(
                    f"nginx did not start on port {self.port}: {self.directory}/nginx-error.log"
                )
            time.sleep(0.2)
        return self

    def stop(self) -> None:
        if self.nginx is not None and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGQUIT)  # graceful: open long-polls finish
            try:
                self.nginx.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.nginx.kill()
        if self.web is not None:
            self.web.__exit__()
        for servers in self.servers:
            servers.stop()
        self.servers.clear()

    def __enter__(self) -> "Cluster":
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


PID_FILE = DIRECTORY / "cluster.pid"
LOG_FILE = DIRECTORY / "cluster.log"


def serve() -> int:
    """The cluster in the foreground until SIGTERM or Ctrl-C, each replica supervised."""
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    with Cluster(local_stores()) as cluster:
        supervisors = [Supervisor(servers) for servers in cluster.servers]
        print(f"cluster up at {cluster.url}", flush=True)
        checked = time.monotonic()
        try:
            while not stopping:
                time.sleep(0.5)
                if time.monotonic() - checked >= SUPERVISE_EVERY_S:
                    checked = time.monotonic()
                    for supervisor in supervisors:
                        supervisor.check()
        except KeyboardInterrupt:
            pass
    return 0


def start() -> int:
    if PID_FILE.exists() and _running(int(PID_FILE.read_text())):
        print(f"The cluster is already running: {_address()} (`make stop-cluster` stops it).")
        return 0
    DIRECTORY.mkdir(parents=True, exist_ok=True)
    with LOG_FILE.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "ops.cluster", "serve"],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    PID_FILE.write_text(str(process.pid))
    deadline = time.monotonic() + START_TIMEOUT_S
    while "cluster up at" not in LOG_FILE.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            stop()
            print(f"The cluster did not start; see {LOG_FILE}.", file=sys.stderr)
            return 1
        time.sleep(1)
    print(
        f"""
The cluster is running ({settings.CLUSTER_REPLICAS} Rasa servers behind nginx, PostgreSQL, Redis).
  Chat page:    {_address()}/chat.html
  REST:         POST {_address()}/webhooks/rest/webhook
  Health:       {_address()}/health
  Logs:         {LOG_FILE}
`make stop-cluster` stops it.
"""
    )
    return 0


def stop() -> int:
    if not PID_FILE.exists():
        print("The cluster is not running.")
        return 0
    pid = int(PID_FILE.read_text())
    if _running(pid):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 60
        while _running(pid) and time.monotonic() < deadline:
            time.sleep(0.5)
    PID_FILE.unlink(missing_ok=True)
    print("The cluster has stopped.")
    return 0


def _address() -> str:
    return f"http://127.0.0.1:{settings.CLUSTER_PORT}"


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["start", "stop", "serve"])
    command = parser.parse_args().command
    try:
        return {"start": start, "stop": stop, "serve": serve}[command]()
    except StartError as error:
        print(f"Could not start the cluster: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
