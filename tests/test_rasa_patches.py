"""The runtime patch in channels/rasa_patches.py: action server replies are validated exactly
as Rasa validates them, only without rebuilding the validator each time."""

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from channels.guard import the_guard
from channels.rasa_patches import _validate_action_result

REPLIES = [
    {
        "events": [{"event": "slot", "name": "topic", "value": "patient_images"}],
        "responses": [{"response": "utter_guidance_answer", "answer": "x"}],
    },
    {"events": [], "responses": []},
    {},
    {"events": "not a list"},
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": "slot", "name": 7}]},
    {"responses": ["not an object"]},
]


def test_the_patch_is_installed_with_the_guard():
    the_guard()  # as the first project channel does when the server builds it

    assert RemoteAction._validate_action_result is _validate_action_result


@pytest.mark.parametrize("reply", REPLIES)
def test_replies_get_the_same_verdict_as_jsonschema_validate(reply):
    try:
        jsonschema.validate(reply, RemoteAction.action_response_format_spec())
        expected = None
    except jsonschema.ValidationError as error:
        expected = error.message

    if expected is None:
        assert _validate_action_result(None, reply) is True
    else:
        with pytest.raises(jsonschema.ValidationError) as raised:
            _validate_action_result(None, reply)
        assert raised.value.message.startswith(expected)
