"""`make bench-cluster`: one Rasa replica against two, behind nginx, sharing PostgreSQL and
Redis (ops/cluster.py), in one run; figures in docs/scaling.md.

- Closed loop (locust, as `make bench`): 16 and 64 conversations at once, each sending its next
  message as soon as the reply arrives: throughput and p95 with 1 and 2 replicas.
- Open loop, as staff send messages: arrivals at a fixed mean rate (Poisson), whatever the
  replies are doing, spread over many open conversations, at 70 % of the 2-replica capacity
  measured at 16 conversations; its p95 against the single-conversation p50.

Everything runs on 127.0.0.1; the stores are a database and a Redis database of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict, List
from urllib.parse import urlsplit, urlunsplit

import aiohttp

from ops.cluster import Cluster
from ops.paths import ROOT
from ops.servers import free_port
from ops.stores import Stores, local_stores
from tools.bench import LOCUST, closed_loop, prepare_load, write_keeping_notes

REPORT = ROOT / "docs" / "scaling.md"
CONCURRENCY = (16, 64)
OPEN_LOOP_SHARE = 0.7
MESSAGES_PER_CONVERSATION = 5  # as bench/locustfile.py
THINK_S = 20  # open loop: a person reads the answer and types the next question


def _bench_stores() -> Stores:
    shared = local_stores()
    database = urlsplit(shared.database_url)._replace(path="/guidance_bench")
    stores = Stores(urlunsplit(database), shared.redis_url.rsplit("/", 1)[0] + "/2")
    stores.create_database()
    return stores


async def open_loop(url: str, rate: float, seconds: float, questions: List[str]) -> Dict:
    """Messages arriving at `rate` a second on average for `seconds` (exponential gaps), each
    sent whether or not earlier ones have been answered. As staff write: each message belongs
    to one of many open conversations (one message every THINK_S seconds each, on average),
    and a conversation ends after MESSAGES_PER_CONVERSATION messages."""
    latencies: List[float] = []
    errors = 0
    conversations = [[uuid.uuid4().hex, 0] for _ in range(max(16, int(rate * THINK_S)))]

    async def ask(session: aiohttp.ClientSession, sender: str) -> None:
        nonlocal errors
        started = time.perf_counter()
        body = {"sender": sender, "message": random.choice(questions)}
        try:
            async with session.post(url, json=body) as response:
                await response.read()
                if response.status != 200:
                    errors += 1
                    return
        except aiohttp.ClientError:
            errors += 1
            return
        latencies.append((time.perf_counter() - started) * 1000)

    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(
        timeout=timeout, connector=aiohttp.TCPConnector(limit=0)
    ) as session:
        tasks = []
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            conversation = random.choice(conversations)
            if conversation[1] == MESSAGES_PER_CONVERSATION:
                conversation[:] = [uuid.uuid4().hex, 0]
            conversation[1] += 1
            tasks.append(asyncio.create_task(ask(session, conversation[0])))
            await asyncio.sleep(random.expovariate(rate))
        await asyncio.gather(*tasks)
    latencies.sort()
    return {
        "rate": rate,
        "sent": len(tasks),
        "errors": errors,
        "p50_ms": statistics.median(latencies),
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30, help="length of each load run")
    args = parser.parse_args()
    if not LOCUST.exists():
        sys.exit("locust is missing: run `make bench-cluster`, which installs it")
    random.seed(7)
    stores = _bench_stores()
    runs: Dict[int, Dict[int, Dict]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        prepare_load(out)
        questions = out / "questions.json"
        for replicas in (1, 2):
            with (
                (out / f"servers{replicas}.log").open("w") as log,
                Cluster(
                    stores,
                    replicas=replicas,
                    port=free_port(),
                    directory=out / str(replicas),
                    log=log,
                ) as cluster,
            ):
                closed_loop(cluster.url, 4, 10, questions, out)  # warm-up, not reported
                runs[replicas] = {
                    users: closed_loop(cluster.url, users, args.seconds, questions, out)
                    for users in (1, *CONCURRENCY)
                }
                if replicas == 2:
                    rate = OPEN_LOOP_SHARE * runs[2][CONCURRENCY[0]]["rps"]
                    arrivals = asyncio.run(
                        open_loop(
                            cluster.rest_webhook,
                            rate,
                            args.seconds,
                            json.loads(questions.read_text()),
                        )
                    )
    report = _report(runs, arrivals, args.seconds)
    write_keeping_notes(REPORT, report)
    print(report)
    return 0


def _report(runs: Dict[int, Dict[int, Dict]], arrivals: Dict, seconds: int) -> str:
    single_p50 = runs[2][1]["p50_ms"]
    ratio = runs[2][CONCURRENCY[0]]["rps"] / runs[1][CONCURRENCY[0]]["rps"]
    lines = [
        "# Scaling",
        "",
        f"`make bench-cluster` on {dt.date.today().isoformat()}, {os.cpu_count()} cores, "
        f"one run: the cluster of `make run-cluster` (nginx, Rasa replicas each with an action "
        f"server, PostgreSQL tracker store, Redis lock store) on 127.0.0.1, REST through nginx, "
        f"questions from the tuning sets, {MESSAGES_PER_CONVERSATION} messages per "
        f"conversation, {seconds} s per load run. The load generator runs on the same cores.",
        "",
        "| replicas | concurrent conversations | messages | errors | messages/s | p50 ms | p95 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for replicas, by_users in runs.items():
        for users, r in by_users.items():
            lines.append(
                f"| {replicas} | {users} | {r['requests']} | {r['errors']} | {r['rps']:.1f} | "
                f"{r['p50_ms']:.0f} | {r['p95_ms']:.0f} |"
            )
    lines += [
        "",
        f"- **2 replicas against 1** at {CONCURRENCY[0]} conversations: **{ratio:.2f} x** the "
        f"throughput (target 1.5 x).",
        f"- **Open loop** on 2 replicas, messages arriving at {arrivals['rate']:.1f} a second "
        f"({OPEN_LOOP_SHARE:.0%} of the 2-replica capacity at {CONCURRENCY[0]} conversations, "
        f"each of many open conversations sending one every {THINK_S} s on average): "
        f"{arrivals['sent']} sent, {arrivals['errors']} errors, p50 {arrivals['p50_ms']:.0f} ms, "
        f"**p95 {arrivals['p95_ms']:.0f} ms = {arrivals['p95_ms'] / single_p50:.1f} x** the "
        f"single-conversation p50 of {single_p50:.0f} ms (target 4 x or less).",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
