"""One pass over a period's events: what staff asked, on which channel, and what the assistant
did with it (the reply contract, docs/reference/reply-contract.md, says which reply is which)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Dict, Iterable, List, Optional, Tuple

from tools.usage.period import Period, day_of
from tools.usage.store import Event

CHANNELS = ("web", "teams", "rest")
# The stored conversation id starts with its channel (privacy/ids.py); the user event's
# input_channel names the Rasa connector, for ids stored before that.
_CONNECTORS = {"socketio": "web", "botframework": "teams", "rest": "rest"}
GAP_KINDS = ("declined", "clarified", "not_helpful")
REASONS = ("wrong_topic", "not_answered", "unclear", "out_of_date")  # why not helpful
NOT_RECORDED = "(not recorded)"


def channel_of(sender_id: str, input_channel: Optional[str]) -> str:
    prefix = sender_id.split("-", 1)[0]
    if prefix in CHANNELS:
        return prefix
    return _CONNECTORS.get(input_channel or "", "other")


def is_question(text: str) -> bool:
    """Typed words, not a button's payload (`/topic{...}`, `/feedback`)."""
    return bool(text.strip()) and not text.startswith("/")


@dataclass(frozen=True)
class Gap:
    """A question the assistant declined, asked about, or answered unhelpfully."""

    kind: str  # one of GAP_KINDS
    text: str
    day: dt.date
    offered: Tuple[str, ...] = ()  # clarified: the topics offered, best first
    topic: Optional[str] = None  # not_helpful: the answer that did not help
    passage: Optional[str] = None
    reason: Optional[str] = None


@dataclass
class Usage:
    period: Period
    conversations: Counter = field(default_factory=Counter)  # channel
    conversations_by_day: Counter = field(default_factory=Counter)  # (day, channel)
    messages_by_day: Counter = field(default_factory=Counter)  # (day, channel)
    answers_by_topic: Counter = field(default_factory=Counter)
    answers_by_passage: Counter = field(default_factory=Counter)
    passage_topic: Dict[str, str] = field(default_factory=dict)  # the topic it was given for
    feedback: Counter = field(default_factory=Counter)  # (passage, rating)
    reasons: Counter = field(default_factory=Counter)  # (passage, reason)
    checks_started: int = 0
    verdicts: Counter = field(default_factory=Counter)
    risks: Counter = field(default_factory=Counter)  # (check, passage)
    gaps: List[Gap] = field(default_factory=list)

    @property
    def messages(self) -> Counter:
        totals: Counter = Counter()
        for (_, channel), count in self.messages_by_day.items():
            totals[channel] += count
        return totals

    def gaps_of(self, kind: str) -> List[Gap]:
        return [g for g in self.gaps if g.kind == kind]


@dataclass
class _Conversation:
    channel: str
    days: set = field(default_factory=set)
    question: Optional[str] = None  # the last typed question
    replied: bool = True  # whether the assistant has declined or clarified it already
    answer: Optional[Tuple[str, str, Optional[str]]] = None  # topic, passage, question
    reason_pending: Optional[int] = None  # the index of a not-helpful gap still without a reason


class _Reader:
    def __init__(self, period: Period):
        self.usage = Usage(period)
        self.conversations: Dict[str, _Conversation] = {}

    def user(self, event: Event) -> None:
        usage = self.usage
        conversation = self.conversations.get(event.sender_id)
        if conversation is None:
            conversation = _Conversation(channel_of(event.sender_id, event.input_channel))
            self.conversations[event.sender_id] = conversation
            usage.conversations[conversation.channel] += 1
        day = day_of(event.timestamp)
        if day not in conversation.days:
            conversation.days.add(day)
            usage.conversations_by_day[day, conversation.channel] += 1
        usage.messages_by_day[day, conversation.channel] += 1
        if event.feedback:
            self.feedback(conversation, event.feedback, day)
            return
        conversation.reason_pending = None
        if is_question(event.text):
            conversation.question, conversation.replied = event.text, False

    def feedback(self, conversation: _Conversation, feedback: dict, day: dt.date) -> None:
        usage = self.usage
        topic, passage, question = conversation.answer or (None, None, None)
        passage = feedback.get("passage") or passage or NOT_RECORDED
        topic = feedback.get("topic") or topic
        rating, reason = feedback.get("rating"), feedback.get("reason")
        pending = conversation.reason_pending
        conversation.reason_pending = None
        if reason and pending is not None and usage.gaps[pending].passage == passage:
            # The reason came in a message of its own, after the rating.
            usage.gaps[pending] = replace(usage.gaps[pending], reason=reason)
            usage.reasons[passage, reason] += 1
            return
        usage.feedback[passage, rating] += 1
        if reason:
            usage.reasons[passage, reason] += 1
        if rating == "not_helpful" and question:
            usage.gaps.append(Gap("not_helpful", question, day, (), topic, passage, reason))
            if not reason:
                conversation.reason_pending = len(usage.gaps) - 1

    def bot(self, event: Event) -> None:
        conversation = self.conversations.get(event.sender_id)
        custom = event.custom or {}
        kind = custom.get("type")
        if conversation is None or kind is None:
            return  # its question was asked before the period
        usage, day = self.usage, day_of(event.timestamp)
        if kind == "answer":
            topic, passage = custom.get("topic"), (custom.get("answer") or {}).get("passage")
            usage.answers_by_topic[topic] += 1
            usage.answers_by_passage[passage] += 1
            usage.passage_topic[passage] = topic
            conversation.answer = (topic, passage, conversation.question)
        elif kind == "clarify" and not conversation.replied:
            offered = tuple(custom.get("options") or ())
            usage.gaps.append(Gap("clarified", conversation.question, day, offered))
            conversation.replied = True
        elif kind == "out_of_scope" and not conversation.replied:
            usage.gaps.append(Gap("declined", conversation.question, day))
            conversation.replied = True
        elif kind == "check_question" and custom.get("step") == 1:
            usage.checks_started += 1
        elif kind == "check_verdict":
            usage.verdicts[custom.get("verdict")] += 1
            for risk in custom.get("risks") or ():
                usage.risks[risk.get("check"), risk.get("passage")] += 1


def read_usage(events: Iterable[Event], period: Period) -> Usage:
    reader = _Reader(period)
    for event in events:
        if event.kind == "user":
            reader.user(event)
        else:
            reader.bot(event)
    return reader.usage
