"""Choosing the passage that answers the question, on the real knowledge base."""

from actions.passage_choice import Settings, best_in_topic, choose, direct, matches

SETTINGS = Settings()


def ranked(*pairs):
    return [
        {"name": passage, "similarity": similarity, "question": 0} for passage, similarity in pairs
    ]


def intents(*pairs):
    return [{"name": name, "confidence": confidence} for name, confidence in pairs]


def other_passages(topic, exclude=()):
    return [p.id for p in topic.passages if p.id != topic.answer_passage.id and p.id not in exclude]


def test_the_closest_passage_of_the_topic_answers(knowledge_base):
    topic = knowledge_base.topics["patient_confidentiality"]
    target = other_passages(topic)[0]
    choice = choose(
        knowledge_base,
        topic.id,
        intents((topic.id, 0.9)),
        ranked((target, 0.8), (topic.answer_passage.id, 0.5)),
    )
    assert (choice.topic.id, choice.match.passage.id) == (topic.id, target)


def test_a_general_question_gets_the_topic_overview(knowledge_base):
    topic = knowledge_base.topics["patient_images"]
    low = SETTINGS.min_similarity - 0.1
    choice = choose(
        knowledge_base, topic.id, intents((topic.id, 0.9)), ranked((other_passages(topic)[0], low))
    )
    assert choice.match.passage is topic.answer_passage


def test_a_button_press_without_words_gets_the_topic_overview(knowledge_base):
    topic = knowledge_base.topics["messaging_apps"]
    assert (
        choose(knowledge_base, topic.id, intents((topic.id, 1.0)), []).match.passage
        is topic.answer_passage
    )


def test_a_requested_passage_is_answered_whatever_the_ranking(knowledge_base):
    topic = knowledge_base.topics["professional_boundaries"]
    wanted = other_passages(topic)[-1]
    choice = choose(
        knowledge_base,
        topic.id,
        intents((topic.id, 1.0)),
        ranked((topic.answer_passage.id, 0.9)),
        requested=wanted,
    )
    assert choice.match.passage.id == wanted


def test_a_follow_up_never_repeats_a_passage_already_shown(knowledge_base):
    topic = knowledge_base.topics["workplace_photos"]
    first, second = topic.answer_passage.id, other_passages(topic)[0]
    choice = choose(
        knowledge_base,
        topic.id,
        intents((topic.id, 0.9)),
        ranked((first, 0.9), (second, 0.6)),
        shown=[first],
    )
    assert choice.match.passage.id == second


def test_when_every_passage_of_the_topic_was_shown_the_closest_is_given_again(knowledge_base):
    topic = knowledge_base.topics["seeking_advice"]
    shown = [p.id for p in topic.passages]
    elsewhere = knowledge_base.topics["employer_policy"].answer_passage.id
    choice = choose(
        knowledge_base,
        topic.id,
        intents((topic.id, 0.9)),
        ranked((shown[1], 0.9), (elsewhere, 0.5)),
        shown=shown,
    )
    assert (choice.topic.id, choice.match.passage.id) == (topic.id, shown[1])


def test_a_passage_of_another_topic_answers_only_when_it_fits_much_better(knowledge_base):
    topic = knowledge_base.topics["employer_policy"]
    own = other_passages(topic)[0]
    other = knowledge_base.topics["patients_recording"].answer_passage.id
    close = choose(
        knowledge_base, topic.id, intents((topic.id, 0.6)), ranked((other, 0.80), (own, 0.75))
    )
    assert close.match.passage.id == own
    far = choose(
        knowledge_base, topic.id, intents((topic.id, 0.6)), ranked((other, 0.85), (own, 0.5))
    )
    assert (far.topic.id, far.match.passage.id) == ("patients_recording", other)


def test_a_question_touching_a_second_topic_offers_it_as_also(knowledge_base):
    images, confidentiality = (
        knowledge_base.topics[t] for t in ("patient_images", "patient_confidentiality")
    )
    second = other_passages(confidentiality)[0]
    choice = choose(
        knowledge_base,
        images.id,
        intents((images.id, 0.55), (confidentiality.id, 0.35)),
        ranked((images.answer_passage.id, 0.8), (second, 0.7)),
    )
    assert choice.also is not None
    assert (choice.also[0].id, choice.also[1].passage.id) == (confidentiality.id, second)


def test_a_weak_second_topic_is_not_offered(knowledge_base):
    images = knowledge_base.topics["patient_images"]
    second = knowledge_base.topics["messaging_apps"].answer_passage.id
    choice = choose(
        knowledge_base,
        images.id,
        intents((images.id, 0.9), ("messaging_apps", 0.05)),
        ranked((images.answer_passage.id, 0.8), (second, 0.7)),
    )
    assert choice.also is None


def test_the_closest_question_names_the_match(knowledge_base):
    passage = knowledge_base.passages["hcpc-tip-confidential"]
    found = matches(
        knowledge_base,
        [
            {"name": passage.id, "similarity": 0.7, "question": 1},
            {"name": "no-such-passage", "similarity": 0.9},
        ],
    )
    assert list(found) == [passage.id]
    assert found[passage.id].question == passage.questions[1]
    topic = knowledge_base.topics["patient_confidentiality"]
    assert best_in_topic(topic, found).passage is passage


def test_a_message_that_all_but_quotes_a_passage_question_is_answered_by_it(knowledge_base):
    caldicott = knowledge_base.passages["caldicott-principles"]
    choice = direct(knowledge_base, ranked((caldicott.id, 0.97), ("hcpc-tip-confidential", 0.5)))
    assert (choice.topic.id, choice.match.passage.id) == (caldicott.topics[0], caldicott.id)
    assert direct(knowledge_base, ranked((caldicott.id, SETTINGS.direct_similarity - 0.05))) is None
