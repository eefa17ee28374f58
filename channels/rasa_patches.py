"""One runtime patch to Rasa 3.6, applied with the guard (channels/guard.py, the_guard()).

Rasa checks every action server reply against its JSON schema with `jsonschema.validate`, which
first re-checks the (large, fixed) schema itself against the JSON Schema meta-schema and builds
a new validator: measured with py-spy under load, that was 45 % of the Rasa server's CPU time
(docs/benchmarks.md). Here the validator is built once; the reply is checked against the same
schema, with the same error, as before.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, Text

from jsonschema import validators
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction


@lru_cache(maxsize=1)
def _validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    error = best_match(_validator().iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response "
            "from the Action endpoint is valid."
        )
        raise error
    return True


def apply() -> None:
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[assignment]
