"""Load for `make bench`: each simulated user holds short conversations over the REST channel.

Questions come from the file named by BENCH_QUESTIONS (one JSON list). A reply counts as an
error unless it is HTTP 200 with exactly one `custom` object (the reply contract).
"""

import itertools
import json
import os
import random
import uuid

from locust import HttpUser, constant, task

QUESTIONS = json.loads(open(os.environ["BENCH_QUESTIONS"], encoding="utf-8").read())
MESSAGES_PER_CONVERSATION = 5  # well inside the per-conversation rate limit


class StaffMember(HttpUser):
    wait_time = constant(0)  # closed loop: N users = N conversations in flight

    def on_start(self) -> None:
        self.turns = itertools.count()
        self.sender = uuid.uuid4().hex

    @task
    def ask(self) -> None:
        if next(self.turns) % MESSAGES_PER_CONVERSATION == 0:
            self.sender = uuid.uuid4().hex
        body = {"sender": self.sender, "message": random.choice(QUESTIONS)}
        with self.client.post(
            "/webhooks/rest/webhook", json=body, catch_response=True, name="rest"
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif (
                sum(
                    m.get("custom", {}).get("type") not in (None, "identifiers_removed")
                    for m in response.json()
                )
                != 1
            ):
                response.failure("reply contract broken")
