"""docs/reference/configuration.md lists exactly the environment variables the code reads."""

import re

from ops.paths import ROOT
from ops.teams_package import DEVELOPER_OVERRIDES

CODE = ("actions", "channels", "components", "privacy", "ops", "tools", "bench")
READS = (
    re.compile(r"(?:getenv|environ\.get|environ\.setdefault)\(\s*[\"']([A-Z][A-Z0-9_]+)[\"']"),
    re.compile(r"environ\[\s*[\"']([A-Z][A-Z0-9_]+)[\"']\s*\]"),
    # channels/teams/channel.py: credentials.yml first, then the variable
    re.compile(r"setting\(\s*[\"'][a-z_]+[\"']\s*,\s*[\"']([A-Z][A-Z0-9_]+)[\"']"),
)


def _read_by_code() -> set:
    names = set(DEVELOPER_OVERRIDES.values())
    for folder in CODE:
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            names.update(name for pattern in READS for name in pattern.findall(text))
    return names


def _documented() -> set:
    rows = [
        line
        for line in (ROOT / "docs/reference/configuration.md").read_text().splitlines()
        if line.startswith("| `")
    ]
    return {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])}


def test_every_variable_the_code_reads_is_documented_and_no_other():
    code, documented = _read_by_code(), _documented()

    assert code - documented == set(), "read by the code, missing from the page"
    assert documented - code == set(), "on the page, no longer read by the code"
    assert {"GUIDANCE_MIN_TOPIC_SHARE", "RASA_PORT", "MICROSOFT_APP_ID"} <= code  # the scan works
