"""`make bench`: training and start-up time, REST latency and throughput under load (locust),
memory, and a bounded soak; results with a latency plot in docs/benchmarks.md.

All traffic goes to servers this script starts on 127.0.0.1, and every load run stops by
itself after a fixed time.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List

import yaml

from ops.paths import BIN, DEFAULT_MODEL, ROOT
from ops.servers import Servers, endpoints_in, free_port

LOCUST = ROOT / ".venv-bench" / "bin" / "locust"
REPORT = ROOT / "docs" / "benchmarks.md"
PLOT = ROOT / "docs" / "benchmarks-latency.png"
CONCURRENCY = (1, 8, 32)
NOTES = "## Notes"  # reports keep what is written by hand from this heading on


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _train(project: Path, cache: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [str(BIN / "rasa"), "train", "--quiet", "--fixed-model-name", "bench", "--out", "models"],
        cwd=project,
        env={**os.environ, "RASA_CACHE_DIRECTORY": str(cache)},
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def training_times() -> Dict[str, float]:
    """From clean (empty cache), then again after a change to one response's wording."""
    with tempfile.TemporaryDirectory() as tmp:
        project, cache = Path(tmp) / "project", Path(tmp) / "cache"
        project.mkdir()
        # The custom NLU components (and the knowledge base loader they use) must be importable.
        for name in ("config.yml", "domain.yml", "data", "components", "actions"):
            source = ROOT / name
            (shutil.copytree if source.is_dir() else shutil.copy)(source, project / name)
        clean = _train(project, cache)
        domain = project / "domain.yml"
        domain.write_text(domain.read_text().replace("Goodbye, and take care.", "Goodbye."))
        incremental = _train(project, cache)
    return {"train_clean_s": clean, "train_incremental_s": incremental}


def prepare_load(out: Path) -> Path:
    """Write, in `out`, the questions locust asks (the tuning sets': the written one's short
    questions and the real one's, many of them long posts) and an endpoints file with its own
    SQLite tracker store, as shipped; return the endpoints file."""
    questions = [
        q["text"]
        for path in ("tests/evaluation/dev.yml", "tests/evaluation/real/tune.yml")
        for q in yaml.safe_load((ROOT / path).read_text())["questions"]
    ]
    (out / "questions.json").write_text(json.dumps(questions))
    return endpoints_in(out)


def write_keeping_notes(report: Path, generated: str) -> None:
    """Write a generated report, keeping its hand-written part (from the NOTES heading on)."""
    existing = report.read_text() if report.exists() else ""
    notes = existing[existing.index(NOTES) :] if NOTES in existing else ""
    report.write_text(generated + ("\n" + notes if notes else ""), encoding="utf-8")


