"""`make screenshots`: the README's pictures of the chat window, taken in headless Chromium on the
demo intranet page with a real answer from both servers: docs/widget-demo.png (1280x800),
docs/widget-mobile.png (a 320x640 phone with A+ at its largest) and docs/widget-zoom-400.png (a
1280x900 window at 400 % zoom: 320x225 CSS px at 4 device pixels each), and
docs/widget-check.png (the "before you post" check's verdict, in a full-window chat).
`make screenshots` also draws the Teams card (tools/teams_card_screenshot.py)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

from ops.paths import ROOT
from ops.servers import Servers, endpoints_in, free_port
from ops.web_server import WebServer

QUESTION = "Can I accept a friend request from a patient?"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
# file: (viewport in CSS px, device pixels per CSS px, A+ at its largest)
PICTURES = {
    "widget-demo.png": ({"width": 1280, "height": 800}, 1, False),
    "widget-mobile.png": ({"width": 320, "height": 640}, 1, True),
    "widget-zoom-400.png": ({"width": 320, "height": 225}, 4, False),
}


def _picture(browser: Browser, url: str, path: Path, viewport: dict, scale: int, large: bool):
    page = browser.new_context(viewport=viewport, device_scale_factor=scale).new_page()

    def part(selector: str):
        return page.locator(f"guidance-chat {selector}")

    page.goto(url)
    part(".launcher").click()
    part(".message.bot .suggestions .chip").first.wait_for()
    if large:
        part(".menu-button").click()
        while part("button.larger").is_enabled():
            part("button.larger").click()
        part(".menu-button").click()
    part("textarea").fill(QUESTION)
    part("textarea").press("Enter")
    part(".message.bot.answer").first.wait_for(timeout=30_000)
    page.wait_for_timeout(300)
    page.screenshot(path=str(path))
    page.context.close()


# The check's answers in the picture: taken at work, seen beyond friends; no to the rest.
CHECK_ANSWERS = ["No", "Yes", "No", "No", "Yes", "No", "No"]


def _check_picture(browser: Browser, url: str, path: Path) -> None:
    page = browser.new_context(viewport={"width": 720, "height": 900}).new_page()
    questions = page.locator("guidance-chat .message.bot.check_question")
    page.goto(url)
    page.locator("guidance-chat .message.bot .chip", has_text="Check a post").first.click()
    for count, answer in enumerate(CHECK_ANSWERS, start=1):
        questions.nth(count - 1).wait_for(timeout=30_000)
        questions.last.locator(".chip", has_text=answer).click()
    verdict = page.locator("guidance-chat .message.bot.check_verdict")
    verdict.wait_for(timeout=30_000)
    page.wait_for_timeout(300)
    verdict.scroll_into_view_if_needed()
    page.screenshot(path=str(path))
    page.context.close()


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
                for name, (viewport, scale, large) in PICTURES.items():
                    url = f"{web.url}/demo/intranet.html"
                    _picture(browser, url, out / name, viewport, scale, large)
                    print(f"wrote {out / name}")
                _check_picture(browser, f"{web.url}/chat.html", out / "widget-check.png")
                print(f"wrote {out / 'widget-check.png'}")
                browser.close()


if __name__ == "__main__":
    take()
    sys.exit(0)
