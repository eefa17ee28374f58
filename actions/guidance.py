"""The guidance action: answer with a cited passage, ask which topic was meant, or decline."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import knowledge_base, replies, settings
from actions.triage import ANSWER, CLARIFY, NO_QUESTION, decide


class ActionAnswerGuidance(Action):
    def name(self) -> Text:
        return "action_answer_guidance"

    def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        kb = knowledge_base.cached(settings.GUIDANCE_DIR)
        message = tracker.latest_message
        decision = decide(
            text=message.get("text") or "",
            intent=(message.get("intent") or {}).get("name"),
            ranking=message.get("intent_ranking") or [],
            topic_ids=kb.topics,
            previous_topic=tracker.get_slot("topic"),
            thresholds=settings.THRESHOLDS,
        )
        if decision.kind == ANSWER:
            topic = kb.topics[decision.topics[0]]
            dispatcher.utter_message(**replies.answer(kb, topic))
            return [SlotSet("topic", topic.id)]
        if decision.kind == CLARIFY:
            dispatcher.utter_message(**replies.clarify(kb, decision.topics))
            return []
        if decision.kind == NO_QUESTION:
            dispatcher.utter_message(response="utter_default")
            return []
        dispatcher.utter_message(response="utter_out_of_scope")
        return []
