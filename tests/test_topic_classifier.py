"""The blend of the topic heads (components/topic_classifier.py)."""

import pytest

from components.topic_classifier import blend


def test_the_blend_is_the_weighted_mean_of_the_heads_best_first():
    ranking = blend(
        {"words": {"a": 0.8, "b": 0.2}, "joint": {"a": 0.2, "b": 0.8}},
        {"words": 1.0, "joint": 3.0},
    )
    assert [r["name"] for r in ranking] == ["b", "a"]
    assert [r["confidence"] for r in ranking] == pytest.approx([0.65, 0.35])


def test_a_source_with_no_ranking_takes_no_share_of_the_confidence():
    # DIET leaves no ranking when the pipeline has none: the thresholds must still see the
    # heads' full confidence, not two thirds of it.
    ranking = blend(
        {"diet": {}, "words": {"a": 0.8, "b": 0.2}, "joint": {"a": 0.6, "b": 0.4}},
        {"diet": 1.0, "words": 1.0, "joint": 1.0},
    )
    assert [r["confidence"] for r in ranking] == pytest.approx([0.7, 0.3])


def test_a_head_with_no_weight_changes_nothing():
    heads = {"words": {"a": 0.9, "b": 0.1}, "embedding": {"a": 0.1, "b": 0.9}}
    assert blend(heads, {"words": 1.0, "embedding": 0.0}) == blend(
        {"words": heads["words"]}, {"words": 1.0}
    )
