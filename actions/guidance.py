"""The guidance action: answer with the passage that fits, ask which topic was meant, or decline."""

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import knowledge_base, replies, settings
from actions.passage_choice import Choice, Match, best_in_topic, choose, direct, matches
from actions.triage import ANSWER, CLARIFY, NO_QUESTION, decide

AFFIRM, DENY = "affirm", "deny"


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
        intent = (message.get("intent") or {}).get("name")
        shown: List[str] = tracker.get_slot("passages_shown") or []
        offered: Optional[str] = tracker.get_slot("offered_passage")

        if offered in kb.passages and intent in (AFFIRM, DENY):  # the reply to "Did you mean ...?"
            if intent == DENY:
                dispatcher.utter_message(response="utter_deny")
                return [SlotSet("offered_passage", None)]
            passage = kb.passages[offered]
            return self._answer(
                dispatcher,
                kb,
                Choice(kb.topics[passage.topics[0]], Match(passage, 1.0, passage.questions[0])),
                shown,
            )

        previous_topic = tracker.get_slot("topic")
        decision = decide(
            text=message.get("text") or "",
            intent=intent,
            ranking=message.get("intent_ranking") or [],
            topic_ids=kb.topics,
            previous_topic=previous_topic,
            thresholds=settings.THRESHOLDS,
        )
        ranked_passages = message.get("passage_ranking") or []
        if decision.kind == ANSWER:
            topic_id = decision.topics[0]
            choice = choose(
                kb,
                topic_id,
                message.get("intent_ranking") or [],
                ranked_passages,
                requested=next(tracker.get_latest_entity_values("passage"), None),
                # More on the same topic never repeats what the conversation already had.
                shown=shown if topic_id == previous_topic else (),
                settings=settings.PASSAGE_CHOICE,
            )
            return self._answer(dispatcher, kb, choice, shown)
        quoted = direct(kb, ranked_passages, settings.PASSAGE_CHOICE)
        if quoted is not None and decision.kind != NO_QUESTION:
            return self._answer(dispatcher, kb, quoted, shown)
        if decision.kind == CLARIFY:
            found = matches(kb, ranked_passages)
            options = [
                best_in_topic(kb.topics[t], found, settings=settings.PASSAGE_CHOICE)
                for t in decision.topics
            ]
            dispatcher.utter_message(**replies.clarify(kb, options, list(decision.topics)))
            one = options[0].passage.id if len(options) == 1 else None
            return [SlotSet("offered_passage", one)]
        dispatcher.utter_message(
            response="utter_default" if decision.kind == NO_QUESTION else "utter_out_of_scope"
        )
        return [SlotSet("offered_passage", None)] if offered else []

    @staticmethod
    def _answer(
        dispatcher: CollectingDispatcher,
        kb: knowledge_base.KnowledgeBase,
        choice: Choice,
        shown: List[str],
    ) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(**replies.answer(kb, choice, shown))
        passage = choice.match.passage.id
        return [
            SlotSet("topic", choice.topic.id),
            SlotSet("passages_shown", [p for p in shown if p != passage] + [passage]),
            SlotSet("offered_passage", None),
        ]
