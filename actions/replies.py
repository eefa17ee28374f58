"""Render guidance answers, clarify questions and help as bot messages.

One function per reply kind returns the keyword arguments for
`CollectingDispatcher.utter_message`: the wording comes from domain.yml responses, the
guidance from the knowledge base, and the `custom` object carries the machine-readable
reply contract that the web and Teams channels render from.
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, List

from actions.knowledge_base import KnowledgeBase, Topic


def _button(topic: Topic) -> Dict[str, str]:
    return {"title": topic.question, "payload": f"/{topic.id}"}


def _bullets(lines: Iterable[str]) -> str:
    return "\n".join(f"- {line}" for line in lines)


def answer(kb: KnowledgeBase, topic: Topic) -> Dict[str, Any]:
    """A cited answer for `topic`, with related questions as follow-up buttons."""
    passage = topic.answer_passage
    follow_ups = [kb.topics[t] for t in topic.related_topics]
    return {
        "response": "utter_guidance_answer",
        "answer": passage.answer,
        "key_points": _bullets([*passage.do, *passage.dont]),
        "citations": _bullets(
            f"{p.source.short_name}, {p.section}: {p.url}" for p in topic.passages
        ),
        "buttons": [_button(t) for t in follow_ups],
        "json_message": {
            "type": "answer",
            "topic": topic.id,
            "title": topic.title,
            "citations": [p.citation() for p in topic.passages],
            "follow_ups": [_button(t) | {"topic": t.id} for t in follow_ups],
        },
    }


def clarify(kb: KnowledgeBase, topic_ids: Iterable[str]) -> Dict[str, Any]:
    """Ask which of the candidate topics was meant."""
    options: List[Topic] = [kb.topics[t] for t in topic_ids]
    return {
        "response": "utter_clarify",
        "buttons": [_button(t) for t in options],
        "json_message": {"type": "clarify", "options": [t.id for t in options]},
    }


def overview(kb: KnowledgeBase) -> Dict[str, Any]:
    """What the assistant covers, with example questions as buttons."""
    titles = [t.title[0].lower() + t.title[1:] for t in kb.topics.values()]
    return {
        "response": "utter_help",
        "topic_list": ", ".join(titles[:-1]) + " and " + titles[-1],
        "buttons": [_button(kb.topics[t]) for t in kb.featured_topics],
    }
