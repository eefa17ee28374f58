"""Suggest the confidence thresholds from the tuning set (tests/evaluation/dev.yml).

Parses every tuning question with the trained model, then replays Rasa's FallbackClassifier
(`threshold`, `ambiguity_threshold` in config.yml) and the guidance action's clarify floor
(GUIDANCE_CLARIFY_MIN_CONFIDENCE) over a grid. Never tune on tests/evaluation/test.yml.
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import os
from pathlib import Path
from typing import Dict, List, Tuple

import structlog
import yaml

from actions import knowledge_base, settings
from actions.triage import ANSWER, CLARIFY, FALLBACK_INTENT, Thresholds, decide
from scripts.servers import DEFAULT_MODEL, ROOT

DEV_SET = ROOT / "tests" / "evaluation" / "dev.yml"
GRID_THRESHOLD = [x / 100 for x in range(20, 91, 5)]
GRID_AMBIGUITY = [x / 100 for x in range(0, 61, 5)]
GRID_FLOOR = [x / 100 for x in range(2, 41, 2)]
# Constraints, with a margin inside the gates of `make evaluate`: asking back costs the user a
# click, declining an in-scope question costs a rephrase, answering an out-of-scope one misleads.
MAX_CLARIFY_RATE = 0.10
MAX_IN_SCOPE_DECLINED = 0.05
MIN_OUT_OF_SCOPE_DECLINED = 0.90


async def _rankings(questions: List[Dict], model: Path) -> List[List[Dict]]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    rankings = []
    for question in questions:
        parsed = await agent.parse_message(question["text"])
        rankings.append([r for r in parsed["intent_ranking"] if r["name"] != FALLBACK_INTENT])
    return rankings


def _utility(expected: str, kind: str, topics: Tuple[str, ...]) -> float:
    """+1 right answer or right decline, +0.5 a clarify that offers the right topic,
    -1 a wrong answer (the failure that matters most), 0 otherwise."""
    if expected == "out_of_scope":
        return {ANSWER: -1.0, CLARIFY: 0.0}.get(kind, 1.0)
    if kind == ANSWER:
        return 1.0 if topics[0] == expected else -1.0
    if kind == CLARIFY:
        return 0.5 if expected in topics else 0.0
    return 0.0


def _simulate(text: str, ranking: List[Dict], threshold: float, ambiguity: float, floor: float):
    top = ranking[0]
    second = ranking[1]["confidence"] if len(ranking) > 1 else 0.0
    unsure = top["confidence"] < threshold or top["confidence"] - second < ambiguity
    intent = FALLBACK_INTENT if unsure else top["name"]
    ranked = [{"name": FALLBACK_INTENT, "confidence": threshold}] + ranking if unsure else ranking
    topic_ids = knowledge_base.cached(settings.GUIDANCE_DIR).topics
    decision = decide(text, intent, ranked, topic_ids, None, Thresholds(clarify_min_confidence=floor))
    return decision.kind, decision.topics


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL, help="a trained model")
    args = parser.parse_args()
    questions = yaml.safe_load(DEV_SET.read_text())["questions"]
    rankings = asyncio.run(_rankings(questions, args.model))
    in_scope = sum(q["topic"] != "out_of_scope" for q in questions)
    oos = len(questions) - in_scope

    scored = []
    for threshold, ambiguity, floor in itertools.product(GRID_THRESHOLD, GRID_AMBIGUITY, GRID_FLOOR):
        counts: Dict[str, float] = dict.fromkeys(
            ["in", "oos", "right", "wrong", "clarify", "declined", "oos_declined"], 0.0
        )
        for question, ranking in zip(questions, rankings):
            kind, topics = _simulate(question["text"], ranking, threshold, ambiguity, floor)
            utility = _utility(question["topic"], kind, topics)
            if question["topic"] == "out_of_scope":
                counts["oos"] += utility
                counts["oos_declined"] += kind not in (ANSWER, CLARIFY)
            else:
                counts["in"] += utility
                counts["right"] += kind == ANSWER and topics[0] == question["topic"]
                counts["wrong"] += kind == ANSWER and topics[0] != question["topic"]
                counts["clarify"] += kind == CLARIFY
                counts["declined"] += kind not in (ANSWER, CLARIFY)
        if (
            counts["clarify"] / in_scope > MAX_CLARIFY_RATE
            or counts["declined"] / in_scope > MAX_IN_SCOPE_DECLINED
            or counts["oos_declined"] / oos < MIN_OUT_OF_SCOPE_DECLINED
        ):
            continue
        score = counts["in"] / in_scope + counts["oos"] / oos
        scored.append((score, threshold, ambiguity, floor, counts))
    scored.sort(key=lambda row: row[:4], reverse=True)
    print(
        f"tuning set: {in_scope} in-scope, {oos} out-of-scope questions; constraints: "
        f"clarified <= {MAX_CLARIFY_RATE:.0%}, in-scope declined <= {MAX_IN_SCOPE_DECLINED:.0%}, "
        f"out-of-scope declined >= {MIN_OUT_OF_SCOPE_DECLINED:.0%}"
    )
    if not scored:
        print("no thresholds meet the constraints: the model needs better training data")
        return
    print("score  threshold  ambiguity  clarify_floor  answered_right  wrong  clarified  "
          "declined  oos_declined")
    for score, threshold, ambiguity, floor, c in scored[:12]:
        print(
            f"{score:.3f}  {threshold:9.2f}  {ambiguity:9.2f}  {floor:13.2f}  "
            f"{c['right'] / in_scope:14.3f}  {c['wrong'] / in_scope:5.3f}  "
            f"{c['clarify'] / in_scope:9.3f}  {c['declined'] / in_scope:8.3f}  "
            f"{c['oos_declined'] / oos:12.3f}"
        )


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # Rasa's per-message debug lines would drown the table.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    main()
