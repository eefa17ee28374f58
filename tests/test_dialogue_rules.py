"""The dialogue rules of the trained model, asked directly: which action follows which turn.

A typed "yes" or "no" means something different after "Did you mean ...?" than anywhere
else; the rules that say so depend on the `offered_passage` slot, which only the trained
model's RulePolicy can show.
"""

import pytest
from rasa.core.agent import Agent
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from ops.paths import DEFAULT_MODEL

pytestmark = pytest.mark.e2e  # servers, a browser or the trained model: not in `make test-fast`


@pytest.fixture(scope="module")
def agent() -> Agent:
    if not DEFAULT_MODEL.exists():
        pytest.fail(f"no model at {DEFAULT_MODEL}: run the tests with `make test`")
    return Agent.load(str(DEFAULT_MODEL))


def next_action(agent: Agent, intent: str, offered: str = None) -> str:
    events = [ActionExecuted("action_listen")]
    if offered:
        events += [
            UserUttered("a question", {"name": "nlu_fallback", "confidence": 0.4}),
            ActionExecuted("action_answer_guidance"),
            SlotSet("offered_passage", offered),
            ActionExecuted("action_listen"),
        ]
    events.append(UserUttered(intent, {"name": intent, "confidence": 1.0}))
    tracker = DialogueStateTracker.from_events("rules", events, slots=agent.domain.slots)
    action, _ = agent.processor.predict_next_with_tracker_if_should(tracker)
    return action.name()


@pytest.mark.parametrize("intent", ["affirm", "deny"])
def test_yes_or_no_after_did_you_mean_goes_to_the_guidance_action(agent, intent):
    assert next_action(agent, intent, offered="caldicott-principles") == "action_answer_guidance"


@pytest.mark.parametrize("intent, action", [("affirm", "utter_affirm"), ("deny", "utter_deny")])
def test_yes_or_no_anywhere_else_is_small_talk(agent, intent, action):
    assert next_action(agent, intent) == action


def test_an_off_topic_message_goes_to_the_guidance_action_which_judges_the_topic_share(agent):
    assert next_action(agent, "out_of_scope") == "action_answer_guidance"


def in_the_check(agent: Agent, intent: str, rejected: bool) -> str:
    """The next action after `intent` while the check asks its second question; `rejected`
    when the form could not read the message as an answer."""
    events = [
        ActionExecuted("action_listen"),
        UserUttered("check my post", {"name": "check_post", "confidence": 1.0}),
        ActionExecuted("action_start_check"),
        ActionExecuted("post_check_form"),
        ActiveLoop("post_check_form"),
        SlotSet("requested_slot", "check_patient"),
        ActionExecuted("action_listen"),
        UserUttered("/deny", {"name": "deny", "confidence": 1.0}),
        SlotSet("check_patient", False),
        ActionExecuted("post_check_form"),
        SlotSet("requested_slot", "check_at_work"),
        ActionExecuted("action_listen"),
        UserUttered(intent, {"name": intent, "confidence": 1.0}),
    ]
    if rejected:
        events.append(ActionExecutionRejected("post_check_form"))
    tracker = DialogueStateTracker.from_events("check", events, slots=agent.domain.slots)
    action, _ = agent.processor.predict_next_with_tracker_if_should(tracker)
    return action.name()


def test_check_post_starts_the_check(agent):
    assert next_action(agent, "check_post") == "action_start_check"


@pytest.mark.parametrize("intent", ["affirm", "deny", "patient_images"])
def test_while_the_check_asks_the_form_reads_the_answer_first(agent, intent):
    assert in_the_check(agent, intent, rejected=False) == "post_check_form"


@pytest.mark.parametrize(
    "intent, action",
    [
        ("stop", "action_deactivate_loop"),
        ("professional_boundaries", "action_answer_guidance"),
        ("nlu_fallback", "action_answer_guidance"),
        ("help", "action_show_help"),
        ("feedback", "action_feedback"),
        ("check_post", "action_deactivate_loop"),
    ],
)
def test_a_message_that_is_no_answer_is_handled_by_the_check_s_rules(agent, intent, action):
    assert in_the_check(agent, intent, rejected=True) == action
