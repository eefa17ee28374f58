"""The command-line arguments `make report` and `make label` share: the period and the store."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from ops import settings as ops_settings
from ops.paths import ROOT
from tools.usage.period import UK, Period, period_from


def add_period_and_store(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="first", help="first day, YYYY-MM-DD")
    parser.add_argument("--to", dest="last", help="last day, YYYY-MM-DD (default today)")
    parser.add_argument("--days", type=int, help="the days up to and including TO (default 30)")
    parser.add_argument("--endpoints", type=Path, default=Path(ops_settings.ENDPOINTS))
    parser.add_argument("--out", type=Path, default=ROOT / "reports")


def period_of(parser: argparse.ArgumentParser, args: argparse.Namespace) -> Period:
    """The period the arguments name; a wrong one ends the command with the problem."""
    try:
        return period_from(args.first, args.last, args.days, dt.datetime.now(UK).date())
    except ValueError as problem:
        parser.error(str(problem))
