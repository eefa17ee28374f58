"""Held-out evaluation of the whole bot over the REST channel, with the gates of `make evaluate`.

Every question goes to a running server as a new conversation; conversations keep one sender.
The reply contract says what the bot did: answered a topic, asked (clarify), or declined.
"""
from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional

import yaml

from scripts.chat_client import Reply, send
from scripts.servers import ROOT, Servers, free_port

TEST_SET = ROOT / "tests" / "evaluation" / "test.yml"
REPORT = ROOT / "docs" / "evaluation.md"
CONFUSION_PLOT = ROOT / "docs" / "evaluation-confusion.png"
OUT_OF_SCOPE = "out_of_scope"
GATES = {  # metric: (comparison, bound)
    "top1_accuracy": (">=", 0.90),
    "out_of_scope_declined": (">=", 0.90),
    "in_scope_declined": ("<=", 0.05),
}


@dataclass
class Outcome:
    text: str
    expected: str
    kind: Optional[str]
    topic: Optional[str]
    options: List[str]
    follow_up: bool = False
    seconds: float = 0.0

    @property
    def first_choice(self) -> Optional[str]:
        """The topic the bot answered, or offered first."""
        return self.topic if self.kind == "answer" else (self.options or [None])[0]

    @property
    def declined(self) -> bool:
        return self.kind not in ("answer", "clarify")


@dataclass
class Results:
    outcomes: List[Outcome] = field(default_factory=list)

    def _in_scope(self, follow_ups: bool = False) -> List[Outcome]:
        return [o for o in self.outcomes if o.expected != OUT_OF_SCOPE and o.follow_up == follow_ups]

    def metrics(self) -> Dict[str, float]:
        in_scope = self._in_scope()
        oos = [o for o in self.outcomes if o.expected == OUT_OF_SCOPE]
        follow_ups = self._in_scope(follow_ups=True)

        def rate(items: List[Outcome], test: Callable[[Outcome], bool]) -> float:
            return sum(map(test, items)) / len(items) if items else float("nan")

        return {
            "top1_accuracy": rate(in_scope, lambda o: o.first_choice == o.expected),
            "top3_accuracy": rate(
                in_scope, lambda o: o.expected in ([o.topic] if o.kind == "answer" else o.options)
            ),
            "answered_correctly": rate(in_scope, lambda o: o.kind == "answer" and o.topic == o.expected),
            "answered_wrongly": rate(in_scope, lambda o: o.kind == "answer" and o.topic != o.expected),
            "clarified": rate(in_scope, lambda o: o.kind == "clarify"),
            "in_scope_declined": rate(in_scope, lambda o: o.declined),
            "out_of_scope_declined": rate(oos, lambda o: o.declined),
            "out_of_scope_answered": rate(oos, lambda o: o.kind == "answer"),
            "follow_up_accuracy": rate(follow_ups, lambda o: o.first_choice == o.expected),
            "macro_f1": self.macro_f1(),
            "reply_ms_median": 1000 * statistics.median(o.seconds for o in self.outcomes),
            "in_scope_questions": len(in_scope),
            "out_of_scope_questions": len(oos),
            "follow_up_turns": len(follow_ups),
        }

    def per_topic(self) -> Dict[str, Dict[str, float]]:
        in_scope = self._in_scope()
        topics = sorted({o.expected for o in in_scope})
        table = {}
        for topic in topics:
            tp = sum(o.expected == topic and o.first_choice == topic for o in in_scope)
            predicted = sum(o.first_choice == topic for o in self.outcomes if not o.follow_up)
            support = sum(o.expected == topic for o in in_scope)
            precision = tp / predicted if predicted else 0.0
            recall = tp / support if support else 0.0
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            table[topic] = {"precision": precision, "recall": recall, "f1": f1, "support": support}
        return table

    def macro_f1(self) -> float:
        table = self.per_topic()
        return sum(row["f1"] for row in table.values()) / len(table) if table else float("nan")

    def failed_gates(self) -> List[str]:
        metrics = self.metrics()
        failed = []
        for name, (op, bound) in GATES.items():
            value = metrics[name]
            ok = value >= bound if op == ">=" else value <= bound
            if not ok:
                failed.append(f"{name} = {value:.3f}, needs {op} {bound:.2f}")
        return failed


