"""The user and bot events of a period, read from the SQL tracker store in one query.

The store is opened as ops/purge.py opens it (the endpoints file, through Rasa's TrackerStore),
so SQLite and PostgreSQL both work. The database pulls the few fields the report needs out of
each event's JSON itself: a user event carries its NLU ranking and a bot answer its whole
passage, and decoding those in Python would be most of the time on a big store.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator, NamedTuple, Optional

from sqlalchemy import text

from tools.usage.period import Period

BATCH = 10_000

# Each query returns id-ordered rows of (sender_id, type_name, timestamp, fields), where fields
# is a JSON array: [text, input_channel, metadata.feedback, data.custom].
_QUERIES = {
    "sqlite": """
        SELECT sender_id, type_name, timestamp,
               json_extract(data, '$.text', '$.input_channel', '$.metadata.feedback',
                            '$.data.custom')
        FROM events
        WHERE type_name IN ('user', 'bot') AND timestamp >= :start AND timestamp < :end
        ORDER BY id
    """,
    # Each event is parsed once (OFFSET 0 keeps the lateral subquery from being inlined into
    # four parses), and only the small array is sorted: half the time of the plain query.
    "postgresql": """
        SELECT sender_id, type_name, timestamp,
               json_build_array(j->'text', j->'input_channel', j#>'{metadata,feedback}',
                                j#>'{data,custom}')::text
        FROM events CROSS JOIN LATERAL (SELECT data::jsonb AS j OFFSET 0) AS parsed
        WHERE type_name IN ('user', 'bot') AND timestamp >= :start AND timestamp < :end
        ORDER BY id
    """,
}


class Event(NamedTuple):
    sender_id: str
    kind: str  # "user" or "bot"
    timestamp: float
    text: str
    input_channel: Optional[str]
    feedback: Optional[dict]  # a user event's metadata.feedback
    custom: Optional[dict]  # a bot event's reply contract object


def open_store(endpoints: Path):
    """The SQL tracker store the endpoints file names."""
    from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
    from rasa.utils.endpoints import read_endpoint_config

    store = TrackerStore.create(read_endpoint_config(str(endpoints), "tracker_store"))
    if not isinstance(store, SQLTrackerStore):
        raise SystemExit(f"{endpoints}: the report needs the SQL tracker store")
    return store


def events(store, period: Period) -> Iterator[Event]:
    """Every user and bot event of the period, in the order they were stored."""
    dialect = store.engine.dialect.name
    if dialect not in _QUERIES:
        raise SystemExit(f"the report reads SQLite or PostgreSQL stores, not {dialect}")
    query = text(_QUERIES[dialect])
    with store.engine.connect().execution_options(stream_results=True) as connection:
        result = connection.execute(query, {"start": period.start, "end": period.end})
        for rows in result.partitions(BATCH):
            for sender_id, kind, timestamp, fields in rows:
                message, channel, feedback, custom = json.loads(fields)
                yield Event(sender_id, kind, timestamp, message or "", channel, feedback, custom)
