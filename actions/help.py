"""The help action: list what the assistant covers, from the knowledge base."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import knowledge_base, replies, settings
from actions.feedback import offer_contact


class ActionShowHelp(Action):
    def name(self) -> Text:
        return "action_show_help"

    def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        kb = knowledge_base.cached(settings.GUIDANCE_DIR)
        dispatcher.utter_message(**replies.overview(kb))
        offer_contact(dispatcher)
        return []
