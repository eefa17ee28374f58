"""Rasa's REST channel behind the guard (channels/guard.py), with its request checked, so a
malformed request gets a 400 (a body that is not JSON: 415) that says what is wrong instead of
a 500 or an empty reply. The sender id must be a plain id; the tracker store keeps a keyed hash
of it (privacy/ids.py), and the input channel is always this one, whatever the client says. The
URL stays /webhooks/rest/webhook."""

import re
from typing import Any, Dict, Optional, Text

from rasa.core.channels.rest import RestInput
from sanic.exceptions import InvalidUsage, SanicException
from sanic.request import Request

from channels import settings
from channels.guard import GuardedInput, prepare_text, the_guard
from privacy.ids import stored_id

USAGE = 'Send a JSON object: {"sender": "<conversation id>", "message": "<your question>"}.'
TOO_MANY = "Too many messages from your network. Wait a minute, then ask again."
# A conversation id, not free text: no spaces, no markup, no newlines to forge log lines.
SENDER = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def _body(request: Request) -> Dict[Text, Any]:
    if request.content_type.split(";")[0].strip().lower() != "application/json":
        raise SanicException(f"Send Content-Type: application/json. {USAGE}", status_code=415)
    if len(request.body) > settings.MAX_REQUEST_BYTES:
        raise SanicException(
            f"The request is over {settings.MAX_REQUEST_BYTES:,} bytes. {USAGE}", status_code=413
        )
    body = request.json  # Sanic answers 400 itself when the body is not JSON at all
    if not isinstance(body, dict):
        raise InvalidUsage(f"The request body must be a JSON object. {USAGE}")
    return body


def _optional(request: Request, key: Text, kind: type) -> Any:
    value = _body(request).get(key)
    if value is not None and not isinstance(value, kind):
        raise InvalidUsage(f'"{key}" must be a {kind.__name__}. {USAGE}')
    return value


class GuidanceRestInput(GuardedInput, RestInput):
    async def _extract_sender(self, req: Request) -> Optional[Text]:
        sender = _optional(req, "sender", str)
        if not sender or not sender.strip():
            # Without it every client would share one conversation.
            raise InvalidUsage(f'"sender" is required. {USAGE}')
        if not the_guard().address_allowed(req.ip, req.headers.get("x-forwarded-for")):
            raise SanicException(TOO_MANY, status_code=429)
        if not SENDER.fullmatch(sender):
            raise InvalidUsage(
                f'"sender" must be 1-128 letters, digits or . _ : - (a random conversation id). {USAGE}'
            )
        return stored_id("rest", sender)

    def _extract_message(self, req: Request) -> Optional[Text]:
        # Redacted here as well as in the guard: Rasa logs this text if the request times out.
        return prepare_text(_optional(req, "message", str))

    def _extract_input_channel(self, req: Request) -> Text:
        return self.name()  # set by the server: a client cannot pose as another channel

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        return _optional(request, "metadata", dict)
