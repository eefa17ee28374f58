"""Talk to the assistant over Rasa's REST channel and read the reply contract."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional

import requests

NOTICES = ("identifiers_removed", "not_saved")


@dataclass
class Reply:
    """The messages the bot sent for one user message."""

    messages: List[Dict[str, Any]]

    @property
    def customs(self) -> List[Dict[str, Any]]:
        return [m["custom"] for m in self.messages if "custom" in m]

    @property
    def custom(self) -> Dict[str, Any]:
        """The one machine-readable reply object (empty if the contract was broken); a notice
        beside it (identifiers removed, conversation not saved) is not a reply."""
        customs = [c for c in self.customs if c.get("type") not in NOTICES]
        return customs[0] if len(customs) == 1 else {}

    @property
    def kind(self) -> Optional[str]:
        return self.custom.get("type")

    @property
    def topic(self) -> Optional[str]:
        return self.custom.get("topic")

    @property
    def options(self) -> List[str]:
        return list(self.custom.get("options", []))

    @property
    def text(self) -> str:
        return "\n\n".join(m["text"] for m in self.messages if m.get("text"))

    @property
    def buttons(self) -> List[Dict[str, str]]:
        return [b for m in self.messages for b in m.get("buttons", [])]


def send(webhook: str, sender: str, message: str, timeout: float = 60) -> Reply:
    """POST one message and return the bot's reply."""
    response = requests.post(webhook, json={"sender": sender, "message": message}, timeout=timeout)
    response.raise_for_status()
    return Reply(response.json())
