import ast
import dataclasses
import datetime as dt
import re
import shutil
from urllib.parse import urlparse

import pytest
import yaml

from actions import knowledge_base as kb_module
from actions import settings
from ops.paths import ROOT
from tests.support.contract import TOPIC_IDS
from tools import validate_content

# "2.7" or "1.9-1.12": a sub-standard number, which differs between HCPC's 2016 and 2024 standards.
STANDARD_NUMBER = re.compile(r"\b(?:standards?|SCPE)\s+\d{1,2}\.\d{1,2}\b", re.IGNORECASE)


def test_every_contract_topic_has_exactly_one_entry(knowledge_base):
    assert tuple(knowledge_base.topics) == TOPIC_IDS


def test_every_topic_is_answered_by_a_passage_that_serves_it(knowledge_base):
    for topic in knowledge_base.topics.values():
        assert topic.id in topic.answer_passage.topics, topic.id


def test_every_passage_serves_a_known_topic(knowledge_base):
    for passage in knowledge_base.passages.values():
        assert passage.topics and set(passage.topics) <= set(TOPIC_IDS), passage.id


def test_every_citation_resolves_to_a_passage_and_its_source(knowledge_base):
    for passage in knowledge_base.passages.values():
        for cited in knowledge_base.citations(passage):
            assert knowledge_base.passages[cited.id] is cited
            assert knowledge_base.sources[cited.source.id] is cited.source


def test_the_knowledge_base_meets_every_editorial_rule(knowledge_base):
    """What `make validate` checks: primary https sources, answers of at most 80 words,
    questions for every passage, dated reviews, superseded sources named as such, and at
    least three passages per topic."""
    domains = validate_content.allowed_domains(settings.GUIDANCE_DIR)
    assert validate_content.problems(knowledge_base, domains, dt.date.today()) == []


def test_there_are_at_least_a_hundred_passages_and_three_per_topic(knowledge_base):
    assert len(knowledge_base.passages) >= 100
    for topic in knowledge_base.topics.values():
        assert len(topic.passages) >= 3, topic.id


def test_managers_and_students_have_passages_of_their_own(knowledge_base):
    audiences = [p.audience for p in knowledge_base.passages.values()]
    assert audiences.count("managers") >= 5
    assert audiences.count("students") >= 4


@pytest.mark.parametrize(
    "url, primary",
    [
        ("https://www.hcpc-uk.org/standards/", True),
        ("https://www.england.nhs.uk/long-read/x", True),
        ("http://www.hcpc-uk.org/standards/", False),  # not https
        ("https://www.yumpu.com/en/document/view/1", False),  # a mirror
        ("https://hcpc-uk.org.evil.example/", False),
        ("https://www.hcpts-uk.org/hearings/hearings/2023/", False),  # names registrants
    ],
)
def test_only_https_pages_of_primary_publishers_count_as_sources(url, primary):
    domains = validate_content.allowed_domains(settings.GUIDANCE_DIR)
    assert validate_content.primary(url, domains) is primary


def test_a_superseded_passage_that_does_not_say_so_is_reported(knowledge_base):
    passage = next(iter(knowledge_base.passages.values()))
    stale = dataclasses.replace(passage, status="superseded", answer="Post nothing about patients.")
    problems = validate_content.passage_problems(
        stale, ["sor.org", "hcpc-uk.org", "nhs.uk", "gov.uk"], dt.date.today()
    )
    assert any("must be named as such" in p for p in problems)


def test_no_patient_permission_route_is_offered_for_posting_about_patients(knowledge_base):
    """The HCPC's current tip is "do not post confidential or service user identifiable
    information"; its 2017 "unless you have their permission" was dropped."""
    tip = knowledge_base.passages["hcpc-tip-confidential"]
    text = " ".join([tip.answer, *tip.do, *tip.dont]).lower()
    assert "unless you have their permission" not in text
    assert "get the patient's permission" not in text


def test_follow_ups_point_to_other_topics(knowledge_base):
    for topic in knowledge_base.topics.values():
        assert 1 <= len(topic.related_topics) <= 3, topic.id
        assert topic.id not in topic.related_topics, topic.id


def _urls(knowledge_base):
    yield from ((s.id, s.url) for s in knowledge_base.sources.values())
    yield from ((p.id, p.url) for p in knowledge_base.passages.values())


def test_every_url_is_well_formed(knowledge_base):
    for owner, url in _urls(knowledge_base):
        parsed = urlparse(url)
        assert parsed.scheme in ("http", "https"), (owner, url)
        assert "." in parsed.netloc, (owner, url)
        assert not re.search(r"\s|…", url), (owner, url)


def test_answers_are_short_plain_and_complete(knowledge_base):
    for passage in knowledge_base.passages.values():
        sentences = [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"'‘“])", passage.answer) if s]
        assert 2 <= len(sentences) <= 4, (passage.id, len(sentences))
        assert len(passage.answer.split()) <= 80, passage.id
        # Plain text: no markdown emphasis or headings (hashtags such as #radiography are fine).
        assert "**" not in passage.answer and not re.search(r"(^|\s)#+\s", passage.answer), (
            passage.id
        )
        assert passage.do or passage.dont, passage.id
        assert passage.section.strip(), passage.id


def test_buttons_fit_a_phone_screen(knowledge_base):
    for topic in knowledge_base.topics.values():
        assert 0 < len(topic.question) <= 60, topic.id
    for passage in knowledge_base.passages.values():
        # The first question is a follow-up button's title.
        assert 0 < len(passage.questions[0]) <= 80, passage.id


def test_hcpc_standard_numbers_say_which_edition_they_belong_to(knowledge_base):
    for passage in knowledge_base.passages.values():
        text = f"{passage.section} {passage.answer}"
        if STANDARD_NUMBER.search(text) and "HCPC" in f"{passage.source.short_name} {text}":
            assert re.search(r"2016|2024|2008", text), passage.id


def test_a_duplicate_passage_id_is_refused(tmp_path):
    copy = tmp_path / "guidance"
    shutil.copytree(settings.GUIDANCE_DIR, copy)
    first = sorted((copy / "passages").glob("*.yml"))[0]
    entries = yaml.safe_load(first.read_text())["passages"]
    (copy / "passages" / "zz_duplicate.yml").write_text(yaml.safe_dump({"passages": entries[:1]}))
    with pytest.raises(kb_module.KnowledgeBaseError, match="duplicate passage id"):
        kb_module.load(copy)


def test_an_unknown_passage_in_a_topic_is_refused(tmp_path):
    copy = tmp_path / "guidance"
    shutil.copytree(settings.GUIDANCE_DIR, copy)
    topics = yaml.safe_load((copy / "topics.yml").read_text())
    topics["topics"][0]["answer_passage"] = "no-such-passage"
    (copy / "topics.yml").write_text(yaml.safe_dump(topics))
    with pytest.raises(kb_module.KnowledgeBaseError, match="unknown passage 'no-such-passage'"):
        kb_module.load(copy)


def test_no_answer_text_lives_in_python():
    """Guidance wording belongs in data/: Python holds no long string literals but docstrings."""
    for path in (ROOT / "actions").glob("*.py"):
        tree = ast.parse(path.read_text())
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if id(node) not in docstrings:
                    assert len(node.value) <= 60, f"{path.name}: {node.value[:60]}..."
