"""`make tune`: choose the blend weights and the confidence thresholds on the tuning split.

Parses every tuning question once with the trained model, keeping the heads' rankings apart,
then replays the blend (components/topic_classifier.blend), Rasa's
FallbackClassifier (`threshold`, `ambiguity_threshold`) and the guidance action's decision
(actions/triage.decide, with GUIDANCE_CLARIFY_MIN_CONFIDENCE) over a grid. Conversations are
replayed turn by turn, so follow-ups are judged in context.

Tuning questions: the real tuning split (tests/evaluation/real/tune.yml) and the written
tuning set with its conversations (tests/evaluation/dev.yml). Never the test splits.
"""

from __future__ import annotations

import argparse
import itertools
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import structlog

from actions import knowledge_base, settings
from actions.triage import ANSWER, CLARIFY, FALLBACK_INTENT, Thresholds, decide
from components.sentence_encoder import SentenceEmbeddingFeaturizer
from components.topic_classifier import BlendedTopicClassifier, blend
from ops.paths import DEFAULT_MODEL
from tools.evaluate import REAL_TUNE, WRITTEN_DEV, Question, read_set

WEIGHTS = [
    {"embedding": e, "words": w, "joint": j}
    for e, w, j in itertools.product([0.0, 1.0, 2.0], [0.0, 1.0], [0.0, 1.0, 2.0])
    if e or w or j
]
THRESHOLD = [x / 100 for x in range(15, 71, 5)]
AMBIGUITY = [0.0, 0.1, 0.2]
FLOOR = [0.02, 0.06, 0.1, 0.15]
SHARE = [x / 100 for x in range(30, 96, 5)]
SHORTLIST = 300  # the best settings on the real split are then replayed on the written set too
# With a margin inside the gates of `make evaluate` (real questions).
MAX_WRONG = 0.04
MIN_OFF_TOPIC_DECLINED = 0.93


@dataclass
class Parsed:
    question: Optional[Question]  # None marks the end of a conversation
    heads: Dict[str, Dict[str, float]]


def parse(model: Path, questions: List[Optional[Question]]) -> List[Parsed]:
    """Each question's rankings by head of the blended classifier."""
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import UserMessage
    from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER

    processor = Agent.load(str(model)).processor
    nodes = processor.graph_runner._instantiated_nodes  # the loaded components, by node name
    embedded = next(
        name for name, n in nodes.items() if isinstance(n._component, SentenceEmbeddingFeaturizer)
    )
    classifier = next(
        n._component for n in nodes.values() if isinstance(n._component, BlendedTopicClassifier)
    )
    texts = [q for q in questions if q is not None]
    output = processor.graph_runner.run(
        inputs={
            PLACEHOLDER_MESSAGE: [UserMessage(q.text) for q in texts],
            PLACEHOLDER_TRACKER: None,
        },
        targets=[embedded],
    )[embedded]
    heads = classifier.head_rankings(output)
    by_text = iter({h: per[i] for h, per in heads.items()} for i in range(len(output)))
    return [Parsed(q, next(by_text) if q is not None else {}) for q in questions]


def replay(
    parsed: List[Parsed],
    rankings: List[List[Dict]],
    threshold: float,
    ambiguity: float,
    floor: float,
    share: float,
) -> List[Tuple[Question, str, Tuple[str, ...]]]:
    """What the bot would do with each question, given its blended ranking."""
    topic_ids = knowledge_base.cached(settings.GUIDANCE_DIR).topics
    thresholds = Thresholds(min_topic_share=share, clarify_min_confidence=floor)
    outcomes, previous = [], None
    for item, ranking in zip(parsed, rankings, strict=False):
        if item.question is None:
            previous = None
            continue
        if not item.question.follow_up:
            previous = None
        top = ranking[0]["confidence"]
        second = ranking[1]["confidence"] if len(ranking) > 1 else 0.0
        unsure = top < threshold or top - second < ambiguity
        intent = FALLBACK_INTENT if unsure else ranking[0]["name"]
        ranked = (
            [{"name": FALLBACK_INTENT, "confidence": threshold}] + ranking if unsure else ranking
        )
        decision = decide(item.question.text, intent, ranked, topic_ids, previous, thresholds)
        if decision.kind == ANSWER:
            previous = decision.topics[0]
        outcomes.append((item.question, decision.kind, decision.topics))
    return outcomes


