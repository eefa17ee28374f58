"""The shared stores of a cluster (ops/cluster.py): a PostgreSQL database for the tracker store
and a Redis database for the lock store, as endpoints.postgres.yml reads them from the
environment."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from ops import settings
from ops.paths import ROOT


@dataclass(frozen=True)
class Stores:
    database_url: str  # postgresql://user[:password]@host:port/database
    redis_url: str  # redis://host:port/db

    def environment(self) -> dict:
        """What endpoints.postgres.yml reads."""
        redis = urlsplit(self.redis_url)
        return {
            "DATABASE_URL": self.database_url,
            "REDIS_HOST": redis.hostname or "127.0.0.1",
            "REDIS_PORT": str(redis.port or 6379),
            "REDIS_DB": redis.path.strip("/") or "0",
            "REDIS_PASSWORD": redis.password or "",
        }

    def create_database(self) -> None:
        """The database in DATABASE_URL, created on its server if it is not there yet."""
        import psycopg2

        url = urlsplit(self.database_url)
        name = url.path.strip("/")
        server = urlunsplit(url._replace(path="/postgres"))
        connection = psycopg2.connect(server, connect_timeout=5)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
                if cursor.fetchone() is None:
                    cursor.execute(f'CREATE DATABASE "{name}"')
        finally:
            connection.close()


def local_stores() -> Stores:
    """DATABASE_URL and REDIS_URL if set; otherwise the machine's own PostgreSQL and Redis,
    installed and started first if they are not running (ops/install-stores.sh)."""
    stores = Stores(settings.DATABASE_URL, settings.REDIS_URL)
    if not (settings.DATABASE_URL_SET and settings.REDIS_URL_SET):
        subprocess.run([str(ROOT / "ops" / "install-stores.sh")], check=True)
    stores.create_database()
    return stores
