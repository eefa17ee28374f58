"""Merge the owners' marked questions into the training data: data/nlu/owners.yml, in Rasa's NLU
format, one block per topic intent (out-of-scope ones under out_of_scope).

A question that is, or nearly is, an evaluation question is refused: the evaluation sets must
stay unseen, or `make evaluate` measures what the model was taught rather than how it copes
(the same check tests/test_training_data.py makes on all the training data). A question already
taught as another intent is refused too: one text, one label.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

from ops.paths import ROOT
from tools.training_data import evaluation_phrases, near_duplicates, nlu_blocks, normalise
from tools.usage.marks import Mark

OWNERS_FILE = ROOT / "data" / "nlu" / "owners.yml"
HEADER = """\
# Questions staff asked, labelled by the guidance owners from `make label` exports and merged
# with `make label MERGE=<file>` (docs/content-guide.md, "Teaching the assistant"). The
# metadata names the passage where the owner chose one. Edit by hand if you must: the same
# rules apply (never a near copy of a question in tests/evaluation/).
"""


@dataclass
class Outcome:
    merged: List[Mark] = field(default_factory=list)
    already: List[Mark] = field(default_factory=list)  # taught with the same intent before
    refused: List[Tuple[Mark, str]] = field(default_factory=list)  # with the reason


def merge(marks: List[Mark], owners_file: Path = OWNERS_FILE) -> Outcome:
    """Add the marks that pass the checks to `owners_file`; say what happened to each."""
    outcome = Outcome()
    taught = {normalise(text): intent for intent, text, _ in nlu_blocks()}
    existing = _read(owners_file)
    for intent, examples in existing.items():
        for example in examples:
            taught.setdefault(normalise(example["text"]), intent)
    candidates: Dict[str, Mark] = {}  # the first mark of each question
    for mark in marks:
        key = normalise(mark.question)
        intent = taught.get(key)
        if intent == mark.intent:
            outcome.already.append(mark)
        elif intent:
            outcome.refused.append((mark, f"it is already a training example of {intent}"))
        else:
            candidates.setdefault(key, mark)
    copies = _evaluation_copies(list(candidates.values()))
    for mark, phrase in copies:
        outcome.refused.append(
            (mark, f'it is, or nearly is, the evaluation question "{phrase}" (tests/evaluation/)')
        )
    refused = {id(mark) for mark, _ in copies}
    for mark in candidates.values():
        if id(mark) in refused:
            continue
        example = {"text": mark.question}
        if mark.passage:
            example["metadata"] = {"passage": mark.passage}
        existing.setdefault(mark.intent, []).append(example)
        outcome.merged.append(mark)
    outcome.refused.sort(key=lambda refusal: refusal[0].line)
    if outcome.merged:
        _write(owners_file, existing)
    return outcome


def _evaluation_copies(candidates: List[Mark]) -> List[Tuple[Mark, str]]:
    """(mark, evaluation phrase) for every candidate too close to an evaluation question.
    near_duplicates stops at the first copy of each evaluation phrase, so ask again without
    the copies found until none is left."""
    held_out = evaluation_phrases()
    remaining = {mark.question: mark for mark in candidates}
    found = []
    while remaining:
        pairs = near_duplicates(list(remaining), held_out)
        if not pairs:
            break
        for phrase, question in pairs:
            if question in remaining:
                found.append((remaining.pop(question), phrase))
    return found


def _read(owners_file: Path) -> Dict[str, List[dict]]:
    if not owners_file.exists():
        return {}
    content = yaml.safe_load(owners_file.read_text(encoding="utf-8")) or {}
    return {block["intent"]: list(block["examples"]) for block in content.get("nlu", [])}


def _write(owners_file: Path, examples: Dict[str, List[dict]]) -> None:
    order = sorted(examples, key=lambda intent: (intent == "out_of_scope", intent))
    content = {
        "version": "3.1",
        "nlu": [{"intent": intent, "examples": examples[intent]} for intent in order],
    }
    body = yaml.safe_dump(content, sort_keys=False, allow_unicode=True, width=10_000)
    owners_file.write_text(HEADER + body, encoding="utf-8")
