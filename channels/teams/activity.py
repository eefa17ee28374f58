"""A Teams message activity read: the text for NLU, the metadata for the guard, what it lacks
to be answered."""

from __future__ import annotations

import html
import re
from typing import Any, Dict, Optional, Tuple

from privacy.metadata import json_object

MENTION = re.compile(r"<at\b[^>]*>.*?</at>", re.IGNORECASE | re.DOTALL)


def user_text(activity: Dict[str, Any]) -> str:
    """The typed text without `<at>Bot</at>` mentions (channel and group chats) or HTML
    entities, on one line."""
    text = MENTION.sub(" ", activity.get("text") or "")
    return " ".join(html.unescape(text).split())


def submitted_value(activity: Dict[str, Any]) -> Dict[str, Any]:
    """The `value` a card button carries (an object, or the JSON string Teams may pass on)."""
    return json_object(activity.get("value"))


def message_from(activity: Dict[str, Any]) -> Tuple[str, Dict[str, Any]]:
    """The text for NLU and the metadata for the guard from a message activity: typed text,
    or the payload of the card button pressed (a bare card submit has empty text)."""
    value = submitted_value(activity)
    payload = value.get("payload") if isinstance(value.get("payload"), str) else ""
    metadata: Dict[str, Any] = {}
    if isinstance(value.get("feedback"), dict):
        metadata["feedback"] = value["feedback"]
    if isinstance(activity.get("locale"), str):
        metadata["locale"] = activity["locale"]
    return user_text(activity) or payload, metadata


def problem(activity: Dict[str, Any]) -> Optional[str]:
    """What a message activity lacks to be answered, or None."""
    for key in ("from", "recipient", "conversation"):
        if not isinstance(activity.get(key), dict) or not isinstance(activity[key].get("id"), str):
            return f'"{key}.id" is missing'
    if not isinstance(activity.get("serviceUrl"), str) or not activity["serviceUrl"].startswith(
        ("https://", "http://")
    ):
        return '"serviceUrl" is missing'
    if activity.get("text") is not None and not isinstance(activity["text"], str):
        return '"text" must be a string'
    return None
