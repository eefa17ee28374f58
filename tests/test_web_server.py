"""The static server for the chat window: the right files, strict headers, and no 5xx."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from typing import Iterator

import pytest
import requests

from ops.paths import ROOT
from ops.servers import free_port
from ops.web_server import WebServer

pytestmark = pytest.mark.e2e  # servers, a browser or the trained model: not in `make test-fast`

RASA = "http://127.0.0.1:5999"


@pytest.fixture(scope="module")
def web() -> Iterator[WebServer]:
    with WebServer("127.0.0.1", free_port(), rasa_url=RASA) as server:
        yield server


def test_pages_carry_a_strict_content_security_policy(web: WebServer):
    response = requests.get(f"{web.url}/demo/intranet.html", timeout=5)

    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "'unsafe-inline'" not in policy
    assert f"connect-src {RASA} ws://127.0.0.1:5999" in policy
    assert f'src="{web.url}/embed.js" data-server="{RASA}"' in response.text
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_no_page_may_be_framed_by_default(web: WebServer):
    for path in ("/chat.html", "/demo/intranet.html", "/privacy.html"):
        policy = requests.get(web.url + path, timeout=5).headers["Content-Security-Policy"]
        assert policy.endswith("frame-ancestors 'none'"), path


def test_only_chat_html_may_be_framed_by_the_allowed_origins():
    allowed = ["https://example-trust.sharepoint.com", "https://intranet.example-trust.nhs.uk"]
    with WebServer("127.0.0.1", free_port(), rasa_url=RASA, frame_ancestors=allowed) as server:
        chat = requests.get(f"{server.url}/chat.html", timeout=5)
        other = requests.get(f"{server.url}/demo/intranet.html", timeout=5)

    assert chat.headers["Content-Security-Policy"].endswith(f"frame-ancestors {' '.join(allowed)}")
    assert other.headers["Content-Security-Policy"].endswith("frame-ancestors 'none'")


@pytest.mark.parametrize(
    "path, content_type",
    [
        ("/embed.js", "text/javascript"),
        ("/widget.css", "text/css"),
        ("/vendor/socket.io.esm.min.js", "text/javascript"),
        ("/chat.html", "text/html"),
        ("/privacy.html", "text/html"),
        ("/accessibility.html", "text/html"),
        ("/about.html", "text/html"),
        ("/pages.css", "text/css"),
        ("/demo/sharepoint.html", "text/html"),
    ],
)
def test_the_widget_files_are_served_with_their_types(web: WebServer, path, content_type):
    response = requests.get(web.url + path, timeout=5)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(content_type)


@pytest.mark.parametrize(
    "path", ["/../../etc/passwd", "/web/embed.js", "/%2e%2e/README.md", "/demo/"]
)
def test_anything_else_is_not_found(web: WebServer, path):
    assert requests.get(web.url + path, timeout=5).status_code == 404


def test_other_methods_are_refused(web: WebServer):
    assert requests.post(f"{web.url}/embed.js", data="x", timeout=5).status_code == 405


def test_a_garbage_request_line_gets_a_4xx_and_the_server_carries_on(web: WebServer):
    host, port = web.httpd.server_address[:2]
    with socket.create_connection((host, port), timeout=5) as raw:
        raw.sendall(b"\x00\xffNOT HTTP AT ALL\r\n\r\n")
        answer = raw.recv(4096)
    assert b"400" in answer  # (as an HTTP/0.9 error page: the request had no version)
    assert requests.get(f"{web.url}/embed.js", timeout=5).status_code == 200


def test_health_is_served_only_when_asked(web: WebServer):
    assert requests.get(f"{web.url}/health", timeout=5).status_code == 404


def test_as_a_service_it_names_the_public_address_and_reports_the_health_of_this_host(tmp_path):
    """`python -m ops.web_server --public-url ... --health`, as guidance-web.service runs it:
    the pages point at the public address, /health checks the servers at RASA_PORT and
    ACTION_PORT (none running here) and the store in ENDPOINTS."""
    port = free_port()
    (tmp_path / "endpoints.yml").write_text(
        f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {tmp_path / 'trackers.db'}\n"
    )
    environment = {
        **os.environ,
        "RASA_PORT": str(free_port()),
        "ACTION_PORT": str(free_port()),
        "ENDPOINTS": str(tmp_path / "endpoints.yml"),
    }
    public = "https://chat.example.nhs.uk"
    command = [sys.executable, "-m", "ops.web_server", "--port", str(port)]
    command += ["--public-url", public, "--rasa-url", public, "--health"]
    server = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().strip() == f"Serving the chat window on {public}"
        page = requests.get(f"http://127.0.0.1:{port}/chat.html", timeout=5)
        health = requests.get(f"http://127.0.0.1:{port}/health", timeout=10)
    finally:
        server.terminate()
        server.wait(timeout=10)

    assert f"script-src 'self' {public};" in page.headers["Content-Security-Policy"]
    assert health.status_code == 503
    assert health.json()["status"] == "failing"
    assert health.json()["checks"]["rasa_server"] is False
    assert health.json()["checks"]["action_server"] is False
    assert health.json()["checks"]["tracker_store"] is True
