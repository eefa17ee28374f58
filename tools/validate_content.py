"""Check the knowledge base against the editorial rules (part of `make validate`).

The loader (actions/knowledge_base.py) already refuses broken references; this adds what a
content owner must keep true: primary https sources, short answers, questions for every passage,
dated reviews, superseded sources named as such, and every topic covered by several passages.
Prints one line per problem and exits 1 if there is any.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path
from typing import Iterable, List
from urllib.parse import urlsplit

import yaml

from actions import knowledge_base, post_check
from actions.knowledge_base import KnowledgeBase, Passage

ROOT = Path(__file__).resolve().parent.parent
MAX_ANSWER_WORDS = 80
QUESTIONS_PER_PASSAGE = (3, 8)
MIN_PASSAGES_PER_TOPIC = 3
MAX_KEY_POINTS = 2  # each of do and dont
REVIEW_MONTHS = 12  # a passage checked longer ago than this is due for review
# A superseded or historical passage must tell the reader so, in words like these.
STATUS_WORDS = re.compile(
    r"\b(since replaced|replaced|superseded|older|earlier|historical|no longer|archived|withdrawn|previous)\b",
    re.IGNORECASE,
)
# Pages that name individual registrants (fitness-to-practise hearings) are never cited.
NAMING_HOSTS = ("hcpts-uk.org",)


def allowed_domains(directory: Path) -> List[str]:
    content = yaml.safe_load((directory / "publishers.yml").read_text(encoding="utf-8"))
    return [entry["domain"] for entry in content["publishers"]]


def primary(url: str, domains: Iterable[str]) -> bool:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    on_domain = any(host == d or host.endswith("." + d) for d in domains)
    return parts.scheme == "https" and on_domain and not host.endswith(NAMING_HOSTS)


def due_for_review(passage: Passage, today: dt.date) -> bool:
    return (today - passage.checked).days > REVIEW_MONTHS * 31


def passage_problems(passage: Passage, domains: List[str], today: dt.date) -> List[str]:
    where = f"passage {passage.id}"
    problems = []
    if not primary(passage.url, domains):
        problems.append(
            f"{where}: url is not https on a publisher in publishers.yml: {passage.url}"
        )
    words = len(passage.answer.split())
    if words > MAX_ANSWER_WORDS:
        problems.append(f"{where}: answer has {words} words (at most {MAX_ANSWER_WORDS})")
    low, high = QUESTIONS_PER_PASSAGE
    if not low <= len(passage.questions) <= high:
        problems.append(f"{where}: {len(passage.questions)} questions (needs {low}-{high})")
    if len(passage.do) > MAX_KEY_POINTS or len(passage.dont) > MAX_KEY_POINTS:
        problems.append(f"{where}: at most {MAX_KEY_POINTS} do and {MAX_KEY_POINTS} don't lines")
    if passage.checked > today:
        problems.append(f"{where}: checked date {passage.checked} is in the future")
    if passage.status != "current" and not STATUS_WORDS.search(passage.answer):
        problems.append(f"{where}: a {passage.status} source must be named as such in the answer")
    if not passage.topics:
        problems.append(f"{where}: serves no topic")
    return problems


def problems(kb: KnowledgeBase, domains: List[str], today: dt.date) -> List[str]:
    found = []
    for source in kb.sources.values():
        if not primary(source.url, domains):
            found.append(
                f"source {source.id}: url is not https on a publisher in publishers.yml: {source.url}"
            )
    for passage in kb.passages.values():
        found += passage_problems(passage, domains, today)
    owners = {}
    for passage in kb.passages.values():
        for question in passage.questions:
            key = question.lower().strip(" ?")
            if owners.setdefault(key, passage.id) != passage.id:
                found.append(f"passage {passage.id}: question also in {owners[key]}: {question}")
    for topic in kb.topics.values():
        if len(topic.passages) < MIN_PASSAGES_PER_TOPIC:
            found.append(
                f"topic {topic.id}: {len(topic.passages)} passages (at least {MIN_PASSAGES_PER_TOPIC})"
            )
        if topic.id not in topic.answer_passage.topics:
            found.append(
                f"topic {topic.id}: answer_passage {topic.answer_passage.id} does not serve it"
            )
    return found


REQUIRED = (
    "id",
    "source",
    "section",
    "url",
    "status",
    "edition",
    "checked",
    "applies_to",
    "topics",
    "questions",
    "answer",
)


def schema_problems(directory: Path) -> List[str]:
    """Missing fields, listed for every passage at once (the loader stops at the first)."""
    found = []
    for path in sorted((directory / "passages").glob("*.yml")):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")).get("passages") or []:
            missing = [f for f in REQUIRED if f not in entry]
            if missing:
                found.append(
                    f"{path.name}: passage {entry.get('id')}: missing {', '.join(missing)}"
                )
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("directory", nargs="?", type=Path, default=ROOT / "data" / "guidance")
    args = parser.parse_args()
    missing = schema_problems(args.directory)
    if missing:
        print("\n".join(missing))
        print(f"{len(missing)} passages with missing fields")
        return 1
    try:
        kb = knowledge_base.load(args.directory)
        post_check.load(args.directory / "check.yml", kb)
    except (knowledge_base.KnowledgeBaseError, KeyError, TypeError) as error:
        print(f"knowledge base: {error}")
        return 1
    today = dt.date.today()
    found = problems(kb, allowed_domains(args.directory), today)
    for line in found:
        print(line)
    due = [p.id for p in kb.passages.values() if due_for_review(p, today)]
    print(
        f"{len(kb.passages)} passages, {len(kb.topics)} topics, {len(kb.sources)} sources; "
        f"{len(found)} problems; {len(due)} due for review" + (f": {', '.join(due)}" if due else "")
    )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
