"""Precision and recall of the redactor on the labelled corpora in tests/redaction/."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

from ops.paths import ROOT
from privacy.redaction import redact

CORPORA = {path.stem: path for path in (ROOT / "tests" / "redaction").glob("*.yml")}
TYPES = ("NHS_NUMBER", "HOSPITAL_NUMBER", "DATE", "POSTCODE", "PHONE", "EMAIL", "NAME")


@dataclass
class Scores:
    true_positives: int = 0
    false_negatives: int = 0
    false_positives: int = 0
    misses: List[str] = field(default_factory=list)
    false_alarms: List[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        found = self.true_positives + self.false_negatives
        return self.true_positives / found if found else 1.0

    @property
    def precision(self) -> float:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else 1.0


def _spans(text: str, identifier: str) -> Tuple[int, int]:
    start = text.index(identifier)
    return start, start + len(identifier)


def _cases(corpus: Path) -> List[dict]:
    return yaml.safe_load(corpus.read_text(encoding="utf-8"))["cases"]


def score(corpus: Path, by: str = "type") -> Dict[str, Scores]:
    """An expected identifier is found when a finding covers it entirely (a finding may be a
    little wider); a finding that covers no expected identifier is a false alarm.

    by="format" groups the identifiers by their optional `format` label instead of their type
    (false alarms then go under the finding's type)."""
    scores: Dict[str, Scores] = defaultdict(Scores)
    for case in _cases(corpus):
        text = case["text"]
        findings = redact(text).findings
        expected = [(i.get(by, "-"), *_spans(text, i["text"])) for i in case["identifiers"] or []]
        for kind, start, end in expected:
            covered = any(f.start <= start and f.end >= end for f in findings)
            if covered:
                scores[kind].true_positives += 1
            else:
                scores[kind].false_negatives += 1
                scores[kind].misses.append(text)
        for finding in findings:
            if not any(finding.start < end and finding.end > start for _, start, end in expected):
                scores[finding.type].false_positives += 1
                scores[finding.type].false_alarms.append(
                    f"{text[finding.start : finding.end]!r} in {text!r}"
                )
    return scores


def negatives_kept(corpus: Path) -> Dict[str, Tuple[int, int]]:
    """For each `negative` label on a message with no identifiers: (kept unchanged, messages)."""
    kept: Dict[str, List[int]] = defaultdict(lambda: [0, 0])
    for case in _cases(corpus):
        if "negative" in case:
            counts = kept[case["negative"]]
            counts[0] += not redact(case["text"]).findings
            counts[1] += 1
    return {kind: (k, n) for kind, (k, n) in sorted(kept.items())}


def format_table(corpus: Path) -> str:
    """Recall per labelled format, and how many labelled negatives of each kind were kept."""
    lines = ["format                        recall   found/expected"]
    for name, s in sorted(score(corpus, by="format").items()):
        expected = s.true_positives + s.false_negatives
        if name != "-" and expected:
            lines.append(f"{name:28}  {s.recall:6.3f}   {s.true_positives:5}/{expected}")
    lines.append("negative kind                 kept/messages")
    for kind, (k, n) in negatives_kept(corpus).items():
        lines.append(f"{kind:28}  {k:4}/{n}")
    return "\n".join(lines)


def table(scores: Dict[str, Scores]) -> str:
    lines = ["type              precision  recall   found/expected  false alarms"]
    for kind in TYPES:
        s = scores[kind]
        expected = s.true_positives + s.false_negatives
        lines.append(
            f"{kind:16}  {s.precision:9.3f}  {s.recall:6.3f}   {s.true_positives:5}/{expected:<8}  "
            f"{s.false_positives}"
        )
    return "\n".join(lines)
