"""The "before you post" check as a Rasa form (post_check_form in domain.yml).

The rules (data/rules/check.yml) start it, stop it and answer an unrelated question in the
middle before it asks again; the form asks each `utter_ask_check_<id>` in turn; these actions
start it afresh, read typed answers, and give the verdict.
"""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import knowledge_base, post_check, replies, settings


class ActionStartCheck(Action):
    """Says what the check is and forgets the answers of an earlier one."""

    def name(self) -> Text:
        return "action_start_check"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        check = post_check.cached(settings.GUIDANCE_DIR)
        dispatcher.utter_message(response="utter_check_intro", count=len(check.checks))
        return [SlotSet(c.slot, None) for c in check.checks]


class ValidatePostCheckForm(FormValidationAction):
    """A typed reply that opens with a yes or a no answers the question asked, whatever else
    the NLU makes of it ("yes, a scan" reads like a question about patient images)."""

    def name(self) -> Text:
        return "validate_post_check_form"

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        requested = tracker.get_slot("requested_slot")
        if requested is None or tracker.get_slot(requested) is not None:
            return []
        check = post_check.cached(settings.GUIDANCE_DIR)
        answer = check.answer(tracker.latest_message.get("text") or "")
        return [] if answer is None else [SlotSet(requested, answer)]

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        """Any yes or no is a valid answer (without this, rasa_sdk logs a warning per slot)."""
        form_slots = self.domain_slots(domain)
        return [SlotSet(k, v) for k, v in tracker.slots_to_validate().items() if k in form_slots]


class ActionCheckVerdict(Action):
    def name(self) -> Text:
        return "action_check_verdict"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        check = post_check.cached(settings.GUIDANCE_DIR)
        verdict, risks = check.verdict({c.slot: tracker.get_slot(c.slot) for c in check.checks})
        kb = knowledge_base.cached(settings.GUIDANCE_DIR)
        dispatcher.utter_message(**replies.check_verdict(kb, verdict, risks))
        return []
