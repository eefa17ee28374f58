from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.guidance import ActionAnswerGuidance
from actions.help import ActionShowHelp


def tracker(intent, ranking=(), topic=None):
    ranking = [{"name": n, "confidence": c} for n, c in ranking] or [
        {"name": intent, "confidence": 0.99}
    ]
    return Tracker(
        sender_id="unit",
        slots={"topic": topic},
        latest_message={"text": "a question", "intent": ranking[0], "intent_ranking": ranking},
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


def test_a_boundaries_question_is_answered_with_its_passage_and_citations(knowledge_base):
    messages, events = run(ActionAnswerGuidance(), tracker("professional_boundaries"))
    topic = knowledge_base.topics["professional_boundaries"]

    assert len(messages) == 1
    message = messages[0]
    assert message["response"] == "utter_guidance_answer"
    assert message["answer"] == topic.answer_passage.answer
    assert topic.answer_passage.url in message["citations"]
    assert message["custom"]["type"] == "answer"
    assert message["custom"]["topic"] == "professional_boundaries"
    assert message["custom"]["citations"][0] == {
        "id": topic.answer_passage.id,
        "source": topic.answer_passage.source.short_name,
        "section": topic.answer_passage.section,
        "url": topic.answer_passage.url,
    }
    assert [b["payload"] for b in message["buttons"]] == [
        f"/{t}" for t in topic.related_topics
    ]
    assert events == [SlotSet("topic", "professional_boundaries")]


def test_every_key_point_of_the_passage_is_listed(knowledge_base):
    messages, _ = run(ActionAnswerGuidance(), tracker("patient_images"))
    passage = knowledge_base.topics["patient_images"].answer_passage
    for point in (*passage.do, *passage.dont):
        assert f"- {point}" in messages[0]["key_points"]


def test_an_unsure_prediction_gets_clarify_buttons_and_keeps_the_topic(knowledge_base):
    messages, events = run(
        ActionAnswerGuidance(),
        tracker("nlu_fallback", [("nlu_fallback", 0.5), ("patient_images", 0.42),
                                 ("workplace_photos", 0.40)]),
    )
    assert messages[0]["response"] == "utter_clarify"
    assert messages[0]["custom"] == {
        "type": "clarify", "options": ["patient_images", "workplace_photos"]
    }
    assert [b["payload"] for b in messages[0]["buttons"]] == [
        "/patient_images", "/workplace_photos"
    ]
    assert events == []


def test_an_unsure_off_topic_message_is_declined():
    messages, events = run(
        ActionAnswerGuidance(),
        tracker("nlu_fallback", [("nlu_fallback", 0.5), ("out_of_scope", 0.85),
                                 ("patient_images", 0.05)]),
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
