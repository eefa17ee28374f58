"""A PostgreSQL database of a test's own, on the machine's PostgreSQL (started by
ops/install-stores.sh where it can be), dropped afterwards."""

from __future__ import annotations

import subprocess
import uuid
from contextlib import contextmanager
from typing import Iterator
from urllib.parse import urlsplit, urlunsplit

import psycopg2

from ops import settings
from ops.paths import ROOT
from ops.stores import Stores


@contextmanager
def own_database(prefix: str) -> Iterator[str]:
    """The URL of a new database named `<prefix>_<random>`."""
    subprocess.run([str(ROOT / "ops" / "install-stores.sh")], check=True)
    server = urlsplit(settings.DATABASE_URL)
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    url = urlunsplit(server._replace(path=f"/{name}"))
    Stores(url, settings.REDIS_URL).create_database()
    try:
        yield url
    finally:
        admin = psycopg2.connect(urlunsplit(server._replace(path="/postgres")), connect_timeout=5)
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
