"""`make run` (both servers, until Ctrl-C) and `make shell` (a terminal chat)."""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import time

from ops import health, settings
from ops.paths import BIN, ROOT
from ops.servers import Servers, StartError
from ops.supervisor import Supervisor
from ops.teams_credentials import credentials_for_run
from ops.web_server import WebServer, missing_files

SUPERVISE_EVERY_S = 5  # a hung server is restarted after three missed checks

EXAMPLE_QUESTION = "Can I accept a friend request from a patient?"


def _banner(servers: Servers, web: WebServer) -> str:
    body = json.dumps({"sender": "me", "message": EXAMPLE_QUESTION})
    return f"""
The guidance assistant is running.
  Chat page:            {web.url}/chat.html
  Demo intranet page:   {web.url}/demo/intranet.html  (the widget, bottom right)
  Rasa server:          {servers.rasa_url}  (REST: POST {servers.rest_webhook}; socket.io: /socket.io)
  Action server:        {servers.action_url}

Ask it a question:
  curl -s {servers.rest_webhook} -H 'Content-Type: application/json' -d '{body}'

Press Ctrl-C to stop both servers.
"""


def _web_origins(host: str, port: int) -> list:
    origins = {f"http://{host}:{port}", f"http://localhost:{port}", f"http://127.0.0.1:{port}"}
    return sorted(origins | set(settings.CORS_ORIGINS))


def serve() -> int:
    if missing_files():
        raise StartError(
            f"the chat window's files are missing ({', '.join(missing_files())}): "
            "run `make run` (it installs them with npm)"
        )
    host, port = "127.0.0.1", settings.WEB_PORT
    servers = Servers(cors_origins=_web_origins(host, port), credentials=credentials_for_run())
    try:
        web = WebServer(
            host, port, rasa_url=servers.rasa_url, health=lambda: health.report(servers)
        )
    except OSError as error:
        raise StartError(
            f"cannot serve the chat window on port {port} ({error.strerror}): "
            "set WEB_PORT to a free port"
        ) from error
    with web, servers:
        print(_banner(servers, web), flush=True)
        supervisor = Supervisor(servers)
        try:
            while True:
                time.sleep(SUPERVISE_EVERY_S)
                supervisor.check()
        except KeyboardInterrupt:
            print("\nStopping the servers...", flush=True)
            return 0


def shell() -> int:
    with Servers(start_rasa=False) as servers:
        command = [
            str(BIN / "rasa"),
            "shell",
            "--model",
            str(servers.model),
            "--endpoints",
            servers.run_endpoints(),
            "--port",
            str(servers.rasa_port),
        ]
        try:
            return subprocess.call(command, cwd=ROOT, env=servers.environment())
        except KeyboardInterrupt:
            return 0


def _stop_on_signals() -> None:
    """Ctrl-C or a plain `kill` stop both servers the same way."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)


def main() -> int:
    _stop_on_signals()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shell", action="store_true", help="chat in the terminal")
    args = parser.parse_args()
    try:
        return shell() if args.shell else serve()
    except StartError as error:
        print(f"Could not start the assistant: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
