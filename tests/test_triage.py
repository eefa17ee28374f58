import pytest

from actions.triage import ANSWER, CLARIFY, DECLINE, NO_QUESTION, Thresholds, decide

TOPICS = {"professional_boundaries", "messaging_apps", "patient_images"}
THRESHOLDS = Thresholds(min_topic_share=0.5, clarify_min_confidence=0.15)


def ranking(*pairs):
    return [{"name": name, "confidence": confidence} for name, confidence in pairs]


def test_a_confident_topic_intent_is_answered():
    decision = decide(
        "a question", "messaging_apps", ranking(("messaging_apps", 0.9)), TOPICS, None, THRESHOLDS
    )
    assert (decision.kind, decision.topics) == (ANSWER, ("messaging_apps",))


def test_an_unsure_prediction_asks_which_topic_was_meant_best_first():
    decision = decide(
        "a question",
        "nlu_fallback",
        ranking(
            ("nlu_fallback", 0.5),
            ("patient_images", 0.41),
            ("messaging_apps", 0.38),
            ("greet", 0.1),
        ),
        TOPICS,
        None,
        THRESHOLDS,
    )
    assert (decision.kind, decision.topics) == (CLARIFY, ("patient_images", "messaging_apps"))


def test_clarify_offers_at_most_three_topics_above_the_floor():
    decision = decide(
        "a question",
        "nlu_fallback",
        ranking(
            ("patient_images", 0.3),
            ("messaging_apps", 0.3),
            ("professional_boundaries", 0.2),
            ("out_of_scope", 0.2),
        ),
        TOPICS,
        None,
        Thresholds(min_topic_share=0.5, clarify_min_confidence=0.25),
    )
    assert decision.topics == ("patient_images", "messaging_apps")


def test_unsure_between_out_of_scope_and_a_topic_asks_rather_than_declines():
    decision = decide(
        "a question",
        "nlu_fallback",
        ranking(
            ("nlu_fallback", 0.5),
            ("out_of_scope", 0.42),
            ("patient_images", 0.40),
            ("messaging_apps", 0.10),
        ),
        TOPICS,
        None,
        THRESHOLDS,
    )
    assert (decision.kind, decision.topics) == (CLARIFY, ("patient_images",))


def test_unsure_but_probably_out_of_scope_is_declined_not_guessed():
    decision = decide(
        "a question",
        "nlu_fallback",
        ranking(("nlu_fallback", 0.5), ("out_of_scope", 0.8), ("patient_images", 0.1)),
        TOPICS,
        None,
        THRESHOLDS,
    )
    assert decision.kind == DECLINE


def test_a_topic_too_weak_to_offer_is_declined():
    decision = decide(
        "a question",
        "nlu_fallback",
        ranking(("patient_images", 0.12), ("messaging_apps", 0.1)),
        TOPICS,
        None,
        THRESHOLDS,
    )
    assert decision.kind == DECLINE


def test_a_follow_up_is_answered_for_the_previous_topic_when_it_is_a_candidate():
    decision = decide(
        "a question",
        "nlu_fallback",
        ranking(("messaging_apps", 0.40), ("professional_boundaries", 0.38)),
        TOPICS,
        "professional_boundaries",
        THRESHOLDS,
    )
    assert (decision.kind, decision.topics) == (ANSWER, ("professional_boundaries",))


def test_the_previous_topic_does_not_override_a_confident_new_topic():
    decision = decide(
        "a question",
        "messaging_apps",
        ranking(("messaging_apps", 0.95)),
        TOPICS,
        "patient_images",
        THRESHOLDS,
    )
    assert decision.topics == ("messaging_apps",)


def test_no_prediction_at_all_is_declined():
    assert decide("a question", None, [], TOPICS, None, THRESHOLDS).kind == DECLINE


def test_a_follow_up_is_answered_for_the_topic_of_the_last_answer():
    decision = decide(
        "a question",
        "follow_up",
        ranking(("follow_up", 0.8), ("messaging_apps", 0.1)),
        TOPICS,
        "professional_boundaries",
        THRESHOLDS,
    )
    assert (decision.kind, decision.topics) == (ANSWER, ("professional_boundaries",))


def test_an_unsure_follow_up_is_still_read_in_context():
    decision = decide(
        "a question",
        "nlu_fallback",
        ranking(("nlu_fallback", 0.45), ("follow_up", 0.4), ("out_of_scope", 0.35)),
        TOPICS,
        "patient_images",
        THRESHOLDS,
    )
    assert (decision.kind, decision.topics) == (ANSWER, ("patient_images",))


def test_a_follow_up_with_nothing_before_it_is_judged_on_its_own():
    decision = decide(
        "a question",
        "follow_up",
        ranking(("follow_up", 0.6), ("messaging_apps", 0.3), ("patient_images", 0.05)),
        TOPICS,
        None,
        THRESHOLDS,
    )
    assert (decision.kind, decision.topics) == (CLARIFY, ("messaging_apps",))


def test_an_off_topic_message_after_an_answer_is_declined_not_answered_in_context():
    decision = decide(
        "a question",
        "out_of_scope",
        ranking(("out_of_scope", 0.9), ("follow_up", 0.05)),
        TOPICS,
        "patient_images",
        THRESHOLDS,
    )
    assert decision.kind == DECLINE


@pytest.mark.parametrize("text", ["", "   ", "😀🙈📸", "?!..."])
def test_a_message_without_words_is_not_a_question(text):
    decision = decide(
        text, "nlu_fallback", ranking(("affirm", 0.2)), TOPICS, "patient_images", THRESHOLDS
    )
    assert decision.kind == NO_QUESTION


def test_a_question_spread_over_several_topics_is_clarified_not_declined():
    """No topic is sure, but together they hold most of the confidence: it is about the guidance."""
    decision = decide(
        "a question",
        "nlu_fallback",
        ranking(
            ("nlu_fallback", 0.3),
            ("patient_images", 0.26),
            ("messaging_apps", 0.24),
            ("professional_boundaries", 0.2),
            ("out_of_scope", 0.25),
        ),
        TOPICS,
        None,
        THRESHOLDS,
    )
    assert (decision.kind, decision.topics) == (
        CLARIFY,
        ("patient_images", "messaging_apps", "professional_boundaries"),
    )


def test_an_out_of_scope_prediction_with_a_large_topic_share_is_clarified():
    decision = decide(
        "a question",
        "out_of_scope",
        ranking(("out_of_scope", 0.4), ("patient_images", 0.35), ("messaging_apps", 0.25)),
        TOPICS,
        None,
        THRESHOLDS,
    )
    assert (decision.kind, decision.topics) == (CLARIFY, ("patient_images", "messaging_apps"))


def test_an_out_of_scope_prediction_with_a_small_topic_share_is_declined():
    decision = decide(
        "a question",
        "out_of_scope",
        ranking(("out_of_scope", 0.55), ("patient_images", 0.3), ("greet", 0.15)),
        TOPICS,
        None,
        THRESHOLDS,
    )
    assert decision.kind == DECLINE