def closed_loop(
    host: str, users: int, seconds: int, questions: Path, out: Path
) -> Dict[str, float]:
    """`users` conversations at once, each sending its next message as soon as the reply
    arrives, for `seconds`, against the REST channel at `host` (locust)."""
    prefix = out / f"users{users}"
    subprocess.run(
        [
            str(LOCUST),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "-u",
            str(users),
            "-r",
            str(users),
            "-t",
            f"{seconds}s",
            "--stop-timeout",
            "10",
            "--host",
            host,
            "--csv",
            str(prefix),
            "--only-summary",
        ],
        env={**os.environ, "BENCH_QUESTIONS": str(questions)},
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with open(f"{prefix}_stats.csv", newline="") as file:
        row = next(r for r in csv.DictReader(file) if r["Name"] == "Aggregated")
    return {
        "users": users,
        "requests": int(row["Request Count"]),
        "errors": int(row["Failure Count"]),
        "rps": float(row["Requests/s"]),
        "p50_ms": float(row["50%"]),
        "p95_ms": float(row["95%"]),
        "p99_ms": float(row["99%"]),
    }


def _plot(runs: List[Dict[str, float]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(6, 3.5))
    labels = [str(r["users"]) for r in runs]
    for offset, key in ((-0.25, "p50_ms"), (0, "p95_ms"), (0.25, "p99_ms")):
        axis.bar(
            [i + offset for i in range(len(runs))],
            [r[key] for r in runs],
            width=0.25,
            label=key.replace("_ms", ""),
        )
    axis.set_xticks(range(len(runs)), labels)
    axis.set_xlabel("concurrent conversations")
    axis.set_ylabel("REST reply time (ms)")
    axis.legend()
    figure.tight_layout()
    figure.savefig(PLOT, dpi=120)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=30, help="length of each load run")
    parser.add_argument("--soak-seconds", type=int, default=120)
    parser.add_argument("--soak-users", type=int, default=50)
    args = parser.parse_args()
    if not LOCUST.exists():
        sys.exit("locust is missing: run `make bench`, which installs it in .venv-bench")

    figures: Dict[str, float] = training_times()
    runs: List[Dict[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        endpoints = prepare_load(out)
        with open(out / "servers.log", "w") as log:
            servers = Servers(
                rasa_port=free_port(), action_port=free_port(), endpoints=str(endpoints), log=log
            )
            started = time.perf_counter()
            with servers:
                figures["startup_s"] = time.perf_counter() - started
                figures["rasa_rss_idle_mb"] = _rss_mb(servers.rasa_server.pid)
                closed_loop(
                    servers.rasa_url, 4, 10, out / "questions.json", out
                )  # warm-up, not reported
                for users in CONCURRENCY:
                    runs.append(
                        closed_loop(
                            servers.rasa_url, users, args.seconds, out / "questions.json", out
                        )
                    )
                before = _rss_mb(servers.rasa_server.pid)
                soak = closed_loop(
                    servers.rasa_url,
                    args.soak_users,
                    args.soak_seconds,
                    out / "questions.json",
                    out,
                )
                figures.update(
                    rasa_rss_mb=_rss_mb(servers.rasa_server.pid),
                    action_rss_mb=_rss_mb(servers.action_server.pid),
                    soak_rss_growth_mb=_rss_mb(servers.rasa_server.pid) - before,
                )
    figures["model_mb"] = DEFAULT_MODEL.stat().st_size / 1e6
    _plot(runs)
    report = _report(figures, runs, soak, args)
    write_keeping_notes(REPORT, report)
    print(report)
    return 0


def _report(
    figures: Dict[str, float],
    runs: List[Dict[str, float]],
    soak: Dict[str, float],
    args: argparse.Namespace,
) -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    lines = [
        "# Benchmarks",
        "",
        f"`make bench` on {dt.date.today().isoformat()}, {os.cpu_count()} cores ({cpu}), "
        f"Python {platform.python_version()}, Rasa 3.6.21. Load: locust {args.seconds} s per run, "
        "closed loop (each simulated user sends its next message as soon as the reply arrives), "
        "REST channel on 127.0.0.1, questions from the tuning sets (written and real), 5 messages "
        "per conversation.",
        "",
        "| concurrent conversations | requests | errors | messages/s | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        lines.append(
            f"| {r['users']} | {r['requests']} | {r['errors']} | {r['rps']:.1f} | "
            f"{r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['p99_ms']:.0f} |"
        )
    lines += [
        "",
        f"![REST reply time by concurrency]({PLOT.name})",
        "",
        f"Soak: {soak['users']} conversations for {args.soak_seconds} s: {soak['requests']} messages, "
        f"{soak['errors']} errors, {soak['rps']:.1f} messages/s, p95 {soak['p95_ms']:.0f} ms; "
        f"Rasa server memory grew by {figures['soak_rss_growth_mb']:.0f} MB.",
        "",
        "| figure | value |",
        "|---|---|",
        f"| training from clean (empty cache) | {figures['train_clean_s']:.0f} s |",
        f"| training after a response-wording change | {figures['train_incremental_s']:.0f} s |",
        f"| start-up (both servers, until the REST channel answers) | {figures['startup_s']:.1f} s |",
        f"| Rasa server RSS idle / after load | {figures['rasa_rss_idle_mb']:.0f} MB / {figures['rasa_rss_mb']:.0f} MB |",
        f"| action server RSS after load | {figures['action_rss_mb']:.0f} MB |",
        f"| model size | {figures['model_mb']:.0f} MB |",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
