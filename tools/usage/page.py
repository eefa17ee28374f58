"""reports/usage.html: the owners' report as one self-contained page (inline CSS and SVG, no
scripts, nothing fetched), readable offline and safe to attach to an email inside the trust."""

from __future__ import annotations

from html import escape
from typing import Iterable, List, Sequence

from tools.usage import charts
from tools.usage.report import Report
from tools.usage.themes import Theme
from tools.usage.usage import REASONS

QUESTIONS_PER_THEME = 6
THEMES = 25
TOP_PASSAGES = 25

STYLE = """
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Arial, sans-serif; color: #0b0c0c;
       max-width: 60rem; margin: 0 auto; padding: 1rem 1.25rem 4rem; }
h1 { font-size: 1.9rem; margin-bottom: 0.2rem; } h2 { margin-top: 2.5rem; border-bottom: 2px solid #0072B2; }
.lede { color: #505a5f; margin-top: 0; }
.totals { display: grid; grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr)); gap: 0.75rem;
          padding: 0; list-style: none; }
.totals li { background: #f3f2f1; padding: 0.6rem 0.8rem; border-left: 4px solid #0072B2; }
.totals strong { display: block; font-size: 1.6rem; }
table { border-collapse: collapse; margin: 0.75rem 0; font-size: 0.92rem; }
th, td { text-align: left; padding: 0.25rem 0.7rem 0.25rem 0; border-bottom: 1px solid #b1b4b6;
         vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1rem 0; } svg { max-width: 100%; height: auto; }
figure svg text { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif !important; }
caption { text-align: left; }
.theme { margin: 1rem 0; padding: 0.5rem 0.8rem; border-left: 4px solid #E69F00; background: #fafafa; }
.theme h3 { margin: 0; font-size: 1rem; } .theme ul { margin: 0.3rem 0; padding-left: 1.2rem; }
.note { color: #505a5f; font-size: 0.9rem; }
details summary { cursor: pointer; color: #1d70b8; }
"""


def _number(value) -> str:
    return f"{value:,}" if isinstance(value, int) else escape(str(value))


