import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import settings
from actions.feedback import ActionAskExpert, ActionFeedback
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


def feedback_tracker(feedback, channel="socketio", question=None):
    """A conversation whose latest message is `/feedback` with `feedback` as its metadata,
    after `question` (a user event's text and parse data)."""
    events = []
    if question:
        events.append({"event": "user", "input_channel": channel, **question})
    feedback_event = {
        "event": "user",
        "text": "/feedback",
        "input_channel": channel,
        "parse_data": {"intent": {"name": "feedback"}},
        "metadata": {"feedback": feedback},
    }
    return Tracker(
        sender_id="unit",
        slots={},
        latest_message={
            **feedback_event["parse_data"],
            "text": "/feedback",
            "metadata": {"feedback": feedback},
        },
        events=[*events, feedback_event],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


FRIEND_REQUEST = {
    "text": "can I accept a friend request from a patient?",
    "parse_data": {
        "intent": {"name": "professional_boundaries"},
        "passage_ranking": [
            {"name": "hcpc-tip-boundaries", "similarity": 0.8, "question": 0},
            {"name": "mdu-patient-contact", "similarity": 0.7, "question": 0},
            {"name": "hcpc-1-8-power-trust", "similarity": 0.6, "question": 0},
        ],
    },
}


def test_helpful_feedback_is_thanked():
    messages, _ = run(
        ActionFeedback(), feedback_tracker({"rating": "helpful", "topic": "students"})
    )

    assert [m["response"] for m in messages] == ["utter_feedback"]


def test_not_helpful_asks_what_was_wrong_about_that_answer():
    rated = {"rating": "not_helpful", "topic": "students", "passage": "hcpc-students-guidance"}
    messages, _ = run(ActionFeedback(), feedback_tracker(rated))

    assert [m["response"] for m in messages] == ["utter_feedback_ask_reason"]
    assert messages[0]["topic"] == "students"
    assert messages[0]["passage"] == "hcpc-students-guidance"


def test_a_reason_gets_the_closest_other_answers_and_no_person_when_none_is_set_up(monkeypatch):
    monkeypatch.setattr(settings, "CONTACT_ADDRESS", "")
    rated = {
        "rating": "not_helpful",
        "topic": "professional_boundaries",
        "passage": "hcpc-tip-boundaries",
        "reason": "not_answered",
    }
    messages, _ = run(ActionFeedback(), feedback_tracker(rated, question=FRIEND_REQUEST))

    (message,) = messages
    custom = message["custom"]
    assert (custom["type"], custom["reason"], custom["passage"]) == (
        "feedback",
        "not_answered",
        "hcpc-tip-boundaries",
    )
    assert [o["passage"] for o in custom["other_answers"]] == [
        "mdu-patient-contact",
        "hcpc-1-8-power-trust",
    ]
    assert [b["payload"] for b in message["buttons"]] == [
        o["payload"] for o in custom["other_answers"]
    ]


def test_the_trust_s_contact_follows_not_helpful_and_help_when_set_up(monkeypatch):
    monkeypatch.setattr(settings, "CONTACT_ADDRESS", "socialmedia@trust.example.nhs.uk")
    monkeypatch.setattr(settings, "CONTACT_NAME", "the communications team")
    rated = {"rating": "not_helpful", "topic": "students", "reason": "unclear"}
    after_feedback, _ = run(ActionFeedback(), feedback_tracker(rated))
    help_messages, _ = run(ActionShowHelp(), tracker("help"))

    for messages in (after_feedback, help_messages):
        contact = messages[-1]
        assert contact["response"] == "utter_contact"
        assert contact["contact_address"] == "socialmedia@trust.example.nhs.uk"
        assert "custom" not in contact or not contact["custom"]


@pytest.mark.parametrize("channel, configured", [("botframework", ""), ("socketio", "19:x")])
def test_ask_an_expert_is_offered_only_in_teams_with_a_channel_set_up(
    monkeypatch, channel, configured
):
    monkeypatch.setattr(settings, "EXPERT_CHANNEL_ID", configured)
    rated = {"rating": "not_helpful", "topic": "students", "reason": "unclear"}
    messages, _ = run(ActionFeedback(), feedback_tracker(rated, channel=channel))

    assert "/ask_expert" not in [b["payload"] for m in messages for b in m.get("buttons", [])]


def test_ask_an_expert_in_teams_sends_the_stored_question_to_the_channel(monkeypatch):
    monkeypatch.setattr(settings, "EXPERT_CHANNEL_ID", "19:experts@thread.tacv2")
    rated = {"rating": "not_helpful", "topic": "students", "reason": "unclear"}
    offered, _ = run(ActionFeedback(), feedback_tracker(rated, "botframework", FRIEND_REQUEST))
    asked, _ = run(ActionAskExpert(), feedback_tracker({}, "botframework", FRIEND_REQUEST))

    assert {"title": "Ask an expert", "payload": "/ask_expert"} in offered[0]["buttons"]
    assert asked[0]["custom"] == {
        "type": "expert_request",
        "question": FRIEND_REQUEST["text"],
        "topic": "professional_boundaries",
    }


def test_ask_an_expert_elsewhere_says_who_else_to_ask(monkeypatch):
    monkeypatch.setattr(settings, "EXPERT_CHANNEL_ID", "19:experts@thread.tacv2")
    monkeypatch.setattr(settings, "CONTACT_ADDRESS", "")
    messages, _ = run(ActionAskExpert(), feedback_tracker({}, "rest", FRIEND_REQUEST))

    assert [m["response"] for m in messages] == ["utter_no_expert"]
