"""`make label`: the export holds exactly the period's declined, clarified and not-helpful
questions; the merge teaches the marked ones, refuses copies of evaluation questions, and
reports every bad mark with its line."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

from actions import knowledge_base, settings
from tests.test_report import NOVEMBER, OCTOBER, sqlite_endpoints
from tools import label
from tools.training_data import evaluation_sets, nlu_blocks, normalise
from tools.usage.generator import generate
from tools.usage.marks import MarkError, read
from tools.usage.merge import merge
from tools.usage.store import open_store


@pytest.fixture(scope="module")
def kb():
    return knowledge_base.load(settings.GUIDANCE_DIR)


def marked_file(directory: Path, entries) -> Path:
    """A file as `make label` writes it, with the owner's marks filled in."""
    path = directory / "marked.yml"
    questions = [{"question": q, "declined": 1, "mark": m} for q, m in entries]
    path.write_text(yaml.safe_dump({"questions": questions}, sort_keys=False, width=1000))
    return path


def test_the_export_holds_exactly_the_declined_clarified_and_not_helpful_questions_of_the_period(
    tmp_path,
):
    endpoints = sqlite_endpoints(tmp_path)
    store = open_store(endpoints)
    expected = generate(store, 200, NOVEMBER, seed=5)
    generate(store, 100, OCTOBER, seed=6)
    store.engine.dispose()

    exported = yaml.safe_load(label.export(endpoints, NOVEMBER, tmp_path).read_text())

    wanted = Counter((normalise(g.text), g.kind) for g in expected.gaps)
    got = Counter()
    for entry in exported["questions"]:
        assert entry["mark"] is None
        for kind in ("declined", "clarified", "not_helpful"):
            got[normalise(entry["question"]), kind] += entry.get(kind, 0)
    assert +got == wanted
    assert len(exported["questions"]) == len({text for text, _ in wanted})


def _evaluation_questions(count: int):
    """Long written evaluation questions, read at run time (never copied into a test)."""
    questions = [q for q in evaluation_sets()["test"]["questions"] if len(q["text"].split()) >= 10]
    return [q["text"] for q in questions[:count]]


def test_the_merge_refuses_copies_of_evaluation_questions_and_teaches_the_others(tmp_path, kb):
    copied, paraphrased = _evaluation_questions(2)
    path = marked_file(
        tmp_path,
        [
            (copied, "social_media_basics"),
            ("so, " + paraphrased + ", thanks!", "social_media_basics"),
            ("alpaca ward video?", "workplace_photos"),
            ("leaving do reel", "sor-sm-department-photos"),
            ("best lasagne recipe", "out_of_scope"),
            ("unmarked alpaca question", None),
        ],
    )
    owners = tmp_path / "owners.yml"

    outcome = merge(read(path, kb), owners)

    assert [(m.question, m.line) for m, _ in outcome.refused] == [
        (copied, 4),
        ("so, " + paraphrased + ", thanks!", 7),
    ]
    assert all("evaluation question" in reason for _, reason in outcome.refused)
    taught = RasaYAMLReader().reads(owners.read_text())
    assert {(m.get("text"), m.get("intent")) for m in taught.intent_examples} == {
        ("alpaca ward video?", "workplace_photos"),
        ("leaving do reel", kb.passages["sor-sm-department-photos"].topics[0]),
        ("best lasagne recipe", "out_of_scope"),
    }
    assert {"text": "leaving do reel", "metadata": {"passage": "sor-sm-department-photos"}} in [
        e for b in yaml.safe_load(owners.read_text())["nlu"] for e in b["examples"]
    ]

    again = merge(read(path, kb), owners)

    assert not again.merged and len(again.already) == 3


def test_a_question_already_taught_as_another_intent_is_refused(tmp_path, kb):
    intent, text, _ = next(b for b in nlu_blocks() if b[0] == "messaging_apps")

    outcome = merge(read(marked_file(tmp_path, [(text, "defamation")]), kb), tmp_path / "o.yml")

    assert [reason for _, reason in outcome.refused] == [
        "it is already a training example of messaging_apps"
    ]
    assert not (tmp_path / "o.yml").exists()


def test_bad_marks_are_reported_with_their_line(tmp_path, kb):
    path = marked_file(
        tmp_path,
        [
            ("alpaca ward video?", "patient_image"),
            ("leaving do reel", "no-such-passage"),
            ("fine question here", "workplace_photos"),
        ],
    )

    with pytest.raises(MarkError) as raised:
        read(path, kb)

    assert str(raised.value).splitlines() == [
        f"{path}:4: 'patient_image' is not a topic id, a passage id or out_of_scope. "
        "Did you mean patient_images?",
        f"{path}:7: 'no-such-passage' is not a topic id, a passage id or out_of_scope.",
    ]


def test_a_question_marked_two_ways_is_reported_with_both_lines(tmp_path, kb):
    path = marked_file(
        tmp_path, [("alpaca ward video?", "workplace_photos"), ("Alpaca ward video", "defamation")]
    )

    with pytest.raises(MarkError) as raised:
        read(path, kb)

    assert str(raised.value) == (
        f"{path}:7: this question is marked defamation here but workplace_photos on line 4"
    )


def test_a_file_that_is_not_yaml_is_refused_with_its_line_and_nothing_is_merged(
    tmp_path, monkeypatch, capsys
):
    path = tmp_path / "marked.yml"
    path.write_text("questions:\n- question: alpaca ward video?\n  mark: [workplace_photos\n")
    monkeypatch.setattr("sys.argv", ["label", "--merge", str(path)])

    assert label.main() == 1

    error = capsys.readouterr().err
    assert "Nothing merged" in error and f"{path}:4: this is not valid YAML" in error


def test_the_export_says_how_to_mark_in_its_header(tmp_path, kb):
    endpoints = sqlite_endpoints(tmp_path)
    generate(open_store(endpoints), 20, NOVEMBER, seed=2)

    text = label.export(endpoints, NOVEMBER, tmp_path).read_text()

    assert "make label MERGE=" in text and "#   patient_images: Patient images and scans" in text
    assert dt.date(2026, 11, 1).isoformat() in text
