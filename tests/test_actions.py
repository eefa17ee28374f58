from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.guidance import ActionAnswerGuidance
from actions.help import ActionShowHelp


def tracker(intent, ranking=(), passages=(), slots=None, entities=(), text="a question"):
    ranking = [{"name": n, "confidence": c} for n, c in ranking] or [
        {"name": intent, "confidence": 0.99}
    ]
    return Tracker(
        sender_id="unit",
        slots={"topic": None, "passages_shown": None, "offered_passage": None, **(slots or {})},
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": ranking[0]["confidence"]},
            "intent_ranking": ranking,
            "passage_ranking": [{"name": p, "similarity": s, "question": 0} for p, s in passages],
            "entities": [{"entity": "passage", "value": v} for v in entities],
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def run(action, tracker_):
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, tracker_, {})
    return dispatcher.messages, events


def test_a_question_is_answered_with_the_passage_that_fits_and_its_structure(knowledge_base):
    passage = knowledge_base.passages["mdu-famous-patient"]
    messages, events = run(
        ActionAnswerGuidance(),
        tracker(
            "patient_confidentiality", passages=[(passage.id, 0.8), ("hcpc-tip-confidential", 0.6)]
        ),
    )

    assert len(messages) == 1
    message = messages[0]
    assert message["response"] == "utter_guidance_answer"
    assert message["answer"] == passage.answer
    assert passage.url in message["citations"]
    custom = message["custom"]
    assert (custom["type"], custom["topic"]) == ("answer", "patient_confidentiality")
    assert custom["answer"] == {
        "passage": passage.id,
        "summary": passage.answer,
        "do": list(passage.do),
        "dont": list(passage.dont),
    }
    assert custom["citations"] == [p.citation() for p in knowledge_base.citations(passage)]
    for point in (*passage.do, *passage.dont):
        assert f"- {point}" in message["key_points"]
    assert events == [
        SlotSet("topic", "patient_confidentiality"),
        SlotSet("passages_shown", [passage.id]),
        SlotSet("offered_passage", None),
    ]


def test_follow_up_buttons_offer_more_of_the_topic_then_related_topics(knowledge_base):
    topic = knowledge_base.topics["professional_boundaries"]
    messages, _ = run(ActionAnswerGuidance(), tracker(topic.id))
    items = messages[0]["custom"]["follow_ups"]

    assert [i["kind"] for i in items][:2] == ["more", "more"]
    assert {i["passage"] for i in items[:2]} <= {p.id for p in topic.passages} - {
        topic.answer_passage.id
    }
    assert items[0]["payload"] == f'/{topic.id}{{"passage": "{items[0]["passage"]}"}}'
    assert [i["topic"] for i in items if i["kind"] == "related"] == list(
        topic.related_topics[: len(items) - 2]
    )
    assert [b["payload"] for b in messages[0]["buttons"]] == [i["payload"] for i in items]


def test_more_on_the_same_topic_never_repeats_what_was_shown(knowledge_base):
    topic = knowledge_base.topics["workplace_photos"]
    shown = [topic.answer_passage.id]
    messages, events = run(
        ActionAnswerGuidance(),
        tracker(
            topic.id,
            passages=[(topic.answer_passage.id, 0.9)],
            slots={"topic": topic.id, "passages_shown": shown},
        ),
    )

    answered = messages[0]["custom"]["answer"]["passage"]
    assert answered != topic.answer_passage.id
    assert SlotSet("passages_shown", [*shown, answered]) in events
    assert all(
        i.get("passage") not in (*shown, answered) for i in messages[0]["custom"]["follow_ups"]
    )


def test_a_follow_up_button_answers_the_passage_it_names(knowledge_base):
    topic = knowledge_base.topics["messaging_apps"]
    wanted = topic.passages[-1]
    messages, _ = run(
        ActionAnswerGuidance(), tracker(topic.id, entities=[wanted.id], text=f"/{topic.id}")
    )
    assert messages[0]["custom"]["answer"]["passage"] == wanted.id


