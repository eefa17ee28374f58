"""What the owners' report says, as rows: the HTML page (page.py) and the Markdown summary
(summary.py) both draw their tables from here, so the two never disagree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import List, Tuple

from actions.knowledge_base import KnowledgeBase
from tools.usage.themes import Theme, themes
from tools.usage.usage import CHANNELS, REASONS, Usage

VERDICTS = ("looks_fine", "think_again", "do_not_post")
Row = Tuple  # one table row: a label, then numbers


@dataclass(frozen=True)
class Report:
    usage: Usage
    kb: KnowledgeBase
    declined: List[Theme]
    clarified: List[Theme]
    store: str  # the kind of store read, never its address
    made: dt.datetime

    @property
    def channels(self) -> List[str]:
        seen = set(self.usage.conversations)
        return [c for c in CHANNELS if c in seen] + sorted(seen - set(CHANNELS))

    def totals(self) -> List[Tuple[str, int]]:
        usage = self.usage
        helpful = sum(n for (_, r), n in usage.feedback.items() if r == "helpful")
        return [
            ("conversations", sum(usage.conversations.values())),
            ("messages from staff", sum(usage.messages.values())),
            ("answers", sum(usage.answers_by_topic.values())),
            ("questions declined", len(usage.gaps_of("declined"))),
            ("questions clarified", len(usage.gaps_of("clarified"))),
            ("rated helpful", helpful),
            ("rated not helpful", sum(usage.feedback.values()) - helpful),
            ('"before you post" checks started', usage.checks_started),
            ('"before you post" verdicts', sum(usage.verdicts.values())),
        ]

    def channel_rows(self) -> List[Row]:
        usage, messages = self.usage, self.usage.messages
        return [(c, usage.conversations[c], messages[c]) for c in self.channels]

    def day_rows(self) -> List[Row]:
        """Per day: conversations per channel, then messages per channel."""
        usage = self.usage
        return [
            (
                day.isoformat(),
                *(usage.conversations_by_day[day, c] for c in self.channels),
                *(usage.messages_by_day[day, c] for c in self.channels),
            )
            for day in usage.period.days()
        ]

    def topic_rows(self) -> List[Row]:
        """Every topic, answered or not, the most answered first."""
        answers = self.usage.answers_by_topic
        rows = [(t.id, t.title, answers[t.id]) for t in self.kb.topics.values()]
        rows += [
            (t, "(not in the knowledge base)", n)
            for t, n in answers.items()
            if t not in self.kb.topics
        ]
        return sorted(rows, key=lambda r: (-r[2], r[0]))

    def passage_rows(self) -> List[Row]:
        """Every passage given, the most given first: passage, topic, answers."""
        usage = self.usage
        return sorted(
            ((p, usage.passage_topic.get(p) or "", n) for p, n in usage.answers_by_passage.items()),
            key=lambda r: (-r[2], r[0]),
        )

    def feedback_rows(self) -> List[Row]:
        """Per passage rated: helpful, not helpful, then each reason; the least helpful first."""
        usage = self.usage
        passages = {p for p, _ in usage.feedback} | {p for p, _ in usage.reasons}
        rows = [
            (
                p,
                usage.passage_topic.get(p) or "",
                usage.feedback[p, "helpful"],
                usage.feedback[p, "not_helpful"],
                *(usage.reasons[p, r] for r in REASONS),
            )
            for p in passages
        ]
        return sorted(rows, key=lambda r: (-r[3], -r[2], r[0]))

    def verdict_rows(self) -> List[Row]:
        verdicts = self.usage.verdicts
        known = [(v, verdicts[v]) for v in VERDICTS]
        return known + sorted((v, n) for v, n in verdicts.items() if v not in VERDICTS)

    def risk_rows(self) -> List[Row]:
        """Per check: the passage it cites and how many verdicts found that risk."""
        risks = self.usage.risks
        return sorted(((c, p or "", n) for (c, p), n in risks.items()), key=lambda r: (-r[2], r[0]))

    def passage_url(self, passage: str) -> str:
        known = self.kb.passages.get(passage)
        return known.url if known else ""


def build(usage: Usage, kb: KnowledgeBase, store: str, made: dt.datetime) -> Report:
    return Report(
        usage=usage,
        kb=kb,
        declined=themes(usage.gaps_of("declined")),
        clarified=themes(usage.gaps_of("clarified")),
        store=store,
        made=made,
    )
