"""`make purge`: delete conversations whose last message is older than the retention period.

Works on the SQL tracker store named in the endpoints file (SQLite by default, PostgreSQL in
production). Run it daily (cron or a systemd timer) to keep retention bounded.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from sqlalchemy import func, text
from sqlalchemy.engine import Engine

from ops import settings
from ops.paths import ROOT


def purge(endpoints: Path, older_than: float) -> int:
    """Delete every conversation with no event after `older_than` (Unix time); return how many."""
    from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
    from rasa.utils.endpoints import read_endpoint_config

    store = TrackerStore.create(read_endpoint_config(str(endpoints), "tracker_store"))
    if not isinstance(store, SQLTrackerStore):
        raise SystemExit(f"{endpoints}: `make purge` needs the SQL tracker store")
    Event = store.SQLEvent
    sqlite = store.engine.dialect.name == "sqlite"
    with store.session_scope() as session:
        if sqlite:  # freed pages are zeroed, not left holding the deleted text
            session.execute(text("PRAGMA secure_delete = ON"))
        stale = [
            sender
            for (sender,) in session.query(Event.sender_id)
            .group_by(Event.sender_id)
            .having(func.max(Event.timestamp) < older_than)
        ]
        for start in range(0, len(stale), 500):
            session.query(Event).filter(Event.sender_id.in_(stale[start : start + 500])).delete(
                synchronize_session=False
            )
        session.commit()
    if sqlite and stale:
        _vacuum(store.engine)
    return len(stale)


def _vacuum(engine: Engine) -> None:
    """Rebuild the SQLite file from its live rows only: nothing deleted survives in it, even in
    pages freed before secure_delete was on (PostgreSQL: docs/privacy.md, "Erasure")."""
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--days",
        type=float,
        default=settings.RETENTION_DAYS,
        help="retention in days (default GUIDANCE_RETENTION_DAYS or 30)",
    )
    parser.add_argument("--endpoints", type=Path, default=Path(settings.ENDPOINTS))
    args = parser.parse_args()
    os.chdir(ROOT)  # the SQLite path in endpoints.yml is relative to the project
    removed = purge(args.endpoints, time.time() - args.days * 86400)
    print(f"Deleted {removed} conversation(s) with no message in the last {args.days:g} days.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
