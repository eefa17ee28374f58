"""The channels `make run` opens: credentials.yml, plus Microsoft Teams when the bot's app id
and password are in the environment (docs/teams.md). The secrets stay in the environment:
the generated file refers to them as ${MICROSOFT_APP_ID} and ${MICROSOFT_APP_PASSWORD}."""

from __future__ import annotations

import os
from pathlib import Path

from ops.paths import ROOT

TEAMS_CHANNEL = "channels.teams.TeamsInput"
TEAMS_ENTRY = f"""
# Microsoft Teams (channels/teams/channel.py), added by ops/teams_credentials.py because
# MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD are set. Webhook: /webhooks/botframework/webhook.
{TEAMS_CHANNEL}:
  app_id: ${{MICROSOFT_APP_ID}}
  app_password: ${{MICROSOFT_APP_PASSWORD}}
"""


def teams_enabled() -> bool:
    return bool(
        os.getenv("MICROSOFT_APP_ID", "").strip()
        and os.getenv("MICROSOFT_APP_PASSWORD", "").strip()
    )


def credentials_for_run(base: str = "credentials.yml", out_dir: Path = ROOT / "var") -> str:
    """The credentials file to start Rasa with: `base` as it is, or a copy under var/ with the
    Teams channel added when its environment variables are set."""
    base_path = ROOT / base
    text = base_path.read_text()
    if not teams_enabled() or f"\n{TEAMS_CHANNEL}:" in f"\n{text}":
        return base
    out_dir.mkdir(parents=True, exist_ok=True)
    generated = out_dir / "credentials.run.yml"
    generated.write_text(text.rstrip("\n") + "\n" + TEAMS_ENTRY)
    return str(generated)
