"""Both servers for a test, and what they stored and logged, read one way for every test."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, List, Optional, Tuple

import pytest

from ops.paths import DEFAULT_MODEL
from ops.servers import Servers, endpoints_in, free_port


@contextmanager
def running_servers(directory: Path, **options: object) -> Iterator[Servers]:
    """Both servers with the model `make test` trained, their own SQLite tracker store in
    `directory` and their output in `directory/servers.log`."""
    if not DEFAULT_MODEL.exists():
        pytest.fail(f"no model at {DEFAULT_MODEL}: run the tests with `make test`")
    endpoints = endpoints_in(directory)
    with (directory / "servers.log").open("w") as log:
        servers = Servers(
            rasa_port=free_port(),
            action_port=free_port(),
            endpoints=str(endpoints),
            log=log,
            **options,  # e.g. credentials=..., extra_environment={...}
        )
        with servers:
            yield servers


def _directory(servers: Servers) -> Path:
    return Path(servers.endpoints).parent


def stored_events(
    servers: Servers, sender: Optional[str] = None, type_name: Optional[str] = None
) -> List[Tuple[str, str]]:
    """(sender, event JSON) of every event in the servers' tracker store, optionally of one
    conversation and one event type ("user", "bot", ...)."""
    query, parameters = "SELECT sender_id, data FROM events WHERE 1 = 1", []
    if sender is not None:
        query, parameters = query + " AND sender_id = ?", [*parameters, sender]
    if type_name is not None:
        query, parameters = query + " AND type_name = ?", [*parameters, type_name]
    with sqlite3.connect(_directory(servers) / "trackers.db") as connection:
        return connection.execute(query, parameters).fetchall()


def raw_store_and_log(servers: Servers) -> Tuple[str, str]:
    """The tracker store's file and the servers' log as they are on disk, for what must never
    appear anywhere in them (an identifier may hide in a page no query returns)."""
    directory = _directory(servers)
    return tuple(  # type: ignore[return-value]
        (directory / name).read_bytes().decode("utf-8", errors="replace")
        for name in ("trackers.db", "servers.log")
    )
