"""Feedback that leads somewhere, and the route to a person.

"Not helpful" asks what was wrong; the reason then gets the closest other answers, an
invitation to ask again in other words and, where the trust set one up, a person to ask
(settings.CONTACT_ADDRESS; in Teams, "Ask an expert" to settings.EXPERT_CHANNEL_ID). The
feedback itself is the user's `/feedback` message, its metadata kept by privacy/metadata.py.
"""

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import knowledge_base, replies, settings

TEAMS = "botframework"
ASK_EXPERT = {"title": "Ask an expert", "payload": "/ask_expert"}
# A message that asked something of the guidance (not a button's payload, not small talk).
QUESTION_INTENTS = ("nlu_fallback", "out_of_scope", "follow_up")


def offer_contact(dispatcher: CollectingDispatcher, **reply: Any) -> None:
    """The trust's contact line, if it set one up: a text beside the reply, or the reply."""
    if settings.CONTACT_ADDRESS:
        dispatcher.utter_message(
            response="utter_contact",
            contact_name=settings.CONTACT_NAME,
            contact_address=settings.CONTACT_ADDRESS,
            **reply,
        )


def expert_available(tracker: Tracker) -> bool:
    return bool(settings.EXPERT_CHANNEL_ID) and tracker.get_latest_input_channel() == TEAMS


def _user_events(tracker: Tracker) -> List[Dict[str, Any]]:
    return [e for e in tracker.events if e.get("event") == "user"]


def last_question(tracker: Tracker) -> Optional[Dict[str, Any]]:
    """The user's last typed question (as stored: redacted), before the current message."""
    topics = knowledge_base.cached(settings.GUIDANCE_DIR).topics
    for event in reversed(_user_events(tracker)[:-1]):
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        text = event.get("text") or ""
        if (intent in topics or intent in QUESTION_INTENTS) and not text.startswith("/"):
            return event
    return None


class ActionFeedback(Action):
    def name(self) -> Text:
        return "action_feedback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        feedback = (tracker.latest_message.get("metadata") or {}).get("feedback") or {}
        if feedback.get("rating") != "not_helpful":
            dispatcher.utter_message(response="utter_feedback")
            return []
        topic, passage = feedback.get("topic"), feedback.get("passage")
        if not feedback.get("reason"):
            dispatcher.utter_message(
                response="utter_feedback_ask_reason", topic=topic or "", passage=passage or ""
            )
            return []
        kb = knowledge_base.cached(settings.GUIDANCE_DIR)
        question = last_question(tracker)
        ranking = ((question or {}).get("parse_data") or {}).get("passage_ranking") or []
        others = replies.closest_other_answers(kb, ranking, passage)
        expert = [ASK_EXPERT] if expert_available(tracker) else []
        dispatcher.utter_message(
            **replies.not_helpful(feedback["reason"], topic, passage, others, expert)
        )
        offer_contact(dispatcher)
        return []


class ActionAskExpert(Action):
    """In Teams, with an experts' channel set up, the user's last question (redacted, as
    stored) goes to the channel: the Teams renderer posts an `expert_request` there with a
    link back to the asker. Elsewhere, the contact line, or where else to ask."""

    def name(self) -> Text:
        return "action_ask_expert"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        question = last_question(tracker)
        if expert_available(tracker) and question is not None:
            topic = question["parse_data"]["intent"]["name"]
            kb = knowledge_base.cached(settings.GUIDANCE_DIR)
            dispatcher.utter_message(
                response="utter_expert_asked",
                json_message={
                    "type": "expert_request",
                    "question": question["text"],
                    "topic": topic if topic in kb.topics else None,
                },
            )
        elif expert_available(tracker):
            dispatcher.utter_message(response="utter_expert_needs_question")
        elif settings.CONTACT_ADDRESS:
            contact = {"name": settings.CONTACT_NAME, "address": settings.CONTACT_ADDRESS}
            offer_contact(dispatcher, json_message={"type": "smalltalk", "contact": contact})
        else:
            dispatcher.utter_message(response="utter_no_expert")
        return []
