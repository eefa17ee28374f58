"""Rasa's REST channel behind the guard (channels/guard.py), with its request checked, so a
malformed request gets a 400 that says what is wrong instead of a 500 or an empty reply.
The URL stays /webhooks/rest/webhook."""

from typing import Any, Dict, Optional, Text

from rasa.core.channels.rest import RestInput
from sanic.exceptions import InvalidUsage
from sanic.request import Request

from channels.guard import GuardedInput, prepare_text

USAGE = 'Send a JSON object: {"sender": "<conversation id>", "message": "<your question>"}.'


def _body(request: Request) -> Dict[Text, Any]:
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
        return sender

    def _extract_message(self, req: Request) -> Optional[Text]:
        # Redacted here as well as in the guard: Rasa logs this text if the request times out.
        return prepare_text(_optional(req, "message", str))

    def _extract_input_channel(self, req: Request) -> Text:
        return _optional(req, "input_channel", str) or self.name()

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        return _optional(request, "metadata", dict)
