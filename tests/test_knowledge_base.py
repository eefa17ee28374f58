import ast
import re
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from actions import knowledge_base as kb_module
from actions import settings
from tests.contract import TOPIC_IDS

ROOT = Path(__file__).resolve().parent.parent
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
    for topic in knowledge_base.topics.values():
        for passage in topic.passages:
            assert knowledge_base.passages[passage.id] is passage
            assert knowledge_base.sources[passage.source.id] is passage.source


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
        assert len(passage.answer.split()) <= 100, passage.id
        assert "**" not in passage.answer and "#" not in passage.answer, passage.id
        assert passage.do or passage.dont, passage.id
        assert passage.section.strip(), passage.id


def test_buttons_fit_a_phone_screen(knowledge_base):
    for topic in knowledge_base.topics.values():
        assert 0 < len(topic.question) <= 60, topic.id


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
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef))
            and node.body and isinstance(node.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if id(node) not in docstrings:
                    assert len(node.value) <= 60, f"{path.name}: {node.value[:60]}..."
