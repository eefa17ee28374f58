"""A user's text, cleaned, capped and with its identifiers replaced by typed placeholders."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import List, Optional

from privacy.redaction import redact

PLACEHOLDER = re.compile(r"\[(NHS_NUMBER|HOSPITAL_NUMBER|DATE|POSTCODE|PHONE|EMAIL|NAME)\]")


@dataclass(frozen=True)
class Prepared:
    text: str
    redacted: List[str]  # the kinds of identifier found, e.g. ["NHS_NUMBER"]


def prepare(text: Optional[str], max_chars: int) -> Prepared:
    """Clean (control, zero-width and direction-override characters dropped, Unicode
    normalised), cap at `max_chars` and redact a user's text. Safe to apply twice."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(
        c for c in text if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co")
    )[:max_chars]
    redaction = redact(text)
    types = set(redaction.types) | set(PLACEHOLDER.findall(redaction.text))
    return Prepared(redaction.text.strip(), sorted(types))
