"""Shared fixtures: the knowledge base, and a real Rasa server plus action server on localhost."""
from __future__ import annotations

import itertools
from pathlib import Path
from typing import Callable, Iterator

import pytest

from actions import knowledge_base as kb_module
from actions import settings
from scripts.chat_client import Reply, send
from scripts.servers import DEFAULT_MODEL, Servers, free_port


@pytest.fixture(scope="session")
def knowledge_base() -> kb_module.KnowledgeBase:
    return kb_module.load(settings.GUIDANCE_DIR)


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """Both servers with the model `make test` trained, once per test run."""
    if not DEFAULT_MODEL.exists():
        pytest.fail(f"no model at {DEFAULT_MODEL}: run the tests with `make test`")
    log_path = Path(tmp_path_factory.mktemp("servers")) / "servers.log"
    with log_path.open("w") as log:
        servers = Servers(rasa_port=free_port(), action_port=free_port(), log=log)
        with servers:
            yield servers
    print(f"server log: {log_path}")


_senders = itertools.count()


@pytest.fixture
def conversation(servers: Servers, request: pytest.FixtureRequest) -> Callable[[str], Reply]:
    """A new conversation: call it with a message, get the bot's reply."""
    sender = f"{request.node.name}-{next(_senders)}"
    return lambda message: send(servers.rest_webhook, sender, message)
