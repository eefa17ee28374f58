"""`make crossval`: two cross-validations of the NLU training data, signals beside the held-out
evaluation.

- All of `data/nlu/` in 5 folds: how well the data generalises within itself.
- The real voices (`data/nlu/real_voices.yml`) held out by source page: each fold trains on
  everything but one fifth of the pages and ranks their questions. Five times as many real
  questions as the tuning split, from every topic, none of them ever seen by the model that
  ranks them: how the model generalises to people it has not read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

from ops.paths import BIN, ROOT
from tools.bench import write_keeping_notes
from tools.evaluate import OUT_OF_SCOPE
from tools.training_data import page

FOLDS = 5
REAL_VOICES = Path("nlu") / "real_voices.yml"

OUT = ROOT / "results" / "crossval"
REPORT = ROOT / "docs" / "crossval.md"


def _config_without_fallback(directory: Path) -> Path:
    """The pipeline of config.yml minus the FallbackClassifier: its `nlu_fallback` would count
    every unsure prediction as wrong, which measures the thresholds, not the data."""
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    config["pipeline"] = [c for c in config["pipeline"] if c["name"] != "FallbackClassifier"]
    path = directory / "config.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def _rasa(*arguments: str) -> None:
    subprocess.run([str(BIN / "rasa"), *arguments, "--quiet"], cwd=ROOT, check=True)


def _fold(source: str) -> int:
    return int(hashlib.sha256(page(source).encode()).hexdigest(), 16) % FOLDS


def _split_real_voices(fold: int, data: Path) -> List[Tuple[str, str]]:
    """Rewrites `data`'s real_voices.yml without the fold's pages; returns their (intent, text)."""
    content = yaml.safe_load((data / REAL_VOICES).read_text(encoding="utf-8"))
    held_out = []
    for block in content["nlu"]:
        kept = []
        for example in block["examples"]:
            if _fold(example["metadata"]["source"]) == fold:
                held_out.append((block["intent"], example["text"]))
            else:
                kept.append(example)
        block["examples"] = kept
    content["nlu"] = [b for b in content["nlu"] if b["examples"]]
    (data / REAL_VOICES).write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True))
    return held_out


def real_voices_by_page(config: Path, tmp: Path) -> Dict[str, Counter]:
    """Trains one model per fold of the real voices' pages and ranks the held-out questions:
    {"asked": intent -> count, "first": intent -> count ranked first}."""
    asked: Counter = Counter()
    first: Counter = Counter()
    for fold in range(FOLDS):
        work = tmp / f"fold{fold}"
        shutil.copytree(ROOT / "data" / "nlu", work / "nlu")
        held_out = _split_real_voices(fold, work)
        questions = {
            "version": "3.1",
            "nlu": [{"intent": i, "examples": [{"text": t}]} for i, t in held_out],
        }
        (work / "held_out.yml").write_text(yaml.safe_dump(questions, allow_unicode=True))
        _rasa(
            "train",
            "nlu",
            "--nlu",
            str(work / "nlu"),
            "--config",
            str(config),
            "--domain",
            "domain.yml",
            "--out",
            str(work),
            "--fixed-model-name",
            "model",
        )
        _rasa(
            "test",
            "nlu",
            "--nlu",
            str(work / "held_out.yml"),
            "--model",
            str(work / "model.tar.gz"),
            "--out",
            str(work / "results"),
            "--no-plot",
        )
        errors_file = work / "results" / "intent_errors.json"  # not written when none
        errors = json.loads(errors_file.read_text()) if errors_file.exists() else []
        asked.update(i for i, _ in held_out)
        first.update(i for i, _ in held_out)
        first.subtract(e["intent"] for e in errors)
        print(f"fold {fold + 1}/{FOLDS}: {len(held_out)} real voices, {len(errors)} ranked wrong")
    return {"asked": asked, "first": first}


def _real_voice_lines(counts: Dict[str, Counter]) -> List[str]:
    asked, first = counts["asked"], counts["first"]
    topics = [i for i in asked if i != OUT_OF_SCOPE]
    in_scope = sum(asked[i] for i in topics)
    by_topic = sorted(topics, key=lambda i: first[i] / asked[i])
    return [
        "",
        f"Real voices held out by source page ({FOLDS} folds over the pages of "
        "`data/nlu/real_voices.yml`; each fold's model is trained without them):",
        "",
        f"- in-scope ranked first on their labelled topic: {sum(first[i] for i in topics) / in_scope:.3f}"
        f" of {in_scope}",
        f"- off-topic ranked `out_of_scope` first: {first[OUT_OF_SCOPE] / asked[OUT_OF_SCOPE]:.3f}"
        f" of {asked[OUT_OF_SCOPE]}",
        "- weakest topics (share first, of how many): "
        + ", ".join(f"`{i}` {first[i] / asked[i]:.2f} of {asked[i]}" for i in by_topic[:6]),
    ]


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        config = _config_without_fallback(Path(tmp))
        real_voices = real_voices_by_page(config, Path(tmp))
        subprocess.run(
            [
                str(BIN / "rasa"),
                "test",
                "nlu",
                "--nlu",
                "data",
                "--config",
                str(config),
                "--cross-validation",
                "--folds",
                "5",
                "--out",
                str(OUT),
                "--no-plot",
                "--quiet",
            ],
            cwd=ROOT,
            check=True,
        )
    report = json.loads((OUT / "intent_report.json").read_text())
    weakest = sorted(
        (
            (name, row["f1-score"])
            for name, row in report.items()
            if isinstance(row, dict)
            and "support" in row
            and name not in ("macro avg", "weighted avg", "micro avg")
        ),
        key=lambda pair: pair[1],
    )[:5]
    lines = [
        "# NLU cross-validation",
        "",
        f"`make crossval` on {dt.date.today().isoformat()}: 5 folds over `data/nlu/`, pipeline of "
        "`config.yml` without the FallbackClassifier, intent classification on the held-out fold "
        "of each run (top intent, no thresholds):",
        "",
        f"- accuracy: {report['accuracy']:.3f}",
        f"- macro F1: {report['macro avg']['f1-score']:.3f}",
        f"- weighted F1: {report['weighted avg']['f1-score']:.3f}",
        "- weakest intents (F1): " + ", ".join(f"`{n}` {f:.2f}" for n, f in weakest),
        *_real_voice_lines(real_voices),
    ]
    write_keeping_notes(REPORT, "\n".join(lines) + "\n")  # the reading of the figures is by hand
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
