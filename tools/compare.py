"""`make compare`: the shipped NLU blend against its alternatives, on the real test split.

Each alternative is config.yml with other blend weights (components/topic_classifier.py), so
all share the trained featurizers (Rasa's cache) and differ only in how the topic is decided.
An alternative that gives DIET a weight gets DIET back, as it was shipped until 2026-12-03
(docs/adr/0007-no-diet.md). Each is judged as the whole bot over REST, with the thresholds in
config.yml (tuned for the shipped blend, so the alternatives are if anything a little
disadvantaged). Writes docs/pipelines.md.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Dict

import yaml

from ops.paths import BIN, ROOT
from ops.servers import Servers, free_port
from tools.bench import _rss_mb, write_keeping_notes
from tools.evaluate import REAL_TEST, WRITTEN_TEST, run

REPORT = ROOT / "docs" / "pipelines.md"
CLASSIFIER = "components.topic_classifier.BlendedTopicClassifier"
EMBEDDING = "components.sentence_encoder.SentenceEmbeddingFeaturizer"
# DIET on sparse features, as config.yml had it before docs/adr/0007-no-diet.md.
DIET = [
    {"name": "RegexFeaturizer", "alias": "regex"},
    {"name": "LexicalSyntacticFeaturizer", "alias": "lexical"},
    {"name": "CountVectorsFeaturizer", "alias": "words", "max_ngram": 2, "min_df": 2},
    {
        "name": "CountVectorsFeaturizer",
        "alias": "characters",
        "analyzer": "char_wb",
        "min_ngram": 1,
        "max_ngram": 4,
        "min_df": 3,
    },
    {
        "name": "DIETClassifier",
        "featurizers": ["regex", "lexical", "words", "characters"],
        "epochs": 15,
        "number_of_transformer_layers": 0,
        "entity_recognition": False,
        "constrain_similarities": True,
        "ranking_length": 0,
        "random_seed": 42,
    },
]


@dataclass(frozen=True)
class Alternative:
    name: str
    weights: Dict[str, float]  # empty: as in config.yml


NO_HEADS = {"diet": 0.0, "embedding": 0.0, "words": 0.0, "joint": 0.0}
# Rasa merges a component's nested config with its defaults, so every weight is spelled out.
ALTERNATIVES = [
    Alternative("shipped blend (config.yml)", {}),
    Alternative("DIET alone (the first design)", {**NO_HEADS, "diet": 1.0}),
    Alternative("sentence-embedding head alone", {**NO_HEADS, "embedding": 1.0}),
    Alternative("TF-IDF head alone", {**NO_HEADS, "words": 1.0}),
    Alternative(
        "TF-IDF + joint (shipped until 2026-12-03 evening)",
        {**NO_HEADS, "words": 1.0, "joint": 1.0},
    ),
    Alternative(
        "DIET + embedding + TF-IDF (shipped until 2026-12-03 noon)",
        {**NO_HEADS, "diet": 0.5, "embedding": 1.0, "words": 1.0},
    ),
]


def config_for(alternative: Alternative, directory: Path) -> Path:
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    pipeline = []
    for component in config["pipeline"]:
        if component["name"] == EMBEDDING and alternative.weights.get("diet"):
            pipeline += DIET
        if component["name"] == CLASSIFIER and alternative.weights:
            component["weights"] = alternative.weights
        pipeline.append(component)
    config["pipeline"] = pipeline
    path = directory / "config.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def measure(alternative: Alternative, directory: Path) -> Dict[str, float]:
    model = directory / "model.tar.gz"
    subprocess.run(
        [
            str(BIN / "rasa"),
            "train",
            "--quiet",
            "--config",
            str(config_for(alternative, directory)),
            "--out",
            str(directory),
            "--fixed-model-name",
            "model",
        ],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    figures: Dict[str, float] = {}
    with (
        open(directory / "servers.log", "w") as log,
        Servers(model=model, rasa_port=free_port(), action_port=free_port(), log=log) as servers,
    ):
        for label, path in (("real", REAL_TEST), ("written", WRITTEN_TEST)):
            figures.update(
                {f"{label}_{k}": v for k, v in run(servers.rest_webhook, path).metrics().items()}
            )
        figures["rasa_rss_mb"] = _rss_mb(servers.rasa_server.pid)
    return figures


ROWS = [
    ("real: correct", "real_correct"),
    ("real: useful", "real_useful"),
    ("real: wrong", "real_wrong"),
    ("real: in-scope declined", "real_in_scope_declined"),
    ("real: off-topic declined", "real_off_topic_declined"),
    ("written: top-1", "written_top1"),
    ("written: off-topic declined", "written_off_topic_declined"),
    ("written: follow-ups right", "written_follow_ups_right"),
    ("REST reply median (real), ms", "real_reply_ms_median"),
    ("Rasa server RSS after the runs, MB", "rasa_rss_mb"),
]


def report(results: Dict[str, Dict[str, float]]) -> str:
    lines = [
        "# NLU designs compared",
        "",
        f"`make compare` on {dt.date.today().isoformat()}, {os.cpu_count()} cores: the whole bot over "
        f"REST on the real test split (`{REAL_TEST.relative_to(ROOT)}`) and the written test set "
        f"(`{WRITTEN_TEST.relative_to(ROOT)}`). Every design is config.yml with other blend weights "
        "and the same thresholds (tuned for the shipped blend).",
        "",
        "| figure | " + " | ".join(results) + " |",
        "|---|" + "---|" * len(results),
    ]
    for label, key in ROWS:
        cells = [f"{f[key]:.3f}" if f[key] < 10 else f"{f[key]:.0f}" for f in results.values()]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> int:
    results = {}
    for alternative in ALTERNATIVES:
        with tempfile.TemporaryDirectory() as directory:
            results[alternative.name] = measure(alternative, Path(directory))
            print(
                alternative.name,
                {
                    k: round(v, 3)
                    for k, v in results[alternative.name].items()
                    if k.startswith("real_") and not k.endswith(("_scope", "topic"))
                },
            )
    text = report(results)
    print(text)
    write_keeping_notes(REPORT, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
