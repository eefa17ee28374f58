"""Every passage can be reached: asked its own questions, the bot answers with it at least once.

A passage that no question reaches is content nobody will ever read; this fails with the
list, so a content owner sees which passages need clearer questions (data/guidance/passages/).
"""

import uuid

import pytest

from tools.chat_client import send

pytestmark = pytest.mark.e2e  # servers, a browser or the trained model: not in `make test-fast`


def test_every_passage_is_the_answer_to_at_least_one_of_its_own_questions(servers, knowledge_base):
    unreached = []
    for passage in knowledge_base.passages.values():
        answered = set()
        for question in passage.questions:
            reply = send(servers.rest_webhook, f"reach-{uuid.uuid4().hex}", question)
            answered.add((reply.custom.get("answer") or {}).get("passage"))
            if passage.id in answered:
                break
        if passage.id not in answered:
            unreached.append(passage.id)
    assert not unreached, f"{len(unreached)} passages never chosen: {', '.join(unreached)}"
