"""Serve the chat window (web/) for `make run` and the browser tests: the embed script, its
stylesheet, socket.io-client from node_modules, the standalone chat page and a demo intranet page.

In production any static file server (or the trust's reverse proxy) can serve web/ instead; the
headers set here are the ones to copy (README, "Intranet embed").
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import threading
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Dict, Optional, Sequence, Tuple
from urllib.parse import urlsplit

from ops import settings
from ops.paths import ROOT

WEB = ROOT / "web"
SOCKET_IO_CLIENT = ROOT / "node_modules" / "socket.io-client" / "dist" / "socket.io.esm.min.js"
FILES: Dict[str, Path] = {
    "/": WEB / "chat.html",
    "/chat.html": WEB / "chat.html",
    "/embed.js": WEB / "embed.js",
    "/widget.css": WEB / "widget.css",
    "/privacy.html": WEB / "privacy.html",
    "/accessibility.html": WEB / "accessibility.html",
    "/about.html": WEB / "about.html",
    "/pages.css": WEB / "pages.css",
    "/vendor/socket.io.esm.min.js": SOCKET_IO_CLIENT,
    "/demo/intranet.html": WEB / "demo" / "intranet.html",
    "/demo/policies.html": WEB / "demo" / "policies.html",
    "/demo/hostile.html": WEB / "demo" / "hostile.html",
    "/demo/sharepoint.html": WEB / "demo" / "sharepoint.html",
    "/demo/intranet.css": WEB / "demo" / "intranet.css",
    "/demo/hostile.css": WEB / "demo" / "hostile.css",
}


# The one page another site may frame: the full-window chat, for a SharePoint Embed web part.
FRAMEABLE = WEB / "chat.html"


@dataclass(frozen=True)
class Site:
    widget_url: str  # where this server is reached, e.g. http://127.0.0.1:8080
    rasa_url: str  # the Rasa server the widget talks to
    frame_ancestors: Tuple[str, ...] = ()  # origins that may frame chat.html

    def content_security_policy(self, path: Path) -> str:
        """Strict: no inline script or style anywhere, connections only to the Rasa server, and
        no framing except of chat.html by the allowed origins."""
        rasa = urlsplit(self.rasa_url)
        websocket = f"{'wss' if rasa.scheme == 'https' else 'ws'}://{rasa.netloc}"
        ancestors = (path == FRAMEABLE and " ".join(self.frame_ancestors)) or "'none'"
        return (
            f"default-src 'none'; script-src 'self' {self.widget_url}; "
            f"style-src 'self' {self.widget_url}; img-src 'self' data:; "
            f"connect-src {self.rasa_url} {websocket}; frame-src {self.widget_url}; "
            f"base-uri 'none'; form-action 'none'; frame-ancestors {ancestors}"
        )

    def render(self, path: Path) -> bytes:
        body = path.read_bytes()
        if path.suffix == ".html":
            body = body.replace(b"{{WIDGET_URL}}", self.widget_url.encode()).replace(
                b"{{RASA_URL}}", self.rasa_url.encode()
            )
        return body


class Handler(BaseHTTPRequestHandler):
    server_version = "guidance-web"
    sys_version = ""

    def __init__(
        self, *args: object, site: Site, health: Optional[Callable[[], dict]], **kwargs: object
    ) -> None:
        self.site, self.health = site, health
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def log_message(self, format: str, *args: object) -> None:
        pass  # paths only would be harmless, but nothing here needs an access log

    def _send(
        self, status: HTTPStatus, body: bytes, content_type: str, path: Optional[Path]
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        if path is not None and path.suffix == ".html":
            self.send_header("Content-Security-Policy", self.site.content_security_policy(path))
        else:
            # Public files: another origin's page may load them (socket.io-client is fetched as
            # a module, which needs CORS).
            self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self) -> None:
        if urlsplit(self.path).path == "/health" and self.health is not None:
            state = self.health()
            status = HTTPStatus.OK if state["status"] == "ok" else HTTPStatus.SERVICE_UNAVAILABLE
            body = json.dumps(state).encode()
            self._send(status, body, "application/json", None)
            return
        path = FILES.get(urlsplit(self.path).path)
        if self.path == "/favicon.ico":
            self.send_response(HTTPStatus.NO_CONTENT)
            self.end_headers()
            return
        if path is None or not path.exists():
            self._send(HTTPStatus.NOT_FOUND, b"Not found\n", "text/plain; charset=utf-8", None)
            return
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type.endswith("javascript"):
            content_type += "; charset=utf-8"
        self._send(HTTPStatus.OK, self.site.render(path), content_type, path)

    do_HEAD = do_GET

    def _not_allowed(self) -> None:
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, b"Only GET\n", "text/plain; charset=utf-8", None)

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _not_allowed


def missing_files() -> list:
    return [str(p.relative_to(ROOT)) for p in FILES.values() if not p.exists()]


class WebServer:
    """The static site in a background thread (for `make run` and tests)."""

    def __init__(
        self,
        host: str,
        port: int,
        rasa_url: str,
        public_url: Optional[str] = None,
        health: Optional[Callable[[], dict]] = None,  # GET /health (ops/health.py)
        frame_ancestors: Sequence[str] = tuple(settings.FRAME_ANCESTORS),
    ):
        self.url = public_url or f"http://{host}:{port}"
        site = Site(widget_url=self.url, rasa_url=rasa_url, frame_ancestors=tuple(frame_ancestors))
        handler = partial(Handler, site=site, health=health)
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "WebServer":
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _local_health() -> Callable[[], dict]:
    """The /health report (ops/health.py) on the servers this host runs as services, at
    RASA_PORT and ACTION_PORT, with the endpoints file ENDPOINTS."""
    from ops import health
    from ops.servers import Servers

    servers = Servers()
    return lambda: health.report(servers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=settings.WEB_PORT)
    parser.add_argument("--rasa-url", default=f"http://127.0.0.1:{settings.RASA_PORT}")
    parser.add_argument(
        "--public-url", help="where browsers reach this server, behind a reverse proxy"
    )
    parser.add_argument(
        "--health", action="store_true", help="serve GET /health on the servers of this host"
    )
    args = parser.parse_args()
    health = _local_health() if args.health else None
    with WebServer(args.host, args.port, args.rasa_url, args.public_url, health) as web:
        print(f"Serving the chat window on {web.url}", flush=True)
        web.thread.join()


if __name__ == "__main__":
    main()
