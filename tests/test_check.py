"""The "before you post" check: its content, the form's actions, and the whole check over
REST against the real servers."""

import asyncio

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import post_check, settings
from actions.check import ActionCheckVerdict, ValidatePostCheckForm
from ops.paths import ROOT
from tests.support.servers import raw_store_and_log

CHECK = post_check.cached(settings.GUIDANCE_DIR)
IDS = [c.id for c in CHECK.checks]


def domain():
    return yaml.safe_load((ROOT / "domain.yml").read_text())


def form_tracker(slots=None, text="", intent="nlu_fallback", requested="check_patient"):
    return Tracker(
        sender_id="unit",
        slots={
            **{c.slot: None for c in CHECK.checks},
            "requested_slot": requested,
            **(slots or {}),
        },
        latest_message={"text": text, "intent": {"name": intent, "confidence": 0.9}},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": "post_check_form"},
        latest_action_name="action_listen",
    )


# --- content --------------------------------------------------------------------------------


def test_the_form_asks_one_question_per_check_in_the_order_of_check_yml():
    assert domain()["forms"]["post_check_form"]["required_slots"] == [c.slot for c in CHECK.checks]


def test_every_question_has_yes_and_no_buttons_and_its_place_in_the_contract():
    responses = domain()["responses"]
    for step, check in enumerate(CHECK.checks, start=1):
        (question,) = responses[f"utter_ask_{check.slot}"]
        assert question["custom"] == {
            "type": "check_question",
            "check": check.id,
            "step": step,
            "of": len(CHECK.checks),
        }
        assert [(b["title"], b["payload"]) for b in question["buttons"]] == [
            ("Yes", "/affirm"),
            ("No", "/deny"),
        ]


def test_the_check_covers_the_guidance_s_checks_and_each_risk_cites_a_passage():
    assert IDS == [
        "patient",
        "at_work",
        "clinical_image",
        "names_others",
        "audience",
        "clinical_advice",
        "state_of_mind",
    ]
    assert {c.verdict for c in CHECK.checks} == {"think_again", "do_not_post"}
    assert all(c.passage.url.startswith("https://") and c.risk and c.instead for c in CHECK.checks)


@pytest.mark.parametrize(
    "typed, meaning",
    [
        ("nope", False),
        ("Not really.", False),
        ("no, it was taken at home", False),
        ("yes, a scan", True),
        ("Yeah", True),
        ("not sure", True),  # in doubt counts as yes
        ("I don't know", True),
        ("can I accept a friend request from a patient?", None),
        ("nothing like that", None),
    ],
)
def test_a_typed_answer_is_read_from_its_opening_words(typed, meaning):
    assert CHECK.answer(typed) is meaning


# --- the actions ------------------------------------------------------------------------------


def validate(tracker):
    return asyncio.run(ValidatePostCheckForm().run(CollectingDispatcher(), tracker, domain()))


def test_a_typed_yes_the_nlu_took_for_a_topic_answers_the_question_asked():
    tracker = form_tracker(
        text="yes, a scan", intent="patient_images", requested="check_clinical_image"
    )
    events = validate(tracker)

    assert SlotSet("check_clinical_image", True) in events
    assert all(e["name"] != "check_patient" for e in events if e["event"] == "slot")


def test_a_message_that_is_no_answer_fills_nothing_so_the_form_lets_the_rules_answer_it():
    assert validate(form_tracker(text="can I accept a friend request from a patient?")) == []


@pytest.mark.parametrize(
    "yes, verdict",
    [
        ((), "looks_fine"),
        (("at_work", "audience"), "think_again"),
        (("audience", "patient"), "do_not_post"),
    ],
)
def test_the_verdict_is_the_worst_risk_and_each_risk_cites_its_passage(
    yes, verdict, knowledge_base
):
    answers = {f"check_{i}": i in yes for i in IDS}
    dispatcher = CollectingDispatcher()
    ActionCheckVerdict().run(dispatcher, form_tracker(slots=answers), {})

    (message,) = dispatcher.messages
    custom = message["custom"]
    assert message["response"] == f"utter_check_{verdict}"
    assert (custom["type"], custom["verdict"]) == ("check_verdict", verdict)
    assert [r["check"] for r in custom["risks"]] == [i for i in IDS if i in yes]
    for risk in custom["risks"]:
        passage = knowledge_base.passages[risk["passage"]]
        assert risk["url"] == passage.url and risk["citation"] == passage.citation()
        assert passage.url in message["risks"]


