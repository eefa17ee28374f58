"""Runtime patches to Rasa 3.6, applied when Rasa builds the project's channels
(channels/guard.py, GuardedInput.from_credentials), before it creates its web app.

1. The web app's root: Rasa answers "/" with its version; here "/" answers without one, a
   request with malformed HTTP framing (e.g. a Content-Length that is not a number) gets 400
   instead of a 500 and a logged traceback, and CORS preflights carry a valid
   Access-Control-Max-Age (sanic-cors sends "None" unless told).

2. The action server's timeout: Rasa waits 5 minutes for a hung action server; here it waits
   GUIDANCE_ACTION_TIMEOUT_S (channels/settings.py), and the guard apologises.

3. The action-response validator, built once.

Rasa checks every action server reply against its JSON schema with `jsonschema.validate`, which
first re-checks the (large, fixed) schema itself against the JSON Schema meta-schema and builds
a new validator: measured with py-spy under load, that was 45 % of the Rasa server's CPU time
(docs/benchmarks.md). Here the validator is built once; the reply is checked against the same
schema, with the same error, as before.
"""

from __future__ import annotations

import traceback
from functools import lru_cache
from typing import Any, Dict, Text

import rasa.server
from jsonschema import validators
from jsonschema.exceptions import best_match
from rasa.core.actions import action as action_module
from rasa.core.actions.action import RemoteAction
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import settings

CORS_MAX_AGE_S = 600  # browsers may cache a preflight for 10 minutes


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


def _raised_by_sanics_http_parser(exception: Exception) -> bool:
    frames = traceback.extract_tb(exception.__traceback__)
    return any(
        frame.filename.endswith(("sanic/http.py", "http1_request_header")) for frame in frames
    )


def _root_route(app: Sanic) -> None:
    """In place of rasa.server.add_root_route, which every Rasa web app is built with."""

    @app.get("/")
    async def hello(request: Request) -> HTTPResponse:
        return response.text("The guidance assistant is running.")

    usual = app.error_handler.default

    def malformed_framing(request: Any, exception: Exception) -> HTTPResponse:
        if _raised_by_sanics_http_parser(exception):
            return response.text("Malformed HTTP request.", status=400)
        return usual(request, exception)  # any other ValueError: Sanic's 500, logged

    app.error_handler.add(ValueError, malformed_framing)
    app.config.CORS_MAX_AGE = str(CORS_MAX_AGE_S)  # read by sanic-cors, configured next


def apply() -> None:
    rasa.server.add_root_route = _root_route
    action_module.DEFAULT_REQUEST_TIMEOUT = settings.ACTION_TIMEOUT_S  # read per call by name
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[assignment]
