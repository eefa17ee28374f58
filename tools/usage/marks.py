"""Read a file of questions the owners have marked (tools/usage/to_label.py wrote it) and check
every mark, reporting each mistake with its line, before anything is merged."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Tuple

import yaml

from actions.knowledge_base import KnowledgeBase
from tools.training_data import normalise
from tools.usage.to_label import OUT_OF_SCOPE


class MarkError(ValueError):
    """The marked file has mistakes; the message lists each one with its line."""


@dataclass(frozen=True)
class Mark:
    question: str
    intent: str  # the topic id, or out_of_scope
    passage: Optional[str]  # when the owner named the passage
    line: int


def read(path: Path, kb: KnowledgeBase) -> List[Mark]:
    """The marked questions (unmarked ones are skipped); MarkError if any mark is wrong."""
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as problem:
        line = problem.problem_mark.line + 1 if problem.problem_mark else "?"
        raise MarkError(f"{path}:{line}: this is not valid YAML ({problem.problem})") from None
    entries = _value(root, "questions") if isinstance(root, yaml.MappingNode) else None
    if not isinstance(entries, yaml.SequenceNode):
        raise MarkError(f"{path}: expected a list under `questions:`, as `make label` writes it")
    marks, errors, seen = [], [], {}
    for entry in entries.value:
        line = entry.start_mark.line + 1
        if not isinstance(entry, yaml.MappingNode):
            errors.append(f"{path}:{line}: expected `question:` and `mark:` here")
            continue
        question, mark = _scalar(_value(entry, "question")), _value(entry, "mark")
        if not question:
            errors.append(f"{path}:{line}: this entry has no `question:`")
            continue
        label = _scalar(mark)
        if not label:
            continue
        mark_line = mark.start_mark.line + 1
        intent, passage, problem = _meaning(label, kb)
        if problem:
            errors.append(f"{path}:{mark_line}: {problem}")
            continue
        earlier = seen.setdefault(normalise(question), (intent, mark_line))
        if earlier[0] != intent:
            errors.append(
                f"{path}:{mark_line}: this question is marked {intent} here but "
                f"{earlier[0]} on line {earlier[1]}"
            )
            continue
        marks.append(Mark(question, intent, passage, mark_line))
    if errors:
        raise MarkError("\n".join(errors))
    return marks


def _value(mapping: yaml.MappingNode, key: str) -> Optional[yaml.Node]:
    for key_node, value in mapping.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return value
    return None


def _scalar(node: Optional[yaml.Node]) -> str:
    """The text as written: `mark: no` stays "no", never YAML's False; `mark:` and
    `mark: null` are empty."""
    if isinstance(node, yaml.ScalarNode) and node.tag != "tag:yaml.org,2002:null":
        return node.value.strip()
    return ""


def _meaning(label: str, kb: KnowledgeBase) -> Tuple[str, Optional[str], Optional[str]]:
    """(intent, passage, problem) for a mark."""
    if label == OUT_OF_SCOPE:
        return OUT_OF_SCOPE, None, None
    if label in kb.topics:
        return label, None, None
    if label in kb.passages:
        return kb.passages[label].topics[0], label, None
    known = [*kb.topics, *kb.passages, OUT_OF_SCOPE]
    close = difflib.get_close_matches(label, known, n=1)
    hint = f" Did you mean {close[0]}?" if close else ""
    return "", None, f"'{label}' is not a topic id, a passage id or {OUT_OF_SCOPE}.{hint}"
