"""`make purge` erases: the text of a purged conversation is gone from the SQLite file itself,
not only from what queries return (docs/privacy.md, "Erasure")."""

import asyncio
import time

import yaml
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import event

from ops.purge import purge

OLD, NEW = "zebra-crossing-radiograph-41", "kingfisher-ultrasound-77"


def _store_with_secure_delete_off(database) -> SQLTrackerStore:
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(database))
    event.listen(
        store.engine, "connect", lambda dbapi, _: dbapi.execute("PRAGMA secure_delete = OFF")
    )
    store.engine.dispose()  # reconnect with the pragma
    return store


def _save(store: SQLTrackerStore, sender: str, text: str, timestamp: float) -> None:
    tracker = DialogueStateTracker.from_events(
        sender, [UserUttered(text * 40, timestamp=timestamp)]
    )
    asyncio.run(store.save(tracker))


def test_purged_text_is_not_left_in_the_raw_sqlite_file(tmp_path):
    database = tmp_path / "trackers.db"
    store = _store_with_secure_delete_off(database)
    now = time.time()
    for n in range(20):
        _save(store, f"old-{n}", OLD, now - 90 * 86400)
    _save(store, "new", NEW, now)
    assert OLD.encode() in database.read_bytes()  # the test sees the text while it is stored
    store.engine.dispose()
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        yaml.safe_dump({"tracker_store": {"type": "SQL", "dialect": "sqlite", "db": str(database)}})
    )

    removed = purge(endpoints, older_than=now - 30 * 86400)

    raw = database.read_bytes()
    assert removed == 20
    assert OLD.encode() not in raw
    assert NEW.encode() in raw
