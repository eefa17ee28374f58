"""Choose the passage that answers the question, once the topic is decided.

The NLU's PassageRanker (components/passage_ranker.py) ranks passages by how close their
questions come to the message. Within the chosen topic the closest passage answers; a passage
of another topic answers instead only when it fits much better. A follow-up never gets a
passage already shown in the conversation, until the topic has no other. When the question also touches a second topic,
the closest passage there is offered as an "also" button.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Collection, Dict, List, Optional, Tuple

from actions.knowledge_base import KnowledgeBase, Passage, Topic


@dataclass(frozen=True)
class Settings:
    # Below this similarity the question is too general for any one passage: the topic's
    # overview passage (answer_passage) answers.
    min_similarity: float = 0.45
    # Another topic's passage answers when it is at least this similar and beats the best
    # passage of the chosen topic by the margin.
    cross_topic_similarity: float = 0.75
    cross_topic_margin: float = 0.15
    # A second topic at least this confident (in the NLU ranking) is offered as "also".
    also_min_confidence: float = 0.2
    also_min_similarity: float = 0.5
    # A message this close to one of a passage's own questions is answered by that passage,
    # even when the topic classifier is unsure ("What are the Caldicott principles?").
    direct_similarity: float = 0.85


@dataclass(frozen=True)
class Match:
    passage: Passage
    similarity: float
    question: str  # the passage's question closest to the message


@dataclass(frozen=True)
class Choice:
    topic: Topic
    match: Match
    also: Optional[Tuple[Topic, Match]] = None


def matches(kb: KnowledgeBase, passage_ranking: List[Dict[str, Any]]) -> Dict[str, Match]:
    """The ranking from the NLU as passage id -> match (unknown ids are ignored)."""
    found = {}
    for entry in passage_ranking or []:
        passage = kb.passages.get(entry.get("name"))
        if passage is None:
            continue
        index = entry.get("question", 0)
        question = (
            passage.questions[index]
            if 0 <= index < len(passage.questions)
            else passage.questions[0]
        )
        found[passage.id] = Match(passage, float(entry.get("similarity", 0.0)), question)
    return found


def _overview(topic: Topic) -> Match:
    return Match(topic.answer_passage, 0.0, topic.answer_passage.questions[0])


def best_in_topic(
    topic: Topic,
    found: Dict[str, Match],
    exclude: Collection[str] = (),
    settings: Settings = Settings(),
) -> Match:
    """The topic's passage closest to the message, or its overview for a general question."""
    candidates = [found[p.id] for p in topic.passages if p.id in found and p.id not in exclude]
    best = max(candidates, key=lambda m: m.similarity, default=None)
    if best is not None and best.similarity >= settings.min_similarity:
        return best
    if topic.answer_passage.id not in exclude:
        return _overview(topic)
    if best is not None:
        return best
    unseen = next(p for p in topic.passages if p.id not in exclude)
    return Match(unseen, 0.0, unseen.questions[0])


def choose(
    kb: KnowledgeBase,
    topic_id: str,
    intent_ranking: List[Dict[str, Any]],
    passage_ranking: List[Dict[str, Any]],
    requested: Optional[str] = None,
    shown: Collection[str] = (),
    settings: Settings = Settings(),
) -> Choice:
    """The answer for a question decided to be about `topic_id`. `shown` holds the passages
    the conversation already had that must not be repeated (follow-ups)."""
    topic = kb.topics[topic_id]
    if requested in kb.passages:
        passage = kb.passages[requested]
        owner = topic if topic_id in passage.topics else kb.topics[passage.topics[0]]
        return Choice(owner, Match(passage, 1.0, passage.questions[0]))

    found = matches(kb, passage_ranking)
    if all(p.id in shown for p in topic.passages):
        shown = ()  # everything on the topic was shown: the closest passage again, not another topic
    best = best_in_topic(topic, found, shown, settings)
    elsewhere = max(
        (
            m
            for m in found.values()
            if m.passage.id not in shown and topic_id not in m.passage.topics
        ),
        key=lambda m: m.similarity,
        default=None,
    )
    if (
        elsewhere is not None
        and elsewhere.similarity >= settings.cross_topic_similarity
        and (elsewhere.similarity - best.similarity >= settings.cross_topic_margin)
    ):
        topic, best = kb.topics[elsewhere.passage.topics[0]], elsewhere
    return Choice(topic, best, _also(kb, topic, best, intent_ranking, found, shown, settings))


def direct(
    kb: KnowledgeBase, passage_ranking: List[Dict[str, Any]], settings: Settings = Settings()
) -> Optional[Choice]:
    """The passage the message all but quotes a question of, if there is one."""
    found = matches(kb, passage_ranking)
    best = max(found.values(), key=lambda m: m.similarity, default=None)
    if best is None or best.similarity < settings.direct_similarity:
        return None
    return Choice(kb.topics[best.passage.topics[0]], best)


def _also(
    kb: KnowledgeBase,
    topic: Topic,
    best: Match,
    intent_ranking: List[Dict[str, Any]],
    found: Dict[str, Match],
    shown: Collection[str],
    settings: Settings,
) -> Optional[Tuple[Topic, Match]]:
    """The runner-up topic and its closest passage, when the question touches it too."""
    for entry in intent_ranking:
        other = entry.get("name")
        if other == topic.id or other not in kb.topics:
            continue
        if entry.get("confidence", 0.0) < settings.also_min_confidence:
            return None
        candidates = [
            m
            for m in found.values()
            if other in m.passage.topics and m.passage.id not in (*shown, best.passage.id)
        ]
        match = max(candidates, key=lambda m: m.similarity, default=None)
        if match is None or match.similarity < settings.also_min_similarity:
            return None
        return kb.topics[other], match
    return None
