"""End to end over the REST channel: a real Rasa server, action server and trained model."""

import json

import pytest
import requests

from tests.support.contract import AMBIGUOUS_QUESTION, REPLY_TYPES, TOPIC_IDS
from tests.support.servers import raw_store_and_log, stored_events
from tools.chat_client import Reply, send

pytestmark = pytest.mark.e2e  # servers, a browser or the trained model: not in `make test-fast`


def assert_contract(reply):
    assert len(reply.customs) == 1, reply.messages
    assert reply.kind in REPLY_TYPES
    assert reply.text.strip(), "every reply also reads as plain text"


@pytest.mark.parametrize(
    "question, topic",
    [
        (
            "is it alright to accept a facebook friend request from a lady i scanned yesterday",
            "professional_boundaries",
        ),
        (
            "thinking of putting an interesting anonymised chest film on twitter for teaching",
            "patient_images",
        ),
        (
            "my colleague keeps posting rude stuff about patients on her facebook, what should i do",
            "raising_concerns",
        ),
        (
            "our team has a whatsapp chat, are we allowed to send pictures of scans in it",
            "messaging_apps",
        ),
        ("what exactly do the hcpc standards expect from me online", "professional_standards"),
        (
            "someone keeps leaving nasty comments about me on the trust facebook page",
            "online_abuse",
        ),
    ],
)
def test_a_guidance_question_is_answered_with_its_topic_and_a_citation(
    conversation, knowledge_base, question, topic
):
    reply = conversation(question)

    assert_contract(reply)
    assert (reply.kind, reply.topic) == ("answer", topic)
    passage = knowledge_base.passages[reply.custom["answer"]["passage"]]
    assert topic in passage.topics
    assert reply.custom["answer"]["summary"] == passage.answer
    assert reply.custom["citations"] == [p.citation() for p in knowledge_base.citations(passage)]
    assert passage.answer in reply.text and passage.url in reply.text
    assert reply.buttons and all(b["payload"].startswith("/") for b in reply.buttons)


@pytest.mark.parametrize(
    "question, passage",
    [
        (
            "my friend is a nurse and a famous footballer came into A&E, can she post that he was in?",
            "mdu-famous-patient",
        ),
        (
            "one of our long-term patients died last week, can I write a tribute to him on facebook?",
            "confidentiality-after-death",
        ),
        (
            "someone put a video of me scanning their baby on tiktok, what can i do",
            "video-of-you-posted",
        ),
    ],
)
def test_the_answer_is_the_passage_that_answers_the_question_asked(conversation, question, passage):
    reply = conversation(question)

    assert_contract(reply)
    assert reply.custom["answer"]["passage"] == passage


@pytest.mark.parametrize(
    "question",
    [
        "what mA should i use for a lateral lumbar spine",
        "how do i book annual leave on the new rota system",
        "who won the football last night",
        "my PACS login has expired and IT are not answering",
    ],
)
def test_an_out_of_scope_question_is_declined_politely(conversation, question):
    reply = conversation(question)

    assert_contract(reply)
    assert reply.kind == "out_of_scope"
    assert "sor.org" in reply.text


def test_a_follow_up_button_answers_the_related_topic(conversation, knowledge_base):
    first = conversation(
        "is it alright to accept a facebook friend request from a lady i scanned yesterday"
    )
    button = first.buttons[0]

    second = conversation(button["payload"])

    assert_contract(second)
    assert second.kind == "answer"
    assert button["payload"].startswith(f"/{second.topic}")
    item = next(i for i in first.custom["follow_ups"] if i["payload"] == button["payload"])
    assert second.custom["answer"]["passage"] == item.get(
        "passage", knowledge_base.topics[second.topic].answer_passage.id
    )


def test_following_every_more_button_never_repeats_an_answer(conversation):
    reply = conversation(
        "a patient sent me a friend request on facebook after her scan, can i accept it"
    )
    seen = [reply.custom["answer"]["passage"]]
    for _ in range(3):
        more = [i for i in reply.custom["follow_ups"] if i["kind"] == "more"]
        if not more:
            break
        reply = conversation(more[0]["payload"])
        assert reply.custom["answer"]["passage"] not in seen
        seen.append(reply.custom["answer"]["passage"])
    assert len(seen) >= 3


