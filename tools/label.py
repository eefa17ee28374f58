"""`make label`: the owners' loop from what staff asked back into the training data.

    make label FROM=2026-11-01 TO=2026-11-30   the declined, clarified and not-helpful questions
                                               of the period, to mark: reports/label-<dates>.yml
    make label MERGE=reports/label-....yml     the marked questions into data/nlu/owners.yml

The period is read like `make report`'s (FROM and TO, or DAYS up to today, default 30). After a
merge: `make test`, `make evaluate`, then deploy (docs/content-guide.md).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

from actions import knowledge_base, settings
from ops.paths import ROOT
from tools.report import shown
from tools.usage import to_label
from tools.usage.arguments import add_period_and_store, period_of
from tools.usage.marks import MarkError, read
from tools.usage.merge import OWNERS_FILE, Outcome, merge
from tools.usage.period import Period
from tools.usage.store import events, open_store
from tools.usage.usage import read_usage


def export(endpoints: Path, period: Period, out: Path) -> Path:
    """Write the period's questions to label into `out`; return the file."""
    usage = read_usage(events(open_store(endpoints), period), period)
    path = out / f"label-{period.first.isoformat()}-{period.last.isoformat()}.yml"
    out.mkdir(parents=True, exist_ok=True)
    kb = knowledge_base.load(settings.GUIDANCE_DIR)
    path.write_text(to_label.render(usage, kb), encoding="utf-8")
    return path


def describe(outcome: Outcome, owners_file: Path) -> str:
    intents = Counter(mark.intent for mark in outcome.merged)
    lines = [
        f"Merged {len(outcome.merged)} question(s) into {owners_file}"
        + (": " + ", ".join(f"{i} {n}" for i, n in intents.most_common()) if intents else "")
    ]
    if outcome.already:
        lines.append(f"{len(outcome.already)} already in the training data with that label.")
    for mark, reason in outcome.refused:
        lines.append(f'Refused, line {mark.line}: "{mark.question}": {reason}.')
    if outcome.merged:
        lines.append("Next: make test, then make evaluate, then deploy (docs/content-guide.md).")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_period_and_store(parser)
    parser.add_argument("--merge", type=Path, help="a marked file to merge into the training data")
    args = parser.parse_args()
    if args.merge:
        kb = knowledge_base.load(settings.GUIDANCE_DIR)
        try:
            marks = read(args.merge, kb)
        except (MarkError, FileNotFoundError) as problem:
            print(f"Nothing merged. Fix these and run it again:\n{problem}", file=sys.stderr)
            return 1
        print(describe(merge(marks), OWNERS_FILE.relative_to(ROOT)))
        return 0
    period = period_of(parser, args)
    os.chdir(ROOT)  # the SQLite path in endpoints.yml is relative to the project
    path = export(args.endpoints, period, args.out.resolve())
    print(f"Wrote {shown(path)}: mark it, then make label MERGE={shown(path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
