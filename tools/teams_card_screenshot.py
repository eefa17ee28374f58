"""Draw docs/teams-card.png: the Teams answer card for a real answer, rendered by Microsoft's
Adaptive Cards JavaScript renderer in headless Chromium with a Teams-like light theme.

The card comes from the same code as in Teams: actions/replies.py builds the reply, the
domain's `botframework` wording is filled in, and channels/teams/cards.py renders it. Needs
the renderer (`cd teams && npm ci`) and Chromium. Usage: python -m tools.teams_card_screenshot
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Dict

import yaml

from actions import knowledge_base, replies, settings
from channels.teams.cards import activity_for
from ops.paths import ROOT

TOPIC = "professional_boundaries"
OUT = ROOT / "docs" / "teams-card.png"
NODE_MODULES = ROOT / "teams" / "node_modules"
SCRIPTS = [
    NODE_MODULES / "markdown-it" / "dist" / "markdown-it.min.js",
    NODE_MODULES / "adaptivecards" / "dist" / "adaptivecards.js",
]
# Teams' light theme, approximately: Segoe UI (a fallback sans-serif where it is missing),
# its text colours, and buttons with a grey border.
HOST_CONFIG = {
    "fontFamily": "'Segoe UI', 'Noto Sans', 'DejaVu Sans', sans-serif",
    "fontSizes": {"small": 12, "default": 14, "medium": 18, "large": 21, "extraLarge": 26},
    "spacing": {"small": 4, "default": 8, "medium": 16, "large": 20, "padding": 16},
    "containerStyles": {
        "default": {
            "backgroundColor": "#FFFFFF",
            "foregroundColors": {
                "default": {"default": "#242424", "subtle": "#616161"},
                "accent": {"default": "#5B5FC7", "subtle": "#5B5FC7"},
            },
        }
    },
    "actions": {
        "maxActions": 6,
        "buttonSpacing": 8,
        "actionsOrientation": "horizontal",
        "actionAlignment": "left",
        "spacing": "small",
    },
}
STYLE = """
body { margin: 0; background: #F5F5F5; }
#card { width: 560px; margin: 20px; background: #FFF; border-radius: 6px;
        box-shadow: 0 1px 3px rgba(0, 0, 0, .18); overflow: hidden; }
.ac-pushButton { background: #FFF; color: #242424; border: 1px solid #D1D1D1; border-radius: 4px;
                 padding: 5px 12px; font: 600 14px 'Segoe UI', 'Noto Sans', sans-serif;
                 white-space: normal; text-align: left; cursor: pointer; }
a { color: #5B5FC7; }
ul { margin: 0; padding-left: 20px; } p { margin: 0; }
"""


def answer_message(topic_id: str = TOPIC) -> Dict[str, Any]:
    """The bot message the Teams channel receives for an answer on `topic_id`."""
    kb = knowledge_base.load(settings.GUIDANCE_DIR)
    reply = replies.answer(kb, kb.topics[topic_id])
    variants = yaml.safe_load((ROOT / "domain.yml").read_text())["responses"][reply["response"]]
    template = next(v["text"] for v in variants if v.get("channel") == "botframework")
    return {
        "text": template.format(**reply),
        "buttons": reply["buttons"],
        "custom": reply["json_message"],
    }


def render(card: Dict[str, Any], out: Path = OUT) -> Path:
    from playwright.sync_api import sync_playwright

    chromium = os.getenv("CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        page = browser.new_page(device_scale_factor=2)
        page.set_content(
            f"<html><head><style>{STYLE}</style></head><body><div id='card'></div></body></html>"
        )
        for script in SCRIPTS:
            page.add_script_tag(path=str(script))
        page.evaluate(
            """([card, hostConfig]) => {
                const markdown = window.markdownit();
                AdaptiveCards.AdaptiveCard.onProcessMarkdown = (text, result) => {
                    result.outputHtml = markdown.render(text);
                    result.didProcess = true;
                };
                const adaptiveCard = new AdaptiveCards.AdaptiveCard();
                adaptiveCard.hostConfig = new AdaptiveCards.HostConfig(hostConfig);
                adaptiveCard.parse(card);
                document.getElementById('card').appendChild(adaptiveCard.render());
            }""",
            [card, HOST_CONFIG],
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        page.locator("#card").screenshot(path=str(out))
        browser.close()
    return out


def main() -> int:
    missing = [str(s.relative_to(ROOT)) for s in SCRIPTS if not s.exists()]
    if missing:
        print(f"Missing {', '.join(missing)}: run `cd teams && npm ci` first.", file=sys.stderr)
        return 1
    card = activity_for(answer_message())["attachments"][0]["content"]
    print(f"Wrote {render(card).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