def table(name: str, caption: str, headings: Sequence[str], rows: Iterable[Sequence]) -> str:
    """A table whose numbers align right; `name` is its id (the tests read tables by it)."""
    head = "".join(
        f'<th scope="col"{" class=n" if i else ""}>{escape(h)}</th>' for i, h in enumerate(headings)
    )
    body = []
    for row in rows:
        label, *cells = row
        body.append(
            f'<tr><th scope="row">{_number(label)}</th>'
            + "".join(
                f'<td class="n">{_number(c)}</td>'
                if isinstance(c, int)
                else f"<td>{_number(c)}</td>"
                for c in cells
            )
            + "</tr>"
        )
    return (
        f'<table id="{name}"><caption class="note">{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def _figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption class=note>{escape(caption)}</figcaption></figure>"


def _themes(name: str, found: List[Theme], clarified: bool) -> str:
    if not found:
        return "<p>None in this period.</p>"
    parts = [f'<div id="{name}">']
    for theme in found[:THEMES]:
        words = ", ".join(theme.words) or "(no common words)"
        offered = ""
        if clarified and theme.offered:
            offered = (
                "<p class=note>Topics offered: "
                + ", ".join(f"{escape(t)} ({n:,})" for t, n in theme.offered[:4])
                + "</p>"
            )
        more = len(theme.questions) - QUESTIONS_PER_THEME
        questions = "".join(
            f"<li>{escape(text)}{f' <span class=note>({n:,} times)</span>' if n > 1 else ''}</li>"
            for text, n in theme.questions[:QUESTIONS_PER_THEME]
        )
        parts.append(
            f'<section class="theme"><h3>{escape(words)}: asked {theme.asked:,} '
            f"{'time' if theme.asked == 1 else 'times'}, {len(theme.questions):,} different "
            f"wording{'' if len(theme.questions) == 1 else 's'}</h3>{offered}<ul>{questions}</ul>"
            + (f"<p class=note>and {more:,} more</p>" if more > 0 else "")
            + "</section>"
        )
    rest = found[THEMES:]
    if rest:
        parts.append(
            f"<p class=note>and {len(rest):,} smaller themes, asked "
            f"{sum(t.asked for t in rest):,} times in all (every question: <code>make label</code>)</p>"
        )
    return "".join(parts) + "</div>"


def render(report: Report) -> str:
    usage, channels = report.usage, report.channels
    days = report.day_rows()
    day_names = [d[0] for d in days]
    conversations = {c: [d[1 + i] for d in days] for i, c in enumerate(channels)}
    messages = {c: [d[1 + len(channels) + i] for d in days] for i, c in enumerate(channels)}
    topics = report.topic_rows()
    passages = report.passage_rows()
    feedback = report.feedback_rows()
    worst = [r for r in feedback if r[3]][:15]
    verdicts = report.verdict_rows()
    risks = report.risk_rows()
    reason_names = [r.replace("_", " ") for r in REASONS]
    totals = "".join(
        f"<li><strong>{n:,}</strong>{escape(label)}</li>" for label, n in report.totals()
    )
    sections = [
        f"<h1>Guidance assistant: how it was used</h1>"
        f'<p class="lede">{escape(str(usage.period))} (UK time), from the {escape(report.store)} '
        f"conversation store. Made {report.made:%Y-%m-%d %H:%M}.</p>"
        f"<p class=note>Questions are shown as the assistant stored them: identifiers were "
        f"replaced by placeholders such as [NAME] before anything was saved. Keep this report "
        f"inside the trust all the same.</p>"
        f'<ul class="totals">{totals}</ul>',
        "<h2 id=use>Conversations and messages</h2>",
        _figure(
            charts.by_day("Conversations per day by channel", day_names, conversations),
            "Conversations per day, by channel (a conversation counts on each day it has a message).",
        ),
        _figure(
            charts.by_day("Messages per day by channel", day_names, messages),
            "Messages from staff per day, by channel (typed, or a button).",
        ),
        table(
            "channels",
            "By channel",
            ["channel", "conversations", "messages"],
            report.channel_rows(),
        ),
        "<details><summary>Every day</summary>"
        + table(
            "days",
            "Per day: conversations, then messages, per channel",
            [
                "day",
                *(f"conversations {c}" for c in channels),
                *(f"messages {c}" for c in channels),
            ],
            days,
        )
        + "</details>",
        "<h2 id=answers>Answers</h2>",
        _figure(
            charts.bars(
                "Answers by topic", [r[1] for r in topics], {"answers": [r[2] for r in topics]}
            ),
            "Answers by topic.",
        ),
        table("topics", "Answers by topic", ["topic", "title", "answers"], topics),
        _figure(
            charts.bars(
                "Most given passages",
                [r[0] for r in passages[:TOP_PASSAGES]],
                {"answers": [r[2] for r in passages[:TOP_PASSAGES]]},
            ),
            f"The {min(TOP_PASSAGES, len(passages))} passages given most often.",
        )
        if passages
        else "",
        "<details><summary>Every passage given</summary>"
        + table("passages", "Answers by passage", ["passage", "topic", "answers"], passages)
        + "</details>",
        "<h2 id=declined>Declined questions, by theme</h2>"
        "<p>Questions the assistant said were outside the guidance. A big theme of questions "
        "that staff should get an answer to is a gap: write a passage, or mark them with "
        "<code>make label</code> so the assistant learns where they belong.</p>",
        _themes("declined-themes", report.declined, clarified=False),
        "<h2 id=clarified>Clarified questions, by theme</h2>"
        "<p>Questions where the assistant asked which topic was meant. Topics offered together "
        "often are a border worth a clearer passage or more training questions.</p>",
        _themes("clarified-themes", report.clarified, clarified=True),
        "<h2 id=feedback>Feedback by passage</h2>",
        _figure(
            charts.bars(
                "Feedback on the passages rated not helpful most",
                [r[0] for r in worst],
                {"not helpful": [r[3] for r in worst], "helpful": [r[2] for r in worst]},
            ),
            "The passages rated not helpful most often.",
        )
        if worst
        else "",
        table(
            "feedback",
            "Ratings and the reasons given for 'not helpful', per passage",
            ["passage", "topic", "helpful", "not helpful", *reason_names],
            feedback,
        ),
        '<h2 id=check>"Before you post" checks</h2>'
        f"<p>{usage.checks_started:,} started, {sum(usage.verdicts.values()):,} reached a "
        f"verdict.</p>",
        _figure(
            charts.bars(
                "Verdicts",
                [r[0].replace("_", " ") for r in verdicts],
                {"verdicts": [r[1] for r in verdicts]},
            ),
            "Verdicts of the checks.",
        )
        if usage.verdicts
        else "",
        table("verdicts", "Verdicts", ["verdict", "checks"], verdicts),
        table(
            "risks",
            "Risks found, per check, with the passage cited",
            ["check", "passage", "verdicts"],
            risks,
        ),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Guidance assistant usage, {escape(str(usage.period))}</title>"
        f"<style>{STYLE}</style></head><body><main>{''.join(sections)}</main></body></html>\n"
    )
