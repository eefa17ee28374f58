"""Two Rasa replicas behind nginx sharing a PostgreSQL tracker store and a Redis lock store
(ops/cluster.py): conversations keep their history whichever replica answers, one
conversation's messages are handled one at a time, a replica can die without losing anything,
and a store that restarts is recovered from without restarting Rasa.

Needs PostgreSQL and Redis: `make test` starts them (ops/install-stores.sh). The tests use a
database of their own on that PostgreSQL and a Redis server of their own."""

from __future__ import annotations

import json
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator, List, Optional

import psycopg2
import pytest

from ops.cluster import Cluster
from ops.servers import free_port
from ops.stores import Stores
from privacy.ids import stored_id
from tests.support.stores import own_database
from tools.chat_client import Reply, send

pytestmark = pytest.mark.e2e

FRIEND_REQUEST = "A patient sent me a friend request on Facebook. Can I accept it?"
FOLLOW_UP = "what about former patients?"


class Redis:
    """A Redis server of the tests' own, which a test may stop and start again."""

    def __init__(self, directory: Path) -> None:
        self.port, self.directory = free_port(), directory
        self.process: Optional[subprocess.Popen] = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(50):
            ping = ["redis-cli", "-p", str(self.port), "ping"]
            if subprocess.run(ping, capture_output=True).stdout:
                return
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait()


@pytest.fixture(scope="module")
def redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Redis]:
    subprocess.run(["ops/install-stores.sh"], check=True)  # redis-server, and PostgreSQL
    server = Redis(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def stores(redis: Redis) -> Iterator[Stores]:
    with own_database("guidance_cluster") as database_url:
        yield Stores(database_url, f"redis://127.0.0.1:{redis.port}/1")


@pytest.fixture(scope="module")
def cluster(stores: Stores, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    directory = tmp_path_factory.mktemp("cluster")
    with (directory / "servers.log").open("w") as log:
        with Cluster(stores, replicas=2, port=free_port(), directory=directory, log=log) as c:
            yield c


def replica(cluster: Cluster, index: int) -> str:
    return cluster.servers[index].rest_webhook


def user_texts(stores: Stores, sender: str) -> List[str]:
    """The user messages PostgreSQL holds for a REST conversation, in the order stored."""
    with psycopg2.connect(stores.database_url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT data FROM events WHERE sender_id = %s AND type_name = 'user' ORDER BY id",
            (stored_id("rest", sender),),
        )
        return [json.loads(data)["text"] for (data,) in cursor.fetchall()]


def event_types(stores: Stores, sender: str) -> List[str]:
    with psycopg2.connect(stores.database_url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT type_name FROM events WHERE sender_id = %s ORDER BY id",
            (stored_id("rest", sender),),
        )
        return [type_name for (type_name,) in cursor.fetchall()]


def test_nginx_serves_rest_socketio_and_the_chat_window_on_one_address(cluster: Cluster):
    import requests

    assert send(cluster.rest_webhook, "through-nginx", FRIEND_REQUEST).kind == "answer"
    page = requests.get(f"{cluster.url}/chat.html", timeout=10).text
    assert f'data-server="{cluster.url}"' in page  # the widget talks to nginx, not a replica
    handshake = requests.get(f"{cluster.url}/socket.io/?EIO=4&transport=polling", timeout=10)
    assert handshake.status_code == 200 and '"sid"' in handshake.text
    assert requests.get(f"{cluster.url}/health", timeout=30).json()["status"] == "ok"


def test_a_conversation_alternating_between_replicas_keeps_its_whole_history(
    cluster: Cluster, stores: Stores
):
    questions = [FRIEND_REQUEST, FOLLOW_UP, "thanks", FRIEND_REQUEST, FOLLOW_UP, "thanks"]
    replies = [
        send(replica(cluster, turn % 2), "alternating", question)
        for turn, question in enumerate(questions)
    ]

    assert replies[1].topic == "professional_boundaries"  # read in context, on the other one
    assert replies[4].topic == "professional_boundaries"
    assert user_texts(stores, "alternating") == questions


def test_two_messages_of_one_conversation_at_once_on_two_replicas_are_handled_in_turn(
    cluster: Cluster, stores: Stores
):
    for attempt in range(3):
        sender = f"simultaneous-{attempt}"
        with ThreadPoolExecutor(2) as pool:
            urls = [replica(cluster, 0), replica(cluster, 1)]
            replies = list(pool.map(send, urls, [sender] * 2, [FRIEND_REQUEST] * 2))
        assert all(reply.kind == "answer" for reply in replies)
        types = [t for t in event_types(stores, sender) if t in ("user", "action")]
        # Each message's turn (its user event, then its actions) ends before the next begins.
        first_user, second_user = [i for i, t in enumerate(types) if t == "user"]
        assert "action" in types[first_user:second_user] and len(user_texts(stores, sender)) == 2


def test_a_replica_killed_mid_conversation_loses_nothing_and_the_other_carries_on(
    stores: Stores, tmp_path: Path
):
    with (tmp_path / "servers.log").open("w") as log:
        with Cluster(stores, replicas=2, port=free_port(), directory=tmp_path, log=log) as own:
            first = send(own.rest_webhook, "survivor", FRIEND_REQUEST)
            own.servers[0].rasa_server.kill()  # no goodbye: SIGKILL
            own.servers[0].rasa_server.wait()
            replies: List[Reply] = [send(own.rest_webhook, "survivor", FOLLOW_UP)]
            replies += [send(own.rest_webhook, "survivor", "thanks") for _ in range(3)]

    assert first.kind == "answer"
    assert replies[0].topic == "professional_boundaries"
    assert all(reply.kind for reply in replies)
    assert user_texts(stores, "survivor") == [FRIEND_REQUEST, FOLLOW_UP] + ["thanks"] * 3


def test_a_redis_restart_is_recovered_from_without_restarting_rasa(cluster: Cluster, redis: Redis):
    redis.stop()
    try:
        during = send(cluster.rest_webhook, "redis-restart", FRIEND_REQUEST)
    finally:
        redis.start()
    after = send(cluster.rest_webhook, "redis-restart", FRIEND_REQUEST)

    assert during.custom == {"type": "unavailable", "reason": "fault"}  # told, not silence
    assert after.kind == "answer"


def _postgresql(command: str) -> None:
    """Stop or start the machine's PostgreSQL (the cluster's database lives there)."""
    clusters = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True)
    version, name = clusters.stdout.split()[:2]
    subprocess.run(["pg_ctlcluster", version, name, command], check=True)


def test_a_postgresql_restart_is_told_to_the_user_and_recovered_from_without_restarting_rasa(
    cluster: Cluster, stores: Stores
):
    if subprocess.run(["pg_lsclusters", "-h"], capture_output=True).returncode:
        pytest.skip("this machine's PostgreSQL is not managed with pg_ctlcluster")
    send(cluster.rest_webhook, "postgresql-restart", FRIEND_REQUEST)
    _postgresql("stop")
    try:
        during = send(cluster.rest_webhook, "postgresql-restart", FOLLOW_UP)
    finally:
        _postgresql("start")
    after = send(cluster.rest_webhook, "postgresql-restart", FRIEND_REQUEST)

    assert during.kind  # a reply, without the earlier context (it could not be read)
    assert {"type": "not_saved"} in during.customs  # and told it is not being saved
    assert after.kind == "answer" and {"type": "not_saved"} not in after.customs
    assert user_texts(stores, "postgresql-restart")[-1] == FRIEND_REQUEST  # saved again
