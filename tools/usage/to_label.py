"""The questions of a period the owners should look at, as a YAML file they mark: every question
the assistant declined, clarified, or answered and was told was not helpful.

YAML rather than a spreadsheet: the owners already edit the guidance as YAML
(docs/content-guide.md); a question stays exactly as stored (a spreadsheet turns "1/2" into a
date and a question opening with "=" into a formula); the list of topic ids sits in the file's
own header; and a mistake is reported with its line number.
"""

from __future__ import annotations

from collections import Counter
from typing import Dict, List

import yaml

from actions.knowledge_base import KnowledgeBase
from tools.training_data import normalise
from tools.usage.usage import Usage

OUT_OF_SCOPE = "out_of_scope"

HEADER = """\
# Questions to label: {period} (UK time). {count} questions, the most asked first.
#
# For each question, write ONE of these after `mark:` and leave the rest as it is:
#   - the topic it is about,             e.g.  mark: patient_images
#   - the passage that answers it,       e.g.  mark: {passage}
#   - out_of_scope, if the assistant was right not to answer it
# Leave `mark:` empty to skip a question. You may correct a question's wording.
# Then run:  make label MERGE=<this file>     (docs/content-guide.md, "Teaching the assistant")
#
# Topic ids (docs/topics.md says what each covers and where the borders lie):
{topics}
# Passage ids are the `id:` lines in data/guidance/passages/<topic>.yml.
"""


def questions(usage: Usage) -> List[Dict]:
    """One entry per distinct question (by its words), the most asked first."""
    entries: Dict[str, Dict] = {}
    asked: Counter = Counter()
    for gap in usage.gaps:
        key = normalise(gap.text)
        if not key:
            continue
        asked[key] += 1
        entry = entries.setdefault(key, {"question": gap.text})
        entry[gap.kind] = entry.get(gap.kind, 0) + 1
        if gap.offered:
            entry["offered"] = list(dict.fromkeys([*entry.get("offered", []), *gap.offered]))
        if gap.passage:
            entry["answered"] = f"{gap.passage} ({gap.topic})" if gap.topic else gap.passage
        if gap.reason:
            entry["reasons"] = sorted({*entry.get("reasons", []), gap.reason})
    ordered = sorted(entries, key=lambda k: (-asked[k], k))
    return [{**entries[k], "mark": None} for k in ordered]


def render(usage: Usage, kb: KnowledgeBase) -> str:
    entries = questions(usage)
    header = HEADER.format(
        period=usage.period,
        count=len(entries),
        passage=next(iter(kb.passages)),
        topics="\n".join(f"#   {t.id}: {t.title}" for t in kb.topics.values()),
    )
    body = yaml.safe_dump(
        {"questions": entries},
        sort_keys=False,
        allow_unicode=True,
        width=10_000,
        default_flow_style=None,
    )
    return header + body.replace("  mark: null\n", "  mark:\n")
