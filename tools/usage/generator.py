"""Realistic conversations, written straight into a tracker store, with the counts a report of
them must show: for the report's tests, its timing on a big store and docs/report-example.html.

Deterministic for a seed. Questions are training examples from data/nlu/ (never the evaluation
sets), topics and passages come from data/guidance/, and every event has the shape Rasa 3.6
stores (tests/test_report.py reads generated conversations back through Rasa's own store).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from dataclasses import dataclass
from typing import Iterator, List, Optional, Tuple

from actions import knowledge_base, settings
from actions.knowledge_base import KnowledgeBase, Topic
from tools.training_data import nlu_examples
from tools.usage.period import UK, Period
from tools.usage.usage import REASONS, Gap, Usage

CHANNELS = {"web": ("socketio", 0.55), "teams": ("botframework", 0.3), "rest": ("rest", 0.15)}
# The "before you post" checks (data/guidance/check.yml, issue 15): id, the verdict a "yes"
# brings, and the passage cited for it.
CHECKS = (
    ("patient", "do_not_post", "hcpc-tip-confidential"),
    ("at_work", "think_again", "sor-sm-department-photos"),
    ("clinical_image", "do_not_post", "sor-images-news-anonymise"),
    ("names_others", "think_again", "sor-union-not-critical"),
    ("audience", "think_again", "hcpc-tip-privacy-settings"),
    ("clinical_advice", "do_not_post", "sor-sm-legal-standard-5"),
    ("state_of_mind", "think_again", "hcpc-tip-think-before-post"),
)
CHECK_OPENERS = ("can I post this?", "check my post", "is this OK to share")
META = {"model_id": "generated", "assistant_id": "radiography-social-media-guidance"}

Row = Tuple[str, str, float, Optional[str], Optional[str], str]  # an `events` table row


@dataclass
class _Clock:
    now: float

    def tick(self) -> None:
        """The few milliseconds between the events of one turn."""
        self.now += 0.005


class Generator:
    def __init__(self, seed: int, kb: Optional[KnowledgeBase] = None):
        self.random = random.Random(seed)
        self.kb = kb or knowledge_base.load(settings.GUIDANCE_DIR)
        self.examples = nlu_examples()
        topics = list(self.kb.topics.values())
        # Some topics are asked about far more than others, as in any real service.
        self.topic_weights = [1 / (rank + 1) for rank in range(len(topics))]
        self.random.shuffle(self.topic_weights)
        self.topics = topics

    def conversations(self, count: int, period: Period, expected: Usage) -> Iterator[List[Row]]:
        """`count` conversations spread over the period's days, each as its stored rows; the
        counts a report must show are added to `expected`."""
        days = period.days()
        for _ in range(count):
            day = self.random.choice(days)
            start = dt.datetime.combine(day, dt.time(7), UK).timestamp()
            yield _Conversation(self, start + self.random.uniform(0, 14 * 3600), expected).rows

    def topic(self) -> Topic:
        return self.random.choices(self.topics, self.topic_weights)[0]

    def text(self, intent: str) -> str:
        return self.random.choice(self.examples[intent])


class _Conversation:
    """One conversation: questions answered, clarified or declined, feedback, or the check."""

    def __init__(self, generator: Generator, start: float, expected: Usage):
        self.g, self.random, self.expected = generator, generator.random, expected
        self.channel = self.random.choices(list(CHANNELS), [w for _, w in CHANNELS.values()])[0]
        self.sender = f"{self.channel}-{self.random.getrandbits(128):032x}"
        self.clock = _Clock(start)
        self.day = dt.datetime.fromtimestamp(start, UK).date()
        self.rows: List[Row] = []
        expected.conversations[self.channel] += 1
        expected.conversations_by_day[self.day, self.channel] += 1
        self._session_start()
        if self.random.random() < 0.2:
            self._smalltalk(self.g.text("greet"), "greet")
        if self.random.random() < 0.08:
            self._check()
        else:
            self._question()
            while self.random.random() < 0.45 and len(self.rows) < 80:
                self._question()
        if self.random.random() < 0.2:
            self._smalltalk(self.g.text("thanks"), "thanks")

    # --- what happens -----------------------------------------------------------------------

    def _question(self) -> None:
        roll = self.random.random()
        if roll < 0.12:
            # A decline: mostly off-topic, sometimes a real question the model missed (a gap).
            intent = "out_of_scope" if self.random.random() < 0.7 else self.g.topic().id
            text = self.g.text(intent)
            self._user(text, "out_of_scope")
            self._reply("utter_out_of_scope", {"type": "out_of_scope"})
            self.expected.gaps.append(Gap("declined", text, self.day))
            return
        topic = self.g.topic()
        text = self.g.text(topic.id)
        self._user(text, topic.id if roll >= 0.24 else "nlu_fallback")
        if roll < 0.24:
            options = self._options(topic)
            self._reply("utter_clarify", {"type": "clarify", "options": options})
            self.expected.gaps.append(Gap("clarified", text, self.day, tuple(options)))
            if self.random.random() >= 0.5:
                return
            topic = self.g.kb.topics[self.random.choice(options)]
            self._user(f"/{topic.id}", topic.id)
        self._answer(topic, text)

    def _options(self, topic: Topic) -> List[str]:
        others = list(topic.related_topics)
        return [topic.id, *self.random.sample(others, self.random.randint(1, min(2, len(others))))]

    def _answer(self, topic: Topic, question: str) -> None:
        passages = topic.passages
        passage = (
            topic.answer_passage if self.random.random() < 0.5 else self.random.choice(passages)
        )
        cited = self.g.kb.citations(passage)
        custom = {
            "type": "answer",
            "topic": topic.id,
            "title": topic.title,
            "answer": {
                "passage": passage.id,
                "summary": passage.answer,
                "do": list(passage.do),
                "dont": list(passage.dont),
            },
            "citations": [p.citation() for p in cited],
            "follow_ups": [
                {"topic": topic.id, "title": p.questions[0], "kind": "more", "passage": p.id}
                for p in passages[:3]
                if p is not passage
            ],
        }
        text = "\n\n".join([passage.answer, *passage.do, *passage.dont, *(p.url for p in cited)])
        self._reply("utter_guidance_answer", custom, text=text)
        self._slot("topic", topic.id)
        self._slot("passages_shown", [passage.id])
        self.expected.answers_by_topic[topic.id] += 1
        self.expected.answers_by_passage[passage.id] += 1
        self.expected.passage_topic[passage.id] = topic.id
        if self.random.random() < 0.15:
            self._feedback(topic, passage.id, question)

    def _feedback(self, topic: Topic, passage: str, question: str) -> None:
        rating = "helpful" if self.random.random() < 0.6 else "not_helpful"
        feedback = {"rating": rating, "topic": topic.id, "passage": passage}
        if rating == "not_helpful" and self.random.random() < 0.9:
            feedback["reason"] = self.random.choice(REASONS)
            self.expected.reasons[passage, feedback["reason"]] += 1
        self._user("/feedback", "feedback", metadata={"feedback": feedback})
        self._reply("utter_feedback", {"type": "feedback"})
        self.expected.feedback[passage, rating] += 1
        if rating == "not_helpful":
            reason = feedback.get("reason")
            gap = Gap("not_helpful", question, self.day, (), topic.id, passage, reason)
            self.expected.gaps.append(gap)

    def _check(self) -> None:
        self._user(self.random.choice(CHECK_OPENERS), "check_post")
        self.expected.checks_started += 1
        risks = []
        for step, (check, verdict, passage) in enumerate(CHECKS, start=1):
            self._reply(
                f"utter_ask_check_{check}",
                {"type": "check_question", "check": check, "step": step, "of": len(CHECKS)},
            )
            if self.random.random() < 0.03:
                self._user("stop", "stop")
                self._reply("utter_check_stopped", {"type": "smalltalk"})
                return
            risky = self.random.random() < 0.2
            self._user(self.g.text("affirm" if risky else "deny"), "affirm" if risky else "deny")
            if risky:
                risks.append((check, verdict, passage))
        verdicts = {verdict for _, verdict, _ in risks}
        verdict = next((v for v in ("do_not_post", "think_again") if v in verdicts), "looks_fine")
        custom = {
            "type": "check_verdict",
            "verdict": verdict,
            "risks": [
                {"check": check, "passage": passage, "url": self.g.kb.passages[passage].url}
                for check, _, passage in risks
            ],
        }
        self._reply("utter_check_verdict", custom)
        self.expected.verdicts[verdict] += 1
        for check, _, passage in risks:
            self.expected.risks[check, passage] += 1

    def _smalltalk(self, text: str, intent: str) -> None:
        self._user(text, intent)
        self._reply(f"utter_{intent}", {"type": "smalltalk"})

    # --- the stored events, as Rasa 3.6 writes them ---------------------------------------

    def _row(self, kind: str, event: dict, intent: str = None, action: str = None) -> None:
        event = {"event": kind, "timestamp": self.clock.now, **event}
        event.setdefault("metadata", META)
        self.rows.append((self.sender, kind, self.clock.now, intent, action, json.dumps(event)))

    def _action(self, name: str, policy: Optional[str] = "RulePolicy") -> None:
        self.clock.tick()
        self._row(
            "action",
            {
                "name": name,
                "policy": policy,
                "confidence": 1.0 if policy else None,
                "action_text": None,
                "hide_rule_turn": policy is not None,
            },
            action=name,
        )

    def _session_start(self) -> None:
        self._action("action_session_start", policy=None)
        self.clock.tick()
        self._row("session_started", {})
        self._action("action_listen", policy=None)

    def _user(self, text: str, intent: str, metadata: Optional[dict] = None) -> None:
        self.clock.now += self.random.uniform(5, 90)
        message_id = uuid.UUID(int=self.random.getrandbits(128)).hex
        ranked = [intent, *self.random.sample([t.id for t in self.g.topics], 9)]
        confidences = sorted((self.random.random() for _ in ranked), reverse=True)
        passages = self.random.sample(list(self.g.kb.passages), 12)
        self._row(
            "user",
            {
                "metadata": {**META, **(metadata or {})},
                "text": text,
                "parse_data": {
                    "intent": {"name": intent, "confidence": confidences[0]},
                    "entities": [],
                    "text": text,
                    "message_id": message_id,
                    "metadata": {},
                    "text_tokens": _tokens(text),
                    "intent_ranking": [
                        {"name": n, "confidence": c}
                        for n, c in zip(ranked, confidences, strict=True)
                    ],
                    "passage_ranking": [
                        {"name": p, "similarity": round(1 - n / 20, 4), "question": n % 3}
                        for n, p in enumerate(passages)
                    ],
                },
                "input_channel": CHANNELS[self.channel][0],
                "message_id": message_id,
            },
            intent=intent,
        )
        self.expected.messages_by_day[self.day, self.channel] += 1
        self.clock.tick()
        self._row("user_featurization", {"use_text_for_featurization": False})

    def _reply(self, response: str, custom: dict, text: str = "") -> None:
        self._action("action_answer_guidance")
        self.clock.tick()
        self._row(
            "bot",
            {
                "metadata": {"utter_action": response, "template": response, **META},
                "text": text or response,
                "data": {
                    "elements": None,
                    "quick_replies": None,
                    "buttons": None,
                    "attachment": None,
                    "image": None,
                    "custom": custom,
                },
            },
        )
        self._action("action_listen")

    def _slot(self, name: str, value) -> None:
        self.clock.tick()
        self._row("slot", {"name": name, "value": value}, action=name)


def _tokens(text: str) -> List[List[int]]:
    spans, position = [], 0
    for word in text.split():
        start = text.index(word, position)
        position = start + len(word)
        spans.append([start, position])
    return spans


def write(store, rows: Iterator[List[Row]], batch: int = 20_000) -> int:
    """Insert the conversations' rows into the store's `events` table; return how many rows."""
    table = store.SQLEvent.__table__
    columns = ("sender_id", "type_name", "timestamp", "intent_name", "action_name", "data")
    written, pending = 0, []
    with store.engine.begin() as connection:
        for conversation in rows:
            pending += [dict(zip(columns, row, strict=True)) for row in conversation]
            if len(pending) >= batch:
                connection.execute(table.insert(), pending)
                written, pending = written + len(pending), []
        if pending:
            connection.execute(table.insert(), pending)
            written += len(pending)
    return written


def generate(store, count: int, period: Period, seed: int = 0) -> Usage:
    """Write `count` conversations of the period into the store; return the counts a report of
    exactly that period must show."""
    expected = Usage(period)
    write(store, Generator(seed).conversations(count, period, expected))
    return expected
