"""docs/report-example.html and docs/report-example.png: the owners' report of 2,000 generated
conversations (tools/usage/generator.py, seed 0), for the README. No real conversation is in
it. Usage: python -m tools.report_example (`make report-example`; needs Chromium)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import tempfile
from pathlib import Path

import yaml
from playwright.sync_api import sync_playwright

from ops.paths import ROOT
from tools.report import make_report
from tools.screenshots import CHROMIUM_ARGS
from tools.usage.generator import generate
from tools.usage.period import Period
from tools.usage.store import open_store

CONVERSATIONS = 2000
PERIOD = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30))


def make(out: Path = ROOT / "docs") -> None:
    with tempfile.TemporaryDirectory() as tmp:
        endpoints = Path(tmp) / "endpoints.yml"
        store = {"type": "SQL", "dialect": "sqlite", "db": str(Path(tmp) / "trackers.db")}
        endpoints.write_text(yaml.safe_dump({"tracker_store": store}))
        generate(open_store(endpoints), CONVERSATIONS, PERIOD, seed=0)
        make_report(
            endpoints, PERIOD, Path(tmp), source=f"{CONVERSATIONS:,} generated conversations in a"
        )
        shutil.copy(Path(tmp) / "usage.html", out / "report-example.html")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.getenv("CHROMIUM", "/usr/bin/chromium"), args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1000, "height": 1150})
        page.goto((out / "report-example.html").as_uri())
        page.screenshot(path=str(out / "report-example.png"))
        browser.close()
    print(f"wrote {out / 'report-example.html'} and {out / 'report-example.png'}")


if __name__ == "__main__":
    make()
    sys.exit(0)
