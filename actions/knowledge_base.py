"""The guidance knowledge base: sources, passages and topics, read from data/guidance/.

Content owners edit the YAML; this module only loads it and refuses broken references, so a
typo in a passage id fails when the action server starts rather than in a user's chat. The
editorial rules (word limits, dates, primary publishers) are checked by `make validate`
(tools/validate_content.py), not here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Tuple

import yaml

STATUSES = ("current", "superseded", "historical")
AUDIENCES = ("everyone", "managers", "students")


class KnowledgeBaseError(ValueError):
    """The YAML under data/guidance/ is inconsistent."""


@dataclass(frozen=True)
class Source:
    id: str
    short_name: str
    title: str
    publisher: str
    url: str
    published: str = ""


@dataclass(frozen=True)
class Passage:
    id: str
    source: Source
    section: str
    url: str
    status: str
    edition: str
    checked: dt.date
    applies_to: str
    audience: str
    topics: Tuple[str, ...]
    questions: Tuple[str, ...]
    answer: str
    do: Tuple[str, ...]
    dont: Tuple[str, ...]
    see_also: Tuple[str, ...] = ()

    def citation(self) -> Dict[str, str]:
        """The citation object of the reply contract."""
        return {
            "id": self.id,
            "source": self.source.short_name,
            "section": self.section,
            "url": self.url,
        }


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    question: str
    answer_passage: Passage
    related_topics: Tuple[str, ...]
    passages: Tuple[Passage, ...] = ()  # every passage serving the topic, main topic ones first


@dataclass(frozen=True)
class KnowledgeBase:
    sources: Dict[str, Source]
    passages: Dict[str, Passage]
    topics: Dict[str, Topic]
    featured_topics: Tuple[str, ...]

    def citations(self, passage: Passage) -> List[Passage]:
        """The passage and the further reading it names, in citation order."""
        return [passage, *(self.passages[p] for p in passage.see_also)]


def _read(path: Path, key: str) -> List[Dict[str, Any]]:
    content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = content.get(key)
    if not isinstance(entries, list):
        raise KnowledgeBaseError(f"{path}: expected a list under '{key}'")
    return entries


def _lookup(table: Dict[str, Any], key: str, what: str, where: str) -> Any:
    if key not in table:
        raise KnowledgeBaseError(f"{where}: unknown {what} '{key}'")
    return table[key]


def _unique(entries: List[Dict[str, Any]], what: str) -> None:
    seen = set()
    for entry in entries:
        if entry["id"] in seen:
            raise KnowledgeBaseError(f"duplicate {what} id '{entry['id']}'")
        seen.add(entry["id"])


def _choice(value: Any, allowed: Tuple[str, ...], what: str, where: str) -> str:
    if value not in allowed:
        raise KnowledgeBaseError(
            f"{where}: {what} must be one of {', '.join(allowed)}, not {value!r}"
        )
    return value


def _passage(entry: Dict[str, Any], sources: Dict[str, Source]) -> Passage:
    where = f"passage {entry.get('id')}"
    try:
        checked = entry["checked"]
        if not isinstance(checked, dt.date):
            raise KnowledgeBaseError(f"{where}: checked must be a date (YYYY-MM-DD)")
        return Passage(
            id=entry["id"],
            source=_lookup(sources, entry["source"], "source", where),
            section=entry["section"],
            url=entry["url"],
            status=_choice(entry["status"], STATUSES, "status", where),
            edition=str(entry["edition"]),
            checked=checked,
            applies_to=entry["applies_to"],
            audience=_choice(entry.get("audience", "everyone"), AUDIENCES, "audience", where),
            topics=tuple(entry["topics"]),
            questions=tuple(" ".join(q.split()) for q in entry["questions"]),
            answer=" ".join(entry["answer"].split()),
            do=tuple(entry.get("do", ())),
            dont=tuple(entry.get("dont", ())),
            see_also=tuple(entry.get("see_also", ())),
        )
    except KeyError as missing:
        raise KnowledgeBaseError(f"{where}: missing field {missing}") from None


def load(directory: Path) -> KnowledgeBase:
    """Read sources.yml, passages/*.yml and topics.yml from `directory`."""
    source_entries = _read(directory / "sources.yml", "sources")
    _unique(source_entries, "source")
    sources = {
        entry["id"]: Source(**{k: str(v) for k, v in entry.items()}) for entry in source_entries
    }

    passage_entries = [
        entry
        for path in sorted((directory / "passages").glob("*.yml"))
        for entry in _read(path, "passages")
    ]
    _unique(passage_entries, "passage")
    passages = {entry["id"]: _passage(entry, sources) for entry in passage_entries}
    for passage in passages.values():
        for other in passage.see_also:
            _lookup(passages, other, "see_also passage", f"passage {passage.id}")

    topics_file = yaml.safe_load((directory / "topics.yml").read_text(encoding="utf-8"))
    topic_entries = topics_file["topics"]
    _unique(topic_entries, "topic")
    topic_ids = {entry["id"]: entry["id"] for entry in topic_entries}
    for passage in passages.values():
        for topic_id in passage.topics:
            _lookup(topic_ids, topic_id, "topic", f"passage {passage.id}")
    topics = {}
    for entry in topic_entries:
        where = f"topic {entry['id']}"
        for related in entry.get("related_topics", ()):
            _lookup(topic_ids, related, "related topic", where)
        serving = sorted(
            (p for p in passages.values() if entry["id"] in p.topics),
            key=lambda p: p.topics.index(entry["id"]),
        )
        topics[entry["id"]] = Topic(
            id=entry["id"],
            title=entry["title"],
            question=entry["question"],
            answer_passage=_lookup(passages, entry["answer_passage"], "passage", where),
            related_topics=tuple(entry.get("related_topics", ())),
            passages=tuple(serving),
        )
    featured = tuple(
        _lookup(topic_ids, t, "featured topic", "topics.yml")
        for t in topics_file.get("featured_topics", ())
    )
    return KnowledgeBase(sources, passages, topics, featured)


@lru_cache(maxsize=None)
def cached(directory: Path) -> KnowledgeBase:
    """The knowledge base, read once per action-server process."""
    return load(directory)
