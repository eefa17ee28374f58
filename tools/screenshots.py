"""`make screenshots`: the README's pictures of the chat window (docs/widget-demo.png and
docs/widget-mobile.png), taken in headless Chromium on the demo intranet page with a real
answer from both servers. `make screenshots` also draws the Teams card
(tools/teams_card_screenshot.py)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from ops.paths import ROOT
from ops.servers import Servers, endpoints_in, free_port
from ops.web_server import WebServer

QUESTION = "Can I accept a friend request from a patient?"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]


def take(out: Path = ROOT / "docs") -> None:
    web_port = free_port()
    web_url = f"http://127.0.0.1:{web_port}"
    with tempfile.TemporaryDirectory() as tmp, open(Path(tmp) / "servers.log", "w") as log:
        servers = Servers(
            rasa_port=free_port(),
            action_port=free_port(),
            endpoints=str(endpoints_in(Path(tmp))),
            cors_origins=[web_url],
            log=log,
        )
        with servers, WebServer("127.0.0.1", web_port, rasa_url=servers.rasa_url) as web:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=os.getenv("CHROMIUM", "/usr/bin/chromium"),
                    args=CHROMIUM_ARGS,
                )
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.goto(f"{web.url}/demo/intranet.html")
                page.locator("guidance-chat .launcher").click()
                page.locator("guidance-chat .message.bot .suggestions .chip").first.wait_for()
                page.locator("guidance-chat textarea").fill(QUESTION)
                page.locator("guidance-chat textarea").press("Enter")
                page.locator("guidance-chat .message.bot.answer").first.wait_for(timeout=30_000)
                page.screenshot(path=str(out / "widget-demo.png"))
                page.set_viewport_size({"width": 360, "height": 720})
                page.screenshot(path=str(out / "widget-mobile.png"))
                browser.close()
    print(f"wrote {out / 'widget-demo.png'} and {out / 'widget-mobile.png'}")


if __name__ == "__main__":
    take()
    sys.exit(0)
