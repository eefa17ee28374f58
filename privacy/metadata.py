"""The metadata a client may pass on to the tracker, each key reduced to a safe shape; anything
else a client sends is dropped."""

from __future__ import annotations

import json
import re
from typing import Any, Callable, Dict, Optional

from privacy.redaction import redact

TOPIC_OR_RATING = re.compile(r"[a-z_]{1,64}")
PASSAGE = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+){0,11}")
REASONS = ("wrong_topic", "not_answered", "unclear", "out_of_date")
LOCALE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,3}")


def _page(value: Any) -> Optional[str]:
    """The path only (a query string or fragment can carry a record number), redacted like a
    message: a path can hold a name or a number too (/patients/9434765919/notes)."""
    if not isinstance(value, str):
        return None
    return redact(value.split("?")[0].split("#")[0][:200]).text


def _feedback(value: Any) -> Optional[Dict[str, str]]:
    """The rating, the topic and passage rated, and after "not helpful" what was wrong: ids
    and fixed words only, never free text."""
    if not isinstance(value, dict):
        return None
    kept = {
        k: value[k]
        for k in ("rating", "topic", "passage", "reason")
        if isinstance(value.get(k), str)
    }
    if kept.get("rating") not in ("helpful", "not_helpful"):
        return None
    valid = {
        "rating": TOPIC_OR_RATING.fullmatch,
        "topic": TOPIC_OR_RATING.fullmatch,
        "passage": lambda v: len(v) <= 100 and PASSAGE.fullmatch(v),
        "reason": lambda v: kept["rating"] == "not_helpful" and v in REASONS,
    }
    return {k: v for k, v in kept.items() if valid[k](v)}


ALLOWED_METADATA: Dict[str, Callable[[Any], Any]] = {
    "page": _page,
    "locale": lambda v: v if isinstance(v, str) and LOCALE.fullmatch(v) else None,
    "feedback": _feedback,
}


def json_object(value: Any) -> Dict[str, Any]:
    """A client's object, also when it was sent as a JSON string; {} for anything else."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return value if isinstance(value, dict) else {}


def clean_metadata(metadata: Any) -> Dict[str, Any]:
    if not isinstance(metadata, dict):
        return {}
    cleaned = {key: keep(metadata.get(key)) for key, keep in ALLOWED_METADATA.items()}
    return {key: value for key, value in cleaned.items() if value}
