"""Runtime patches to Rasa 3.6, applied when Rasa builds the project's channels
(channels/guard.py, GuardedInput.from_credentials), before it creates its web app.

1. The web app's root: Rasa answers "/" with its version; here "/" answers without one, a
   request with malformed HTTP framing (e.g. a Content-Length that is not a number) gets 400
   instead of a 500 and a logged traceback (a negative one, which Sanic would wait on until
   its timeout, gets 400 at once too: `_CheckedHttp`), and CORS preflights carry a valid
   Access-Control-Max-Age (sanic-cors sends "None" unless told). Sanic reads requests and
   websocket messages up to TRANSPORT_MAX_BYTES, so the channels can answer one over the
   request limit themselves (channels/settings.py).

2. The action server's timeout: Rasa waits 5 minutes for a hung action server; here it waits
   GUIDANCE_ACTION_TIMEOUT_S (channels/settings.py), and the guard apologises.

3. The action-response validator, built once. Rasa checks every action server reply against
   its JSON schema with `jsonschema.validate`, which first re-checks the (large, fixed) schema
   itself against the JSON Schema meta-schema and builds a new validator: measured with py-spy
   under load, that was 45 % of the Rasa server's CPU time (docs/benchmarks.md). Here the
   validator is built once; the reply is checked against the same schema, with the same error.

4. The CORS origins Rasa is started with (`--cors`) are kept (`allowed_origins()`), so the
   socket.io channel checks the same list on websocket connections, which browsers do not
   subject to CORS.

5. A tracker store that cannot be read or written: Rasa falls back to memory and logs it, but
   the message being handled never learns of it. Here each fault is also recorded in
   `store_faults` for the message in hand, so the guard can tell the user.

6. PostgreSQL connections are checked before use (SQLAlchemy's `pool_pre_ping`): after the
   database restarts, the first message gets a fresh connection instead of a dead pooled one.
"""

from __future__ import annotations

import traceback
from contextvars import ContextVar
from functools import lru_cache
from typing import Any, Dict, List, Optional, Text, Union

import rasa.server
from jsonschema import validators
from jsonschema.exceptions import best_match
from rasa.core import tracker_store
from rasa.core.actions import action as action_module
from rasa.core.actions.action import RemoteAction
from rasa.core.tracker_store import FailSafeTrackerStore
from sanic import Sanic, response
from sanic.exceptions import InvalidUsage
from sanic.http import Http
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic.server.protocols import http_protocol

from channels import settings

CORS_MAX_AGE_S = 600  # browsers may cache a preflight for 10 minutes
_configure_cors = rasa.server.configure_cors
_cors_origins: List[str] = []
_engine_kwargs = tracker_store.create_engine_kwargs
_on_store_write_error = FailSafeTrackerStore.on_tracker_store_error
_on_store_read_error = FailSafeTrackerStore.on_tracker_store_retrieve_error
# The tracker store faults met while handling the message in hand: the guard sets a new list
# for each message; the task Rasa handles it in shares the list.
store_faults: ContextVar[Optional[List[str]]] = ContextVar("store_faults", default=None)


def _keep_cors_origins(app: Sanic, cors_origins: Union[Text, List[Text], None] = "") -> None:
    _cors_origins[:] = [cors_origins] if isinstance(cors_origins, str) else cors_origins or []
    _configure_cors(app, cors_origins)


def allowed_origins() -> Union[List[str], str, None]:
    """The origins whose pages may connect, as python-engineio takes them: a list, "*" for
    any, or None for the server's own origin only (no `--cors`)."""
    origins = [origin for origin in _cors_origins if origin]
    if "*" in origins:
        return "*"
    return origins or None


def _engine_kwargs_pinged(url: Any) -> Dict[str, Any]:
    kwargs = _engine_kwargs(url)
    return {**kwargs, "pool_pre_ping": True} if tracker_store.is_postgresql_url(url) else kwargs


def _recorded(what: str, log: Any) -> Any:
    def on_error(self: FailSafeTrackerStore, error: Exception) -> None:
        faults = store_faults.get()
        if faults is not None:
            faults.append(what)
        log(self, error)

    return on_error


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


class _CheckedHttp(Http):
    """Sanic's HTTP/1 connection, refusing a negative Content-Length when the body is read.
    (A subclass, not a patch of Http.read: Sanic rewrites Http's own methods at start-up.)"""

    async def read(self) -> Optional[bytes]:
        if self.request_body is True and (self.request_bytes_left or 0) < 0:
            self.request_body, self.keep_alive = False, False  # nothing more to read from it
            raise InvalidUsage("Malformed HTTP request.")
        return await super().read()


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
    app.config.REQUEST_MAX_SIZE = settings.TRANSPORT_MAX_BYTES
    app.config.WEBSOCKET_MAX_SIZE = settings.TRANSPORT_MAX_BYTES


def apply() -> None:
    rasa.server.add_root_route = _root_route
    http_protocol.Http = _CheckedHttp  # type: ignore[misc]
    rasa.server.configure_cors = _keep_cors_origins
    tracker_store.create_engine_kwargs = _engine_kwargs_pinged
    FailSafeTrackerStore.on_tracker_store_error = _recorded("write", _on_store_write_error)
    FailSafeTrackerStore.on_tracker_store_retrieve_error = _recorded("read", _on_store_read_error)
    action_module.DEFAULT_REQUEST_TIMEOUT = settings.ACTION_TIMEOUT_S  # read per call by name
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[assignment]
