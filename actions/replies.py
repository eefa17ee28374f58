"""Render answers, clarify questions, help, feedback and the check's verdict as bot messages.

One function per reply kind returns the keyword arguments for
`CollectingDispatcher.utter_message`: the wording comes from domain.yml responses, the
guidance from the knowledge base, and the `custom` object carries the machine-readable
reply contract that the web and Teams channels render from (`custom.answer` holds the
answer's structure, so no channel has to parse the text back).
"""

from __future__ import annotations

import json
from typing import Any, Dict, Iterable, List, Optional

from actions.knowledge_base import KnowledgeBase, Passage, Topic
from actions.passage_choice import Choice, Match, matches
from actions.post_check import Check

MAX_FOLLOW_UPS = 4
MAX_OTHER_ANSWERS = 3


def payload(topic: Topic, passage: Optional[Passage] = None) -> str:
    """A button payload: the topic intent, with the passage as an entity when one is meant."""
    if passage is None:
        return f"/{topic.id}"
    return f"/{topic.id}{json.dumps({'passage': passage.id})}"


def _topic_button(topic: Topic) -> Dict[str, str]:
    return {"title": topic.question, "payload": payload(topic)}


def _passage_button(topic: Topic, match: Match) -> Dict[str, str]:
    return {"title": match.question, "payload": payload(topic, match.passage)}


def _bullets(lines: Iterable[str]) -> str:
    return "\n".join(f"- {line}" for line in lines)


def follow_ups(kb: KnowledgeBase, choice: Choice, shown: Iterable[str]) -> List[Dict[str, str]]:
    """The "also" topic first, then more passages of this topic not yet shown, then related
    topics; each item is {topic, title, payload, kind} plus the passage where one is meant."""
    items = []
    if choice.also:
        topic, match = choice.also
        items.append(
            {
                **_passage_button(topic, match),
                "topic": topic.id,
                "passage": match.passage.id,
                "kind": "also",
            }
        )
    seen = {*shown, choice.match.passage.id}
    for passage in choice.topic.passages:
        if passage.id not in seen and passage.audience == choice.match.passage.audience:
            items.append(
                {
                    "title": passage.questions[0],
                    "payload": payload(choice.topic, passage),
                    "topic": choice.topic.id,
                    "passage": passage.id,
                    "kind": "more",
                }
            )
            seen.add(passage.id)
            if len(items) >= 2 + bool(choice.also):
                break
    for topic_id in choice.topic.related_topics:
        if len(items) >= MAX_FOLLOW_UPS:
            break
        if choice.also and topic_id == choice.also[0].id:
            continue
        items.append({**_topic_button(kb.topics[topic_id]), "topic": topic_id, "kind": "related"})
    return items[:MAX_FOLLOW_UPS]


def answer(kb: KnowledgeBase, choice: Choice, shown: Iterable[str] = ()) -> Dict[str, Any]:
    """A cited answer: the chosen passage, its key points and sources, and follow-ups."""
    passage = choice.match.passage
    cited = kb.citations(passage)
    items = follow_ups(kb, choice, shown)
    return {
        "response": "utter_guidance_answer",
        "answer": passage.answer,
        "key_points": _bullets([*passage.do, *passage.dont]),
        "citations": _bullets(f"{p.source.short_name}, {p.section}: {p.url}" for p in cited),
        "buttons": [{"title": i["title"], "payload": i["payload"]} for i in items],
        "json_message": {
            "type": "answer",
            "topic": choice.topic.id,
            "title": choice.topic.title,
            "answer": {
                "passage": passage.id,
                "summary": passage.answer,
                "do": list(passage.do),
                "dont": list(passage.dont),
            },
            "citations": [p.citation() for p in cited],
            "follow_ups": items,
        },
    }


def clarify(kb: KnowledgeBase, options: List[Match], topic_ids: List[str]) -> Dict[str, Any]:
    """Ask which of the candidate topics was meant, each offered as its closest question.
    With one candidate the question is "Did you mean ...?" with yes and no."""
    topics = [kb.topics[t] for t in topic_ids]
    buttons = [_passage_button(t, m) for t, m in zip(topics, options, strict=False)]
    contract = {"type": "clarify", "options": topic_ids}
    if len(buttons) == 1:
        return {
            "response": "utter_did_you_mean",
            "question": options[0].question.rstrip("?"),
            "buttons": [
                {"title": "Yes", "payload": buttons[0]["payload"]},
                {"title": "No", "payload": "/deny"},
            ],
            "json_message": contract,
        }
    return {"response": "utter_clarify", "buttons": buttons, "json_message": contract}


def closest_other_answers(
    kb: KnowledgeBase, passage_ranking: List[Dict[str, Any]], rated: Optional[str]
) -> List[Dict[str, str]]:
    """Up to three answers nearest the question after the one rated not helpful: the next
    passages in its ranking, or else the rated passage's topic's other passages."""
    found = [m for m in matches(kb, passage_ranking).values() if m.passage.id != rated]
    if not found and rated in kb.passages:
        topic = kb.topics[kb.passages[rated].topics[0]]
        found = [Match(p, 0.0, p.questions[0]) for p in topic.passages if p.id != rated]
    return [
        {**_passage_button(kb.topics[m.passage.topics[0]], m), "passage": m.passage.id}
        for m in found[:MAX_OTHER_ANSWERS]
    ]


def not_helpful(
    reason: str,
    topic: Optional[str],
    passage: Optional[str],
    others: List[Dict[str, str]],
    extra_buttons: Iterable[Dict[str, str]] = (),
) -> Dict[str, Any]:
    """After "not helpful" and its reason: ask again in other words, or try a closer answer."""
    buttons = [{"title": o["title"], "payload": o["payload"]} for o in others]
    return {
        "response": "utter_feedback_not_helpful",
        "buttons": [*buttons, *extra_buttons],
        "json_message": {
            "type": "feedback",
            "rating": "not_helpful",
            "reason": reason,
            "topic": topic,
            "passage": passage,
            "other_answers": others,
        },
    }


def overview(kb: KnowledgeBase) -> Dict[str, Any]:
    """What the assistant covers, with example questions as buttons. The contract adds every
    topic (the chat window lists them under "See all topics") and the date by which every
    passage's source had last been checked."""
    titles = [t.title[0].lower() + t.title[1:] for t in kb.topics.values()]
    return {
        "response": "utter_help",
        "topic_list": ", ".join(titles[:-1]) + " and " + titles[-1],
        "buttons": [_topic_button(kb.topics[t]) for t in kb.featured_topics],
        "json_message": {
            "type": "smalltalk",
            "topics": [{"id": t.id, **_topic_button(t)} for t in kb.topics.values()],
            "sources_checked": min(p.checked for p in kb.passages.values()).isoformat(),
        },
    }


def check_verdict(kb: KnowledgeBase, verdict: str, risks: List[Check]) -> Dict[str, Any]:
    """The check's verdict: one line per risk found, with what to do instead and the
    passage that says so."""
    return {
        "response": f"utter_check_{verdict}",
        "risks": _bullets(
            f"{c.risk} {c.instead} ({c.passage.source.short_name}, {c.passage.section}: "
            f"{c.passage.url})"
            for c in risks
        ),
        "json_message": {
            "type": "check_verdict",
            "verdict": verdict,
            "risks": [
                {
                    "check": c.id,
                    "passage": c.passage.id,
                    "url": c.passage.url,
                    "risk": c.risk,
                    "instead": c.instead,
                    "citation": c.passage.citation(),
                }
                for c in risks
            ],
        },
    }
