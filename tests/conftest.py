"""Shared fixtures: the knowledge base, and a real Rasa server plus action server on localhost."""

from __future__ import annotations

import itertools
import re
from typing import Callable, Iterator

import pytest

from actions import knowledge_base as kb_module
from actions import settings
from ops.servers import Servers, free_port
from tests.support.servers import running_servers
from tools.chat_client import Reply, send


@pytest.fixture(scope="session")
def knowledge_base() -> kb_module.KnowledgeBase:
    return kb_module.load(settings.GUIDANCE_DIR)


@pytest.fixture(scope="session")
def web_port() -> int:
    """The port the chat window's pages are served on in the browser tests."""
    return free_port()


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory, web_port: int) -> Iterator[Servers]:
    # The demo pages are loaded from localhost and the widget from 127.0.0.1: two origins.
    origins = [f"http://127.0.0.1:{web_port}", f"http://localhost:{web_port}"]
    with running_servers(tmp_path_factory.mktemp("servers"), cors_origins=origins) as servers_:
        yield servers_


_senders = itertools.count()


@pytest.fixture
def conversation(servers: Servers, request: pytest.FixtureRequest) -> Callable[[str], Reply]:
    """A new conversation: call it with a message, get the bot's reply."""
    sender = re.sub(r"[^A-Za-z0-9._:-]", "-", request.node.name)[:100] + f"-{next(_senders)}"
    return lambda message: send(servers.rest_webhook, sender, message)
