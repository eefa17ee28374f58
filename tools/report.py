"""`make report`: how the assistant was used in a period, for the people who own the guidance.

Reads the tracker store named in the endpoints file (SQLite or PostgreSQL) and writes
reports/usage.html (one self-contained page with charts) and reports/usage.md (the headlines).
The period is whole days in UK time: FROM and TO (dates, both included), or the DAYS up to today
(default 30). docs/content-guide.md says how to read it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

from actions import knowledge_base, settings
from ops.paths import ROOT
from tools.usage import page, summary
from tools.usage.arguments import add_period_and_store, period_of
from tools.usage.period import UK, Period
from tools.usage.report import Report, build
from tools.usage.store import events, open_store
from tools.usage.usage import read_usage

STORES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def make_report(endpoints: Path, period: Period, out: Path, source: str = "") -> Report:
    """Read the period from the store and write usage.html and usage.md into `out`. `source`
    says what the store holds, when it is not real conversations."""
    store = open_store(endpoints)
    usage = read_usage(events(store, period), period)
    dialect = store.engine.dialect.name
    report = build(
        usage,
        knowledge_base.load(settings.GUIDANCE_DIR),
        store=" ".join(filter(None, [source, STORES.get(dialect, dialect)])),
        made=dt.datetime.now(UK),
    )
    out.mkdir(parents=True, exist_ok=True)
    (out / "usage.html").write_text(page.render(report), encoding="utf-8")
    (out / "usage.md").write_text(summary.render(report), encoding="utf-8")
    return report


def shown(path: Path) -> Path:
    """A path as the user would type it from the project folder."""
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    add_period_and_store(parser)
    args = parser.parse_args()
    period = period_of(parser, args)
    os.chdir(ROOT)  # the SQLite path in endpoints.yml is relative to the project
    started = time.monotonic()
    out = args.out.resolve()
    report = make_report(args.endpoints, period, out)
    conversations = sum(report.usage.conversations.values())
    print(
        f"{period}: {conversations:,} conversations, read and drawn in "
        f"{time.monotonic() - started:.1f} s.\nWrote {shown(out / 'usage.html')} and "
        f"{shown(out / 'usage.md')}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
