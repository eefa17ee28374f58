"""`make crossval`: 5-fold cross-validation of the NLU training data, a second signal beside the
held-out evaluation (it says how well the data generalises within itself, not to real users)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from ops.paths import BIN, ROOT
from tools.bench import write_keeping_notes

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


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [
                str(BIN / "rasa"),
                "test",
                "nlu",
                "--nlu",
                "data",
                "--config",
                str(_config_without_fallback(Path(tmp))),
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
        "of each run (top intent, no thresholds).",
        "",
        f"- accuracy: {report['accuracy']:.3f}",
        f"- macro F1: {report['macro avg']['f1-score']:.3f}",
        f"- weighted F1: {report['weighted avg']['f1-score']:.3f}",
        "- weakest intents (F1): " + ", ".join(f"`{n}` {f:.2f}" for n, f in weakest),
    ]
    write_keeping_notes(REPORT, "\n".join(lines) + "\n")  # the reading of the figures is by hand
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
