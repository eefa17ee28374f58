"""The "before you post" check: its questions' meaning, typed answers and the verdict.

The content is data/guidance/check.yml (what a "yes" to each question means, with the passage
that says so) and the questions' wording in domain.yml (`utter_ask_check_<id>`). Every cited
passage must exist in the knowledge base: `make validate` refuses a typo.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

import yaml

from actions import knowledge_base
from actions.knowledge_base import KnowledgeBase, KnowledgeBaseError, Passage

LOOKS_FINE, THINK_AGAIN, DO_NOT_POST = "looks_fine", "think_again", "do_not_post"
VERDICTS = (LOOKS_FINE, THINK_AGAIN, DO_NOT_POST)  # from least to most serious
SLOT_PREFIX = "check_"


@dataclass(frozen=True)
class Check:
    id: str
    verdict: str
    passage: Passage
    risk: str
    instead: str

    @property
    def slot(self) -> str:
        return SLOT_PREFIX + self.id


@dataclass(frozen=True)
class PostCheck:
    checks: Tuple[Check, ...]
    # Typed answers: (phrase, meaning), longest phrase first.
    answers: Tuple[Tuple[str, bool], ...]

    def answer(self, text: str) -> Optional[bool]:
        """True for a typed yes, False for a no, None when the message opens with neither."""
        words = " ".join(re.sub(r"[^\w'’]+", " ", text.lower().replace("’", "'")).split())
        for phrase, meaning in self.answers:
            if words == phrase or words.startswith(phrase + " "):
                return meaning
        return None

    def verdict(self, answers: Dict[str, Optional[bool]]) -> Tuple[str, List[Check]]:
        """The verdict for the answers by slot name, and the risks found, in question order."""
        risks = [c for c in self.checks if answers.get(c.slot)]
        worst = max((VERDICTS.index(c.verdict) for c in risks), default=0)
        return VERDICTS[worst], risks


def load(path: Path, kb: KnowledgeBase) -> PostCheck:
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    checks = []
    for entry in content["checks"]:
        where = f"{path.name}: check {entry.get('id')}"
        if entry.get("verdict") not in VERDICTS[1:]:
            raise KnowledgeBaseError(f"{where}: verdict must be think_again or do_not_post")
        if entry.get("passage") not in kb.passages:
            raise KnowledgeBaseError(f"{where}: unknown passage '{entry.get('passage')}'")
        checks.append(
            Check(
                id=entry["id"],
                verdict=entry["verdict"],
                passage=kb.passages[entry["passage"]],
                risk=" ".join(entry["risk"].split()),
                instead=" ".join(entry["instead"].split()),
            )
        )
    phrases: Iterable[Tuple[str, bool]] = [
        *((p, True) for p in content["answers"]["means_yes"]),
        *((p, False) for p in content["answers"]["means_no"]),
    ]
    return PostCheck(tuple(checks), tuple(sorted(phrases, key=lambda p: -len(p[0]))))


@lru_cache(maxsize=None)
def cached(directory: Path) -> PostCheck:
    """The check in the guidance `directory`, read once per action-server process."""
    return load(directory / "check.yml", knowledge_base.cached(directory))
