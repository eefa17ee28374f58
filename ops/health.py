"""`GET /health` on the web port (`make run`): whether the assistant can answer and remember,
for the operators' monitoring. 200 when every check passes, 503 otherwise; no message text,
no conversation ids, only the state of each part."""

from __future__ import annotations

import sqlite3
from typing import Any, Dict

import yaml

from ops.paths import ROOT
from ops.servers import Servers, healthy


def tracker_store_writable(servers: Servers) -> bool:
    """Whether the SQLite tracker store can take a write lock now (a full disk, a read-only
    file or folder, a locked database all fail). Other stores: whether a connection opens."""
    try:
        return _store_writable(servers)
    except Exception:  # an unreadable endpoints file, a missing variable: not usable either
        return False


def _store_writable(servers: Servers) -> bool:
    store = yaml.safe_load(servers.endpoints_path.read_text())["tracker_store"]
    if store.get("dialect", "sqlite") == "sqlite":
        try:
            with sqlite3.connect(ROOT / store["db"], timeout=2) as connection:
                connection.execute("BEGIN IMMEDIATE")
                connection.rollback()
            return True
        except sqlite3.Error:
            return False
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.utils.endpoints import read_endpoint_config
    from sqlalchemy import create_engine, text

    endpoint = read_endpoint_config(str(servers.endpoints_path), "tracker_store")
    config = endpoint.kwargs
    url = SQLTrackerStore.get_db_url(
        host=endpoint.url or config.get("host"),
        **{k: config.get(k) for k in ("dialect", "port", "db", "username", "password")},
    )
    try:
        with create_engine(url, pool_pre_ping=True).connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # any driver's failure means the same: the store cannot be used now
        return False


def report(servers: Servers) -> Dict[str, Any]:
    checks = {
        "rasa_server": healthy(f"{servers.rasa_url}/webhooks/rest/"),
        "action_server": healthy(f"{servers.action_url}/health"),
        "tracker_store": tracker_store_writable(servers),
        "model": servers.model.exists(),
    }
    return {
        "status": "ok" if all(checks.values()) else "failing",
        "checks": checks,
        "model": servers.model.name,
    }
