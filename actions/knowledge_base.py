"""The guidance knowledge base: sources, passages and topics, read from data/guidance/.

Content owners edit the YAML; this module only loads it and refuses broken references, so a
typo in a passage id fails when the action server starts rather than in a user's chat.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Tuple

import yaml


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
    topics: Tuple[str, ...]
    answer: str
    do: Tuple[str, ...]
    dont: Tuple[str, ...]

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
    see_also: Tuple[Passage, ...]
    related_topics: Tuple[str, ...]

    @property
    def passages(self) -> Tuple[Passage, ...]:
        """The passages cited for this topic, the answering one first."""
        return (self.answer_passage, *self.see_also)


@dataclass(frozen=True)
class KnowledgeBase:
    sources: Dict[str, Source]
    passages: Dict[str, Passage]
    topics: Dict[str, Topic]
    featured_topics: Tuple[str, ...]


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


def load(directory: Path) -> KnowledgeBase:
    """Read sources.yml, passages/*.yml and topics.yml from `directory`."""
    source_entries = _read(directory / "sources.yml", "sources")
    _unique(source_entries, "source")
    sources = {
        entry["id"]: Source(**{k: str(v) for k, v in entry.items()})
        for entry in source_entries
    }

    passage_entries = [
        entry
        for path in sorted((directory / "passages").glob("*.yml"))
        for entry in _read(path, "passages")
    ]
    _unique(passage_entries, "passage")
    passages = {
        entry["id"]: Passage(
            id=entry["id"],
            source=_lookup(sources, entry["source"], "source", f"passage {entry['id']}"),
            section=entry["section"],
            url=entry["url"],
            topics=tuple(entry["topics"]),
            answer=" ".join(entry["answer"].split()),
            do=tuple(entry.get("do", ())),
            dont=tuple(entry.get("dont", ())),
        )
        for entry in passage_entries
    }

    topics_file = yaml.safe_load((directory / "topics.yml").read_text(encoding="utf-8"))
    topic_entries = topics_file["topics"]
    _unique(topic_entries, "topic")
    topic_ids = {entry["id"]: entry["id"] for entry in topic_entries}
    topics = {}
    for entry in topic_entries:
        where = f"topic {entry['id']}"
        for related in entry.get("related_topics", ()):
            _lookup(topic_ids, related, "related topic", where)
        topics[entry["id"]] = Topic(
            id=entry["id"],
            title=entry["title"],
            question=entry["question"],
            answer_passage=_lookup(passages, entry["answer_passage"], "passage", where),
            see_also=tuple(
                _lookup(passages, p, "passage", where) for p in entry.get("see_also", ())
            ),
            related_topics=tuple(entry.get("related_topics", ())),
        )
    featured = tuple(
        _lookup(topic_ids, t, "featured topic", "topics.yml")
        for t in topics_file.get("featured_topics", ())
    )
    for passage in passages.values():
        for topic_id in passage.topics:
            _lookup(topic_ids, topic_id, "topic", f"passage {passage.id}")
    return KnowledgeBase(sources, passages, topics, featured)


@lru_cache(maxsize=None)
def cached(directory: Path) -> KnowledgeBase:
    """The knowledge base, read once per action-server process."""
    return load(directory)