def test_a_two_topic_question_gets_the_main_answer_and_an_also_button(knowledge_base):
    also = knowledge_base.passages["gmc-jigsaw-identification"]
    messages, _ = run(
        ActionAnswerGuidance(),
        tracker(
            "patient_images",
            ranking=[("patient_images", 0.5), ("patient_confidentiality", 0.4)],
            passages=[("sor-images-news-anonymise", 0.8), (also.id, 0.7)],
        ),
    )
    custom = messages[0]["custom"]
    assert (custom["topic"], custom["answer"]["passage"]) == (
        "patient_images",
        "sor-images-news-anonymise",
    )
    first = custom["follow_ups"][0]
    assert (first["kind"], first["topic"], first["passage"]) == (
        "also",
        "patient_confidentiality",
        also.id,
    )


def test_an_unsure_prediction_offers_each_topic_as_its_closest_question(knowledge_base):
    images = knowledge_base.passages["rcr-images-anonymised"]
    messages, events = run(
        ActionAnswerGuidance(),
        tracker(
            "nlu_fallback",
            [("nlu_fallback", 0.5), ("patient_images", 0.42), ("workplace_photos", 0.40)],
            passages=[(images.id, 0.7)],
        ),
    )

    assert messages[0]["response"] == "utter_clarify"
    assert messages[0]["custom"] == {
        "type": "clarify",
        "options": ["patient_images", "workplace_photos"],
    }
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert titles[0] == images.questions[0]
    assert messages[0]["buttons"][0]["payload"] == f'/patient_images{{"passage": "{images.id}"}}'
    assert events == [SlotSet("offered_passage", None)]


def test_one_candidate_is_asked_as_did_you_mean_with_yes_and_no(knowledge_base):
    topic = knowledge_base.topics["patient_images"]
    messages, events = run(
        ActionAnswerGuidance(),
        tracker(
            "nlu_fallback",
            [("nlu_fallback", 0.5), (topic.id, 0.40), ("greet", 0.35), ("out_of_scope", 0.01)],
        ),
    )

    message = messages[0]
    assert message["response"] == "utter_did_you_mean"
    assert message["question"] == topic.answer_passage.questions[0].rstrip("?")
    assert [b["title"] for b in message["buttons"]] == ["Yes", "No"]
    assert message["custom"] == {"type": "clarify", "options": [topic.id]}
    assert events == [SlotSet("offered_passage", topic.answer_passage.id)]


def test_a_typed_yes_to_did_you_mean_answers_what_was_offered(knowledge_base):
    offered = knowledge_base.passages["mdu-unusual-images"]
    messages, events = run(
        ActionAnswerGuidance(), tracker("affirm", slots={"offered_passage": offered.id})
    )
    assert messages[0]["custom"]["answer"]["passage"] == offered.id
    assert SlotSet("offered_passage", None) in events


def test_a_typed_no_to_did_you_mean_asks_for_other_words():
    messages, events = run(
        ActionAnswerGuidance(), tracker("deny", slots={"offered_passage": "mdu-unusual-images"})
    )
    assert [m["response"] for m in messages] == ["utter_deny"]
    assert events == [SlotSet("offered_passage", None)]


def test_an_unsure_off_topic_message_is_declined():
    messages, events = run(
        ActionAnswerGuidance(),
        tracker(
            "nlu_fallback",
            [("nlu_fallback", 0.5), ("out_of_scope", 0.85), ("patient_images", 0.05)],
        ),
    )
    assert [m["response"] for m in messages] == ["utter_out_of_scope"]
    assert events == []


def test_help_lists_every_topic_and_offers_example_questions(knowledge_base):
    messages, _ = run(ActionShowHelp(), tracker("help"))
    message = messages[0]
    assert message["response"] == "utter_help"
    for topic in knowledge_base.topics.values():
        assert topic.title[1:] in message["topic_list"]
    assert message["buttons"], "help offers example questions"
    assert {b["payload"][1:] for b in message["buttons"]} <= set(knowledge_base.topics)


def test_an_unsure_question_that_quotes_a_passage_question_is_answered_by_it(knowledge_base):
    caldicott = knowledge_base.passages["caldicott-principles"]
    messages, _ = run(
        ActionAnswerGuidance(),
        tracker(
            "nlu_fallback",
            [("nlu_fallback", 0.45), ("out_of_scope", 0.44), ("professional_standards", 0.09)],
            passages=[(caldicott.id, 1.0)],
        ),
    )
    assert messages[0]["custom"]["answer"]["passage"] == caldicott.id
