"""Helpers for the browser tests: Chromium through Playwright, and the widget in its shadow root."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, Dict, List

from playwright.sync_api import Locator, Page

from ops.paths import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # Without these Chromium keeps trying to reach Google's hosts.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
QUESTION = "Can I accept a friend request from a patient?"


def chromium_path() -> str:
    for candidate in (
        os.getenv("CHROMIUM"),
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        shutil.which("chromium"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    raise RuntimeError("Chromium is not installed: run the tests with `make test` (it installs it)")


class Widget:
    """The chat window on a page. Playwright's CSS locators pierce open shadow roots."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def part(self, selector: str) -> Locator:
        return self.page.locator(f"guidance-chat {selector}")

    @property
    def launcher(self) -> Locator:
        return self.part(".launcher")

    @property
    def input(self) -> Locator:
        return self.part("textarea")

    @property
    def answers(self) -> Locator:
        return self.part(".message.bot.answer")

    @property
    def bot_messages(self) -> Locator:
        return self.part(".message.bot")

    def open(self) -> None:
        self.launcher.click()
        self.input.wait_for(state="visible")

    def wait_for_welcome(self) -> None:
        self.part(".message.bot .suggestions .chip").first.wait_for(timeout=30_000)

    def ask(self, question: str) -> None:
        self.input.fill(question)
        self.input.press("Enter")

    def menu(self, item: str) -> None:
        """Press a button of the panel's menu ("larger", "restart", "save", ...)."""
        if self.part(".menu").is_hidden():
            self.part(".menu-button").click()
        self.part(f".menu button.{item}").click()

    def largest_text(self) -> None:
        """A+ until it can go no larger, then the menu closed again."""
        self.part(".menu-button").click()
        while self.part("button.larger").is_enabled():
            self.part("button.larger").click()
        self.part(".menu-button").click()

    def conversation_height(self) -> Dict[str, float]:
        """The panel's height and how much of it shows the conversation (the log), in CSS px."""
        return self.page.evaluate(
            """() => {
                const root = document.querySelector('guidance-chat').shadowRoot;
                const panel = root.querySelector('.panel').getBoundingClientRect();
                const log = root.querySelector('.log').getBoundingClientRect();
                const visible = Math.min(log.bottom, panel.bottom) - Math.max(log.top, panel.top);
                return {panel: panel.height, conversation: Math.max(0, visible)};
            }"""
        )

    def wait_for_bot_messages(self, count: int, timeout: float = 30_000) -> None:
        self.page.wait_for_function(
            "n => document.querySelector('guidance-chat').shadowRoot"
            ".querySelectorAll('.message.bot').length >= n",
            arg=count,
            timeout=timeout,
        )

    def focused(self) -> Dict[str, Any]:
        """What has the keyboard focus, looking inside the shadow root."""
        return self.page.evaluate(
            """() => {
                const host = document.querySelector('guidance-chat');
                let el = document.activeElement;
                if (el === host) el = host.shadowRoot.activeElement;
                if (!el) return {};
                return {tag: el.tagName.toLowerCase(), cls: el.className || '',
                        inSources: !!el.closest('.sources'), text: el.textContent.trim(),
                        href: el.getAttribute('href') || '', inPanel: !!el.closest('.panel')};
            }"""
        )


def axe_violations(page: Page) -> List[Dict[str, Any]]:
    """axe-core's WCAG 2.x A/AA violations that are serious or critical."""
    page.evaluate(AXE.read_text(encoding="utf-8"))  # evaluate is not subject to the page's CSP
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"""
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