def test_an_ambiguous_question_asks_which_topic_and_the_choice_is_answered(conversation):
    reply = conversation(AMBIGUOUS_QUESTION)

    assert_contract(reply)
    assert reply.kind == "clarify"
    assert 2 <= len(reply.options) <= 3
    assert set(reply.options) <= set(TOPIC_IDS)
    assert all(b["payload"].startswith("/") for b in reply.buttons)

    chosen = conversation(reply.buttons[0]["payload"])
    assert (chosen.kind, chosen.topic) == ("answer", reply.options[0])


@pytest.mark.parametrize(
    "question", ["cn i pst xry on fb", "is it ok 2 post pics of my pts scan on insta"]
)
def test_text_speak_is_clarified_or_answered_never_declined(conversation, question):
    reply = conversation(question)

    assert_contract(reply)
    assert reply.kind in ("clarify", "answer")


@pytest.mark.parametrize(
    "message",
    ["hello there", "thanks, that's really helpful", "bye for now", "are you a real person?"],
)
def test_small_talk_is_answered_as_small_talk(conversation, message):
    reply = conversation(message)

    assert_contract(reply)
    assert reply.kind == "smalltalk"


def test_help_lists_the_topics_with_example_questions(conversation, knowledge_base):
    reply = conversation("what sort of things can you help me with?")

    assert_contract(reply)
    assert reply.kind == "smalltalk"
    assert knowledge_base.topics["messaging_apps"].title.lower() in reply.text.lower()
    check, *examples = reply.buttons
    assert (check["title"], check["payload"]) == ("Check a post before you share it", "/check_post")
    assert examples and all(b["payload"][1:] in knowledge_base.topics for b in examples)


@pytest.mark.parametrize(
    "first, first_topic, follow_up, follow_up_topic",
    [
        (
            "a patient sent me a friend request on facebook after her scan, can i accept it",
            "professional_boundaries",
            "what about former patients?",
            "professional_boundaries",
        ),
        (
            "our department uses the teams chat for handovers, is that allowed",
            "messaging_apps",
            "and on WhatsApp?",
            "messaging_apps",
        ),
        (
            "thinking of putting an interesting anonymised chest film on twitter for teaching",
            "patient_images",
            "what if the patient says it's fine?",
            "patient_images",
        ),
    ],
)
def test_a_short_follow_up_is_answered_in_context(
    conversation, first, first_topic, follow_up, follow_up_topic
):
    before = conversation(first)
    assert before.topic == first_topic

    reply = conversation(follow_up)

    assert_contract(reply)
    assert (reply.kind, reply.topic) == ("answer", follow_up_topic)
    assert reply.custom["answer"]["passage"] != before.custom["answer"]["passage"], (
        "never the same answer again"
    )


def rate(servers, sender, feedback):
    response = requests.post(
        servers.rest_webhook,
        json={"sender": sender, "message": "/feedback", "metadata": {"feedback": feedback}},
        timeout=60,
    )
    response.raise_for_status()
    return Reply(response.json())


def test_not_helpful_asks_why_then_offers_other_answers_and_both_are_stored_redacted(servers):
    sender = "feedback-reasons"
    answer = send(
        servers.rest_webhook,
        sender,
        "Mrs Jane Doe sent me a friend request after her scan, can I accept it?",
    )
    rated = {
        "rating": "not_helpful",
        "topic": answer.topic,
        "passage": answer.custom["answer"]["passage"],
    }

    why = rate(servers, sender, rated)
    after = rate(servers, sender, {**rated, "reason": "not_answered", "comment": "Jane Doe"})

    assert why.kind == "feedback_reason"
    assert [r["reason"] for r in why.custom["reasons"]] == [
        "wrong_topic",
        "not_answered",
        "unclear",
        "out_of_date",
    ]
    assert (why.custom["topic"], why.custom["passage"]) == (rated["topic"], rated["passage"])
    assert (after.kind, after.custom["reason"]) == ("feedback", "not_answered")
    others = [o["passage"] for o in after.custom["other_answers"]]
    assert others and rated["passage"] not in others
    assert [b["payload"] for b in after.buttons] == [
        o["payload"] for o in after.custom["other_answers"]
    ]
    stored = [json.loads(data) for _, data in stored_events(servers, type_name="user")]
    feedback = [
        e["metadata"]["feedback"]
        for e in stored
        if e["text"] == "/feedback" and e["metadata"]["feedback"].get("passage") == rated["passage"]
    ]
    assert {**rated, "reason": "not_answered"} in feedback and rated in feedback
    store, log = raw_store_and_log(servers)
    assert "Jane Doe" not in store + log
