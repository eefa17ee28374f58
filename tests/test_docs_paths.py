"""Every repository path a Markdown file names in backticks exists: docs that point to moved or
deleted files mislead the next reader."""

import re
import subprocess

from ops.paths import ROOT

TRACKED = subprocess.run(
    ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
).stdout.split()
TOP_LEVEL = {name.split("/")[0] for name in TRACKED}
# Made by the commands, never in git: named in the docs as where things appear.
GENERATED = ("var/", "models/", "results/", "build/", "node_modules/", ".venv", "reports/")
BACKTICKED = re.compile(r"`([^`\s]+)`")


def _named_paths(text: str):
    for token in BACKTICKED.findall(text):
        path = token.rstrip(".,:;)").split("#")[0]
        if any(c in path for c in "<>*{}$=") or path.startswith(GENERATED):
            continue
        if "/" in path and path.split("/")[0] in TOP_LEVEL or path in TOP_LEVEL:
            yield path


def test_every_path_named_in_the_docs_exists():
    missing = [
        (markdown, path)
        for markdown in TRACKED
        if markdown.endswith(".md")
        for path in _named_paths((ROOT / markdown).read_text(encoding="utf-8"))
        if not (ROOT / path).exists()
    ]
    assert missing == []
