"""`make compare`: the sparse pipeline (config.yml) against the same pipeline plus a pre-trained
sentence embedding (config.minilm.yml), on answer quality and speed. Writes docs/pipelines.md.

Both are judged as the whole bot over REST, with the thresholds in their config: on the tuning
set (dev.yml, where a choice may be made) and on the held-out test set (test.yml, reported).
"""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict

from scripts.bench import LOCUST, _load, _rss_mb, prepare_load, write_keeping_notes
from scripts.evaluate import TEST_SET, run
from scripts.servers import BIN, ROOT, Servers, free_port

DEV_SET = ROOT / "tests" / "evaluation" / "dev.yml"
REPORT = ROOT / "docs" / "pipelines.md"
LOAD_USERS, LOAD_SECONDS = 8, 30


@dataclass(frozen=True)
class Pipeline:
    name: str
    config: str
    model: Path


PIPELINES = [
    # Their own model files: the one `make run` and `make test` use is left alone.
    Pipeline("sparse DIET (config.yml, kept)", "config.yml", ROOT / "models" / "compare-sparse.tar.gz"),
    Pipeline("sparse DIET + MiniLM sentence embedding (config.minilm.yml)", "config.minilm.yml",
             ROOT / "models" / "compare-minilm.tar.gz"),
]


def train(pipeline: Pipeline) -> float:
    """Wall time of a training from clean (its own empty cache)."""
    with tempfile.TemporaryDirectory() as cache:
        started = time.perf_counter()
        subprocess.run(
            [str(BIN / "rasa"), "train", "--quiet", "--config", pipeline.config,
             "--fixed-model-name", pipeline.model.name.replace(".tar.gz", ""), "--out", "models"],
            cwd=ROOT, env={**os.environ, "RASA_CACHE_DIRECTORY": cache}, check=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        return time.perf_counter() - started


def measure(pipeline: Pipeline) -> Dict[str, float]:
    figures = {"train_s": train(pipeline), "model_mb": pipeline.model.stat().st_size / 1e6}
    with tempfile.TemporaryDirectory() as tmp, open(Path(tmp) / "servers.log", "w") as log:
        out = Path(tmp)
        endpoints = prepare_load(out)
        with Servers(model=pipeline.model, rasa_port=free_port(), action_port=free_port(),
                     endpoints=str(endpoints), log=log) as servers:
            for label, questions in (("dev", DEV_SET), ("test", TEST_SET)):
                metrics = run(servers.rest_webhook, questions).metrics()
                figures.update({f"{label}_{k}": v for k, v in metrics.items()})
            if LOCUST.exists():
                load = _load(servers, LOAD_USERS, LOAD_SECONDS, out / "questions.json", out)
                figures.update({f"load_{k}": v for k, v in load.items()})
            figures["rasa_rss_mb"] = _rss_mb(servers.rasa_server.pid)
    return figures


ROWS = [
    ("in-scope top-1 (dev / test)", "top1_accuracy", "{:.3f}"),
    ("answered right / wrong (test)", None, None),
    ("in-scope declined (dev / test)", "in_scope_declined", "{:.3f}"),
    ("out-of-scope declined (dev / test)", "out_of_scope_declined", "{:.3f}"),
    ("clarified (dev / test)", "clarified", "{:.3f}"),
    ("follow-ups right (test)", None, None),
    ("macro F1 (test)", None, None),
    ("REST reply median, one at a time (test)", None, None),
]


def _cell(f: Dict[str, float], key: str, fmt: str) -> str:
    return f"{fmt.format(f[f'dev_{key}'])} / {fmt.format(f[f'test_{key}'])}"


def report(results: Dict[str, Dict[str, float]]) -> str:
    names = list(results)
    lines = [
        "# NLU pipelines compared",
        "",
        f"`make compare` on {dt.date.today().isoformat()}, {os.cpu_count()} cores. Whole bot over "
        "REST with each config's own thresholds (tuned for the sparse model); tuning set "
        "`tests/evaluation/dev.yml`, held-out set `tests/evaluation/test.yml`. Training from "
        f"clean, wall time. Load: locust, {LOAD_USERS} concurrent conversations for "
        f"{LOAD_SECONDS} s asking tuning-set questions, SQLite tracker store as shipped.",
        "",
        "| figure | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for label, key, fmt in ROWS:
        cells = []
        for f in results.values():
            if key:
                cells.append(_cell(f, key, fmt))
            elif label.startswith("answered"):
                cells.append(f"{f['test_answered_correctly']:.3f} / {f['test_answered_wrongly']:.3f}")
            elif label.startswith("follow-ups"):
                cells.append(f"{f['test_follow_up_accuracy']:.3f}")
            elif label.startswith("macro"):
                cells.append(f"{f['test_macro_f1']:.3f}")
            else:
                cells.append(f"{f['test_reply_ms_median']:.0f} ms")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    extra = [
        ("training from clean", lambda f: f"{f['train_s']:.0f} s"),
        ("model size", lambda f: f"{f['model_mb']:.0f} MB"),
        ("Rasa server RSS after the runs", lambda f: f"{f['rasa_rss_mb']:.0f} MB"),
    ]
    if all("load_rps" in f for f in results.values()):
        extra += [
            (f"{LOAD_USERS} conversations: p50 / p95", lambda f: f"{f['load_p50_ms']:.0f} / {f['load_p95_ms']:.0f} ms"),
            (f"{LOAD_USERS} conversations: messages/s, errors", lambda f: f"{f['load_rps']:.1f}, {f['load_errors']:.0f}"),
        ]
    for label, cell in extra:
        lines.append(f"| {label} | " + " | ".join(cell(f) for f in results.values()) + " |")
    return "\n".join(lines) + "\n"


def main() -> int:
    results = {p.name: measure(p) for p in PIPELINES}
    text = report(results)
    print(text)
    write_keeping_notes(REPORT, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
