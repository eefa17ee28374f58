"""Write generated conversations into a tracker store, to time `make report` on a big store or
try it without real data. Never point it at a live store: it adds conversations nobody had.

    python -m tools.generate_conversations --conversations 100000 \\
        --from 2026-11-01 --to 2026-11-30 --endpoints /tmp/big/endpoints.yml
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from tools.usage.generator import generate
from tools.usage.period import Period
from tools.usage.store import open_store


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", type=int, required=True)
    parser.add_argument("--from", dest="first", required=True, help="YYYY-MM-DD")
    parser.add_argument("--to", dest="last", required=True, help="YYYY-MM-DD")
    parser.add_argument("--endpoints", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    period = Period(dt.date.fromisoformat(args.first), dt.date.fromisoformat(args.last))
    started = time.monotonic()
    expected = generate(open_store(args.endpoints), args.conversations, period, args.seed)
    print(
        f"Wrote {sum(expected.conversations.values()):,} conversations "
        f"({sum(expected.messages.values()):,} messages) for {period} "
        f"in {time.monotonic() - started:.0f} s."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