def score(outcomes) -> Dict[str, float]:
    """Rates over in-scope and off-topic questions, and a utility: +1 a right answer or a
    right decline, +0.6 a clarify offering an accepted topic, -1.5 a wrong answer (the failure
    that misleads), -0.3 an in-scope question declined or an off-topic one clarified (the user
    has to rephrase, or is asked for nothing), -1 an off-topic question answered."""
    in_scope = [o for o in outcomes if not o[0].off_topic]
    off_topic = [o for o in outcomes if o[0].off_topic]
    right = sum(k == ANSWER and t[0] in q.accepted for q, k, t in in_scope)
    wrong = sum(k == ANSWER and t[0] not in q.accepted for q, k, t in in_scope)
    offered = sum(k == CLARIFY and bool(set(t) & set(q.accepted)) for q, k, t in in_scope)
    declined = sum(k not in (ANSWER, CLARIFY) for _, k, _ in off_topic)
    answered_off = sum(k == ANSWER for _, k, _ in off_topic)
    declined_in = sum(k not in (ANSWER, CLARIFY) for _, k, _ in in_scope)
    n_in, n_off = max(1, len(in_scope)), max(1, len(off_topic))
    return {
        "correct": right / n_in,
        "useful": (right + offered) / n_in,
        "wrong": wrong / n_in,
        "off_declined": declined / n_off,
        "utility": (right + 0.6 * offered - 1.5 * wrong - 0.3 * declined_in) / n_in
        + (declined - answered_off - 0.3 * (len(off_topic) - declined - answered_off)) / n_off,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL, help="a trained model")
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    sets = {"real": read_set(REAL_TUNE), "written": read_set(WRITTEN_DEV)}
    parsed = {name: parse(args.model, questions) for name, questions in sets.items()}

    rows = []
    for weights in WEIGHTS:
        rankings = {"real": [blend(p.heads, weights) if p.question else [] for p in parsed["real"]]}
        for setting in itertools.product(THRESHOLD, AMBIGUITY, FLOOR, SHARE):
            real = score(replay(parsed["real"], rankings["real"], *setting))
            meets = real["wrong"] <= MAX_WRONG and real["off_declined"] >= MIN_OFF_TOPIC_DECLINED
            rows.append((meets, real["utility"], weights, setting, real))
    rows.sort(key=lambda r: r[:2], reverse=True)
    shortlist = []
    for meets, utility, weights, setting, real in rows[:SHORTLIST]:
        written_rankings = [
            blend(p.heads, weights) if p.question else [] for p in parsed["written"]
        ]
        written = score(replay(parsed["written"], written_rankings, *setting))
        shortlist.append(
            (meets, utility + 0.5 * written["utility"], weights, setting, real, written)
        )
    rows = sorted(shortlist, key=lambda r: r[:2], reverse=True)
    print(
        f"tuning: {len(sets['real'])} real and {len(sets['written'])} written turns; "
        f"constraints on the real split: wrong <= {MAX_WRONG}, off-topic declined >= "
        f"{MIN_OFF_TOPIC_DECLINED}"
    )
    if not rows[0][0]:
        print("no setting meets the constraints; the best without them:")
    print(
        "score  emb words joint  threshold ambiguity floor share | real: correct useful wrong "
        "off_declined | written: correct wrong off_declined"
    )
    for _, total, w, (threshold, ambiguity, floor, share), real, written in rows[: args.top]:
        print(
            f"{total:.3f}  {w['embedding']:.1f} {w['words']:.1f} {w['joint']:.1f}  "
            f"{threshold:9.2f} {ambiguity:9.2f} {floor:5.2f} {share:5.2f} | {real['correct']:.3f} "
            f"{real['useful']:.3f} {real['wrong']:.3f} {real['off_declined']:.3f} | "
            f"{written['correct']:.3f} {written['wrong']:.3f} {written['off_declined']:.3f}"
        )


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # Rasa's per-message debug lines would drown the table.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    main()
