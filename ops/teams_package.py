"""`make teams-package`: build build/teams-app.zip, the Teams app package a trust's Teams admin
uploads (docs/teams.md): manifest.json from teams/app.yml with the bot id from
MICROSOFT_APP_ID, and the colour and outline icons, drawn here.

The zip is the same bytes for the same inputs (fixed file dates), so a rebuild is no change.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import sys
import zipfile
from pathlib import Path
from typing import Any, Dict, List

import yaml
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from ops.paths import ROOT

MANIFEST_VERSION = "1.22"
SCHEMA_URL = f"https://developer.microsoft.com/json-schemas/teams/v{MANIFEST_VERSION}/MicrosoftTeams.schema.json"
APP_FILE = ROOT / "teams" / "app.yml"
DEFAULT_OUT = ROOT / "build" / "teams-app.zip"
PLACEHOLDER_ID = "00000000-0000-0000-0000-000000000000"
GUID = re.compile(r"[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
SCOPES = ["personal", "team", "groupChat"]
COLOR_SIZE, OUTLINE_SIZE = 192, 32
WHITE = (255, 255, 255)
DEVELOPER_OVERRIDES = {
    "name": "TEAMS_DEVELOPER_NAME",
    "websiteUrl": "TEAMS_WEBSITE_URL",
    "privacyUrl": "TEAMS_PRIVACY_URL",
    "termsOfUseUrl": "TEAMS_TERMS_URL",
}


class PackageError(Exception):
    """The package cannot be built as configured; the message says what to set."""


def bot_id(placeholder: bool) -> str:
    value = os.getenv("MICROSOFT_APP_ID", "").strip()
    if placeholder:
        return PLACEHOLDER_ID
    if not value:
        raise PackageError(
            "MICROSOFT_APP_ID is not set: set it to the Microsoft App ID of your Azure Bot "
            "(Azure portal > your bot > Configuration), then run `make teams-package` again."
        )
    if not GUID.fullmatch(value):
        raise PackageError(f"MICROSOFT_APP_ID must be a GUID like {PLACEHOLDER_ID}, not {value!r}.")
    return value.lower()


def manifest(app: Dict[str, Any], bot: str) -> Dict[str, Any]:
    developer = {
        key: os.getenv(variable, "").strip() or app["developer"][key]
        for key, variable in DEVELOPER_OVERRIDES.items()
    }
    commands = [{"title": c["title"], "description": c["description"]} for c in app["commands"]]
    return {
        "$schema": SCHEMA_URL,
        "manifestVersion": MANIFEST_VERSION,
        "version": app["version"],
        "id": bot,  # the app id may be the bot's; one GUID fewer for the admin to keep
        "developer": developer,
        "name": app["name"],
        "description": app["description"],
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": app["accent_color"],
        "bots": [
            {
                "botId": bot,
                "scopes": SCOPES,
                "supportsFiles": False,
                "isNotificationOnly": False,
                "commandLists": [{"scopes": SCOPES, "commands": commands}],
            }
        ],
        "defaultInstallScope": "personal",
        "validDomains": [],
    }


def _bubble(draw: ImageDraw.ImageDraw, size: int, margin: float, fill: Any) -> None:
    """A speech bubble with its tail at the bottom left: the assistant's mark."""
    m, s = margin * size, size
    draw.rounded_rectangle([m, m * 1.15, s - m, s - m * 1.9], radius=s * 0.16, fill=fill)
    tail = [
        (m + s * 0.16, s - m * 1.9 - 1),
        (m + s * 0.12, s - m * 0.9),
        (m + s * 0.40, s - m * 1.9 - 1),
    ]
    draw.polygon(tail, fill=fill)


def color_icon(accent: str) -> Image.Image:
    """192x192: a white speech bubble with lines of text, on the accent colour."""
    scale = 4  # drawn large and scaled down, for smooth edges
    size = COLOR_SIZE * scale
    image = Image.new("RGB", (size, size), accent)
    draw = ImageDraw.Draw(image)
    _bubble(draw, size, 0.2, fill=WHITE)
    for row, width in enumerate((0.42, 0.34, 0.24)):
        top = size * (0.34 + row * 0.1)
        draw.rounded_rectangle(
            [size * 0.3, top, size * (0.3 + width), top + size * 0.045],
            radius=size * 0.02,
            fill=accent,
        )
    return image.resize((COLOR_SIZE, COLOR_SIZE), Image.LANCZOS)


def outline_icon() -> Image.Image:
    """32x32: the bubble's outline in white on a transparent background, as Teams requires."""
    scale = 8
    size = OUTLINE_SIZE * scale
    shape = Image.new("L", (size, size), 0)
    _bubble(ImageDraw.Draw(shape), size, 0.1, fill=255)
    stroke = 2 * int(size * 0.07) + 1
    outline = ImageChops.subtract(shape, shape.filter(ImageFilter.MinFilter(stroke)))
    alpha = outline.resize((OUTLINE_SIZE, OUTLINE_SIZE), Image.LANCZOS)
    icon = Image.new("RGBA", (OUTLINE_SIZE, OUTLINE_SIZE), (*WHITE, 0))
    icon.putalpha(alpha)
    return icon


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def build(out: Path = DEFAULT_OUT, placeholder_id: bool = False) -> Path:
    """Write the package to `out` and return its path."""
    app = yaml.safe_load(APP_FILE.read_text())
    files = {
        "manifest.json": json.dumps(manifest(app, bot_id(placeholder_id)), indent=2).encode(),
        "color.png": _png(color_icon(app["accent_color"])),
        "outline.png": _png(outline_icon()),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, data, compress_type=zipfile.ZIP_DEFLATED)
    return out


def defaulted_developer_fields() -> List[str]:
    return [variable for variable in DEVELOPER_OVERRIDES.values() if not os.getenv(variable)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument(
        "--placeholder-id",
        action="store_true",
        help=f"use the bot id {PLACEHOLDER_ID} (tests only: Teams rejects it)",
    )
    args = parser.parse_args()
    try:
        out = build(args.out, args.placeholder_id)
    except PackageError as error:
        print(f"Cannot build the Teams app package: {error}", file=sys.stderr)
        return 2
    print(
        f"Built {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}: upload it in the "
        "Teams admin centre (docs/teams.md)."
    )
    if defaulted_developer_fields():
        print(
            f"Note: {', '.join(defaulted_developer_fields())} not set; the developer details "
            "come from teams/app.yml. Set them to your trust's pages before publishing."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
