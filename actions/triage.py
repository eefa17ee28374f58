"""Decide what to do with a question: answer a topic, ask which topic was meant, or decline.

Confident predictions reach this point as a topic intent. Uncertain ones arrive as
`nlu_fallback` (Rasa's FallbackClassifier, thresholds in config.yml) and off-topic ones as
`out_of_scope`, both with the model's ranking, and are decided here, so the assistant never
guesses when it is unsure. Whether a message is about the guidance at all is judged by the
topics' share of the ranking (their summed confidence): a question about social media that
could be about three topics spreads its confidence over them, but keeps it among the topics,
where an off-topic question gives it to `out_of_scope`. Short follow-ups ("what about former patients?") are
read in the context of the last answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Collection, Dict, List, Optional, Tuple

FALLBACK_INTENT = "nlu_fallback"
FOLLOW_UP_INTENT = "follow_up"
OUT_OF_SCOPE_INTENT = "out_of_scope"
ANSWER, CLARIFY, DECLINE, NO_QUESTION = "answer", "clarify", "decline", "no_question"


@dataclass(frozen=True)
class Thresholds:
    # Below this summed topic confidence the message is not about the guidance: declined.
    min_topic_share: float
    # A topic below this confidence is not offered as a clarify option (with one option left,
    # the question is "Did you mean ...?").
    clarify_min_confidence: float
    max_options: int = 3


@dataclass(frozen=True)
class Decision:
    kind: str
    topics: Tuple[str, ...] = ()


def decide(
    text: str,
    intent: Optional[str],
    ranking: List[Dict[str, Any]],
    topic_ids: Collection[str],
    previous_topic: Optional[str],
    thresholds: Thresholds,
) -> Decision:
    """Turn the NLU prediction into an answer, a clarify question or a decline."""
    if not any(character.isalnum() for character in text):
        return Decision(NO_QUESTION)  # empty, blank, emoji or punctuation only
    if intent in topic_ids:
        return Decision(ANSWER, (intent,))

    ranked = [r for r in ranking if r.get("name") != FALLBACK_INTENT]
    if ranked and ranked[0].get("name") == FOLLOW_UP_INTENT:
        if previous_topic in topic_ids:
            return Decision(ANSWER, (previous_topic,))
        ranked = ranked[1:]  # a follow-up to nothing: judge the question on its own
    topics = [r for r in ranked if r.get("name") in topic_ids]
    # The topics' share against "out of scope" alone: conversation intents (thanks, greet)
    # soak up confidence from odd spellings without making a message any less on-topic.
    in_topics = sum(r.get("confidence", 0.0) for r in topics)
    off_topic = sum(
        r.get("confidence", 0.0) for r in ranked if r.get("name") == OUT_OF_SCOPE_INTENT
    )
    if not in_topics or in_topics / (in_topics + off_topic) < thresholds.min_topic_share:
        return Decision(DECLINE)
    options = tuple(
        r["name"]
        for r in topics[: thresholds.max_options]
        if r.get("confidence", 0.0) >= thresholds.clarify_min_confidence
    )
    if not options:
        return Decision(DECLINE)
    # An unclear message whose candidates include the topic just answered is most likely
    # about that topic still.
    if previous_topic in options:
        return Decision(ANSWER, (previous_topic,))
    return Decision(CLARIFY, options)
