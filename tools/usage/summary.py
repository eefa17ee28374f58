"""reports/usage.md: the report's headlines in Markdown, for an email, a ticket or a wiki page."""

from __future__ import annotations

from typing import List, Sequence

from tools.usage.report import Report
from tools.usage.themes import Theme

TOP = 10


def _cell(value) -> str:
    text = f"{value:,}" if isinstance(value, int) else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _table(headings: Sequence[str], rows: Sequence[Sequence]) -> List[str]:
    if not rows:
        return ["None in this period.", ""]
    lines = ["| " + " | ".join(headings) + " |", "|" + "---|" * len(headings)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def _themes(found: List[Theme]) -> List[str]:
    return _table(
        ["theme", "asked", "most asked wording"],
        [(", ".join(t.words) or "-", t.asked, t.questions[0][0]) for t in found[:TOP]],
    )


def render(report: Report) -> str:
    usage = report.usage
    lines = [
        f"# Guidance assistant usage, {usage.period}",
        "",
        f"UK time, from the {report.store} conversation store; made "
        f"{report.made:%Y-%m-%d %H:%M}. The charts and every row: `reports/usage.html`.",
        "",
        *_table(["", "count"], report.totals()),
        "## By channel",
        "",
        *_table(["channel", "conversations", "messages"], report.channel_rows()),
        "## Topics answered most",
        "",
        *_table(["topic", "title", "answers"], report.topic_rows()[:TOP]),
        "## Passages given most",
        "",
        *_table(["passage", "topic", "answers"], report.passage_rows()[:TOP]),
        "## Declined questions: the biggest themes",
        "",
        *_themes(report.declined),
        "## Clarified questions: the biggest themes",
        "",
        *_themes(report.clarified),
        "## Passages rated not helpful most",
        "",
        *_table(
            [
                "passage",
                "topic",
                "helpful",
                "not helpful",
                "wrong topic",
                "not answered",
                "unclear",
                "out of date",
            ],
            [r for r in report.feedback_rows() if r[3]][:TOP],
        ),
        '## "Before you post" verdicts',
        "",
        *_table(["verdict", "checks"], report.verdict_rows()),
    ]
    return "\n".join(lines).rstrip() + "\n"