# --- over REST, against the real servers --------------------------------------------------------

ALL_NO = ["/deny"] * 7


def question_asked(reply):
    (question,) = [c for c in reply.customs if c.get("type") == "check_question"]
    return question


def run_check(conversation, answers):
    """Start the check, give `answers` in turn; return every reply, the verdict last."""
    replies = [conversation("can I post this?")]
    for answer in answers:
        replies.append(conversation(answer))
    return replies


@pytest.mark.e2e
def test_the_check_starts_from_a_question_and_asks_each_check_in_turn_with_yes_and_no(
    conversation,
):
    replies = run_check(conversation, ALL_NO[:-1])

    assert "stop" in replies[0].text
    asked = [question_asked(r) for r in replies]
    assert [(q["check"], q["step"], q["of"]) for q in asked] == [
        (check_id, n, 7) for n, check_id in enumerate(IDS, start=1)
    ]
    assert all([b["title"] for b in r.buttons] == ["Yes", "No"] for r in replies)


@pytest.mark.e2e
@pytest.mark.parametrize(
    "answers, verdict, risks",
    [
        (ALL_NO, "looks_fine", []),
        (
            ["/deny", "/affirm", "/deny", "/deny", "/affirm", "/deny", "/deny"],
            "think_again",
            ["at_work", "audience"],
        ),
        (["/affirm", *ALL_NO[1:]], "do_not_post", ["patient"]),
    ],
)
def test_each_verdict_is_reached_with_each_risk_cited_from_the_knowledge_base(
    conversation, knowledge_base, answers, verdict, risks
):
    *_, last = run_check(conversation, answers)

    custom = last.custom
    assert (custom["type"], custom["verdict"]) == ("check_verdict", verdict)
    assert [r["check"] for r in custom["risks"]] == risks
    for risk in custom["risks"]:
        passage = knowledge_base.passages[risk["passage"]]
        assert risk["url"] == passage.url
        assert passage.url in last.text


@pytest.mark.e2e
def test_typed_answers_are_understood(conversation):
    *_, last = run_check(
        conversation,
        [
            "nope",
            "not really",
            "yes, a scan",
            "no",
            "No, only close friends can see it",
            "nah",
            "not at all",
        ],
    )

    assert last.custom["verdict"] == "do_not_post"
    assert [r["check"] for r in last.custom["risks"]] == ["clinical_image"]


@pytest.mark.e2e
def test_stop_cancels_the_check_at_any_point(conversation):
    run_check(conversation, ["/deny", "/deny"])

    stopped = conversation("stop")
    after = conversation("no")

    assert stopped.kind == "smalltalk" and "stopped" in stopped.text
    assert after.kind == "smalltalk"
    assert not [c for c in after.customs if c.get("type", "").startswith("check_")]


@pytest.mark.e2e
def test_a_question_in_the_middle_is_answered_and_the_check_resumes_where_it_was(conversation):
    run_check(conversation, ["/deny", "/deny"])

    interrupted = conversation("Can I accept a friend request from a patient?")
    *_, last = [conversation(a) for a in ALL_NO[2:]]

    kinds = [c["type"] for c in interrupted.customs]
    assert kinds == ["answer", "check_question"]
    assert question_asked(interrupted)["check"] == "clinical_image"
    assert last.custom["verdict"] == "looks_fine"


@pytest.mark.e2e
def test_a_pasted_post_is_redacted_and_never_stored(conversation, servers):
    run_check(conversation, ["/deny"])

    pasted = conversation(
        "yes here it is: Mrs Jane Doe, NHS number 943 476 5919, came in for her scan"
    )

    assert pasted.customs[0]["type"] == "identifiers_removed"
    assert question_asked(pasted)["check"] == "clinical_image"
    store, log = raw_store_and_log(servers)
    assert "943 476 5919" not in store + log and "Jane Doe" not in store + log