def run(webhook: str, test_set: Path = TEST_SET) -> Results:
    content = yaml.safe_load(test_set.read_text(encoding="utf-8"))
    results = Results()

    def record(sender: str, text: str, expected: str, follow_up: bool) -> None:
        started = time.perf_counter()
        reply: Reply = send(webhook, sender, text)
        elapsed = time.perf_counter() - started
        results.outcomes.append(
            Outcome(text, expected, reply.kind, reply.topic, reply.options, follow_up, elapsed)
        )

    for question in content.get("questions", []):
        record(f"eval-{uuid.uuid4().hex}", question["text"], question["topic"], False)
    for conversation in content.get("conversations", []):
        sender = f"eval-{uuid.uuid4().hex}"
        for position, turn in enumerate(conversation["turns"]):
            record(sender, turn["text"], turn["topic"], follow_up=position > 0)
    return results


def plot_confusion(results: Results) -> None:
    """Expected topic against the bot's first choice (declines in the last column)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    outcomes = [o for o in results.outcomes if not o.follow_up]
    labels = sorted({o.expected for o in outcomes} - {OUT_OF_SCOPE}) + [OUT_OF_SCOPE]
    index = {label: i for i, label in enumerate(labels)}
    counts = [[0] * len(labels) for _ in labels]
    for o in outcomes:
        counts[index[o.expected]][index.get(o.first_choice or OUT_OF_SCOPE, index[OUT_OF_SCOPE])] += 1
    figure, axis = plt.subplots(figsize=(9, 8))
    axis.imshow(counts, cmap="Blues")
    axis.set_xticks(range(len(labels)), labels, rotation=90, fontsize=7)
    axis.set_yticks(range(len(labels)), labels, fontsize=7)
    axis.set_xlabel("first choice of the bot (out_of_scope = declined)")
    axis.set_ylabel("expected")
    for row, values in enumerate(counts):
        for column, value in enumerate(values):
            if value:
                axis.text(column, row, value, ha="center", va="center", fontsize=6,
                          color="white" if value > 10 else "black")
    figure.tight_layout()
    figure.savefig(CONFUSION_PLOT, dpi=110)


def report(results: Results, command: str) -> str:
    metrics = results.metrics()
    lines = [
        "# Evaluation",
        "",
        f"Held-out set `{TEST_SET.relative_to(ROOT)}`, whole bot over the REST channel.",
        f"Run on {dt.date.today().isoformat()} with `{command}`.",
        "",
        "| metric | value | gate |",
        "|---|---|---|",
    ]
    for name, value in metrics.items():
        gate = " ".join(map(str, GATES[name])) if name in GATES else ""
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        lines.append(f"| {name} | {shown} | {gate} |")
    lines += ["", "## Per topic (first choice)", "", "| topic | precision | recall | F1 | n |", "|---|---|---|---|---|"]
    for topic, row in results.per_topic().items():
        lines.append(
            f"| {topic} | {row['precision']:.2f} | {row['recall']:.2f} | {row['f1']:.2f} | {row['support']} |"
        )
    lines += ["", f"![confusion matrix]({CONFUSION_PLOT.name})"]
    misses = [o for o in results.outcomes if (o.first_choice or OUT_OF_SCOPE) != o.expected]
    lines += ["", f"## Misses ({len(misses)})", "", "| expected | got | question |", "|---|---|---|"]
    for o in misses:
        got = f"{o.kind}:{o.first_choice}" if o.first_choice else str(o.kind)
        lines.append(f"| {o.expected} | {got} | {o.text.replace('|', '/')} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--webhook", help="a running server's REST webhook (default: start one)")
    parser.add_argument("--no-report", action="store_true", help="do not write docs/evaluation.md")
    args = parser.parse_args()

    if args.webhook:
        results = run(args.webhook)
    else:
        (ROOT / "var").mkdir(exist_ok=True)
        with open(ROOT / "var" / "evaluate-servers.log", "w") as log, Servers(
            rasa_port=free_port(), action_port=free_port(), log=log
        ) as servers:
            results = run(servers.rest_webhook)

    for name, value in results.metrics().items():
        print(f"{name:24} {value:.3f}" if isinstance(value, float) else f"{name:24} {value}")
    if not args.no_report:
        plot_confusion(results)
        REPORT.write_text(report(results, "make evaluate"), encoding="utf-8")
        print(f"written: {REPORT.relative_to(ROOT)}")
    failed = results.failed_gates()
    for failure in failed:
        print(f"GATE FAILED: {failure}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
