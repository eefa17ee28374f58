"""`make report`: a store of generated conversations with known counts gives a report that shows
exactly those counts, on SQLite and on PostgreSQL, as one self-contained page."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Dict, List

import pytest
import yaml

from tests.support.stores import own_database
from tools.report import make_report
from tools.usage.generator import generate
from tools.usage.period import Period, period_from
from tools.usage.report import VERDICTS
from tools.usage.store import Event, events, open_store
from tools.usage.themes import themes
from tools.usage.usage import CHANNELS, REASONS, Gap, Usage, read_usage

NOVEMBER = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
OCTOBER = Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))


class _Tables(HTMLParser):
    """Every table of a page by its id: rows of cell texts, the heading row left out."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: Dict[str, List[List[str]]] = {}
        self.table, self.row, self.cell, self.in_body = None, None, None, False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.table = self.tables.setdefault(dict(attrs)["id"], [])
        elif tag == "tbody":
            self.in_body = True
        elif tag == "tr" and self.in_body:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(self.cell)
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.table.append(self.row)
            self.row = None
        elif tag == "tbody":
            self.in_body = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def tables(html: str) -> Dict[str, List[List[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def n(count: int) -> str:
    return f"{count:,}"


def sqlite_endpoints(directory: Path) -> Path:
    endpoints = directory / "endpoints.yml"
    store = {"type": "SQL", "dialect": "sqlite", "db": str(directory / "trackers.db")}
    endpoints.write_text(yaml.safe_dump({"tracker_store": store}))
    return endpoints


def fill(endpoints: Path) -> Usage:
    """300 conversations in November, the period reported, and 100 in October, which is not."""
    store = open_store(endpoints)
    expected = generate(store, 300, NOVEMBER, seed=15)
    generate(store, 100, OCTOBER, seed=16)
    store.engine.dispose()
    return expected


def assert_report_shows(expected: Usage, out: Path) -> None:
    page = (out / "usage.html").read_text()
    shown = tables(page)
    assert shown["channels"] == [
        [c, n(expected.conversations[c]), n(expected.messages[c])] for c in CHANNELS
    ]
    assert shown["days"] == [
        [
            day.isoformat(),
            *(n(expected.conversations_by_day[day, c]) for c in CHANNELS),
            *(n(expected.messages_by_day[day, c]) for c in CHANNELS),
        ]
        for day in NOVEMBER.days()
    ]
    assert {t: int(a.replace(",", "")) for t, _, a in shown["topics"] if a != "0"} == dict(
        expected.answers_by_topic
    )
    assert {p: (t, int(a)) for p, t, a in shown["passages"]} == {
        p: (expected.passage_topic[p], count) for p, count in expected.answers_by_passage.items()
    }
    assert {row[0]: row[2:] for row in shown["feedback"]} == {
        p: [
            n(expected.feedback[p, "helpful"]),
            n(expected.feedback[p, "not_helpful"]),
            *(n(expected.reasons[p, r]) for r in REASONS),
        ]
        for p, _ in expected.feedback
    }
    assert shown["verdicts"] == [[v, n(expected.verdicts[v])] for v in VERDICTS]
    assert {(c, p): int(count) for c, p, count in shown["risks"]} == dict(expected.risks)
    summary = (out / "usage.md").read_text()
    declined, clarified = len(expected.gaps_of("declined")), len(expected.gaps_of("clarified"))
    assert f"| conversations | {n(sum(expected.conversations.values()))} |" in summary
    assert f"| questions declined | {n(declined)} |" in summary
    assert f"| questions clarified | {n(clarified)} |" in summary
    assert f'| "before you post" checks started | {n(expected.checks_started)} |' in summary


@pytest.fixture(scope="module")
def sqlite_report(tmp_path_factory):
    """The report of a SQLite store, and the counts it must show."""
    directory = tmp_path_factory.mktemp("sqlite")
    endpoints = sqlite_endpoints(directory)
    expected = fill(endpoints)
    make_report(endpoints, NOVEMBER, directory / "reports")
    return expected, directory / "reports"


def test_the_report_of_a_sqlite_store_shows_the_known_counts_of_its_period(sqlite_report):
    expected, out = sqlite_report
    assert_report_shows(expected, out)


@pytest.fixture
def postgresql_database(monkeypatch) -> str:
    """A database of the test's own; DATABASE_URL names it, as endpoints.postgres.yml reads."""
    with own_database("guidance_report") as url:
        monkeypatch.setenv("DATABASE_URL", url)
        yield url


@pytest.mark.e2e
def test_the_report_of_a_postgresql_store_shows_the_known_counts_of_its_period(
    tmp_path, postgresql_database
):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        "tracker_store:\n  type: SQL\n  dialect: postgresql\n  url: ${DATABASE_URL}\n"
    )
    expected = fill(endpoints)

    report = make_report(endpoints, NOVEMBER, tmp_path / "reports")

    assert report.store == "PostgreSQL"
    assert_report_shows(expected, tmp_path / "reports")


def test_the_report_is_one_page_that_fetches_and_runs_nothing(sqlite_report):
    page = (sqlite_report[1] / "usage.html").read_text().lower()
    page = re.sub(r'xmlns(:\w+)?="[^"]*"', "", page)  # SVG namespaces name, never fetch
    assert page.count("<svg") >= 5
    for fetching in ("<script", "src=", "<link", "@import", "http://", "https://"):
        assert fetching not in page
    assert not re.search(r"url\((?!#)", page), "only references inside the page"


def test_generated_conversations_read_back_through_rasas_own_tracker_store(tmp_path):
    store = open_store(sqlite_endpoints(tmp_path))
    generate(store, 5, NOVEMBER, seed=1)
    sender = next(e.sender_id for e in events(store, NOVEMBER))

    tracker = asyncio.run(store.retrieve(sender))

    kinds = {type(e).__name__ for e in tracker.events}
    assert {"SessionStarted", "UserUttered", "BotUttered", "ActionExecuted"} <= kinds
    assert tracker.latest_message.text
    assert tracker.latest_message.input_channel in ("socketio", "botframework", "rest")


def test_a_reason_sent_after_its_rating_is_counted_once():
    def user(text, feedback=None):
        return Event("web-1", "user", NOVEMBER.start + 60, text, "socketio", feedback, None)

    answer = {"type": "answer", "topic": "messaging_apps", "answer": {"passage": "p1"}}
    usage = read_usage(
        [
            user("group chat rules?"),
            Event("web-1", "bot", NOVEMBER.start + 61, "", None, None, answer),
            user("/feedback", {"rating": "not_helpful", "passage": "p1"}),
            user("/feedback", {"rating": "not_helpful", "passage": "p1", "reason": "unclear"}),
        ],
        NOVEMBER,
    )

    assert usage.feedback == {("p1", "not_helpful"): 1}
    assert usage.reasons == {("p1", "unclear"): 1}
    assert usage.gaps == [
        Gap(
            "not_helpful",
            "group chat rules?",
            dt.date(2026, 11, 1),
            (),
            "messaging_apps",
            "p1",
            "unclear",
        )
    ]


def test_questions_that_share_their_words_are_one_theme():
    day = dt.date(2026, 11, 2)
    asked = ["parking permit cost?", "parking permit cost", "parking permit renewal", "lasagne?"]

    found = themes([Gap("declined", text, day) for text in asked])

    assert [(t.asked, [q for q, _ in t.questions]) for t in found] == [
        (3, ["parking permit cost?", "parking permit renewal"]),
        (1, ["lasagne?"]),
    ]
    assert "parking" in found[0].words


def test_a_period_is_whole_days_in_uk_time():
    summer = period_from("2026-07-01", "2026-07-02", None, today=dt.date(2026, 12, 1))

    assert summer.start == dt.datetime(2026, 6, 30, 23, tzinfo=dt.timezone.utc).timestamp()
    assert summer.end == dt.datetime(2026, 7, 2, 23, tzinfo=dt.timezone.utc).timestamp()
    assert period_from(None, None, 7, today=dt.date(2026, 12, 1)) == Period(
        dt.date(2026, 11, 25), dt.date(2026, 12, 1)
    )
    with pytest.raises(ValueError):
        period_from("2026-12-01", "2026-11-01", None, today=dt.date(2026, 12, 1))
