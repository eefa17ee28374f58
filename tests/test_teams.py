"""Microsoft Teams end to end: the real Rasa and action servers with the Teams channel
(channels/teams/channel.py), and Microsoft's cloud replaced by a fake on localhost
(tests/bot_framework_fake.py) that signs what Teams sends and records what the bot posts."""

from __future__ import annotations

import asyncio
import io
import itertools
import json
import os
import subprocess
import sys
import time
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import jsonschema
import jwt
import pytest
import requests
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from channels.teams.activity import message_from, user_text
from channels.teams.auth import BotToken
from channels.teams.cards import ADAPTIVE_CARD, MAX_ACTIONS, activity_for, teams_markdown
from channels.teams.channel import TeamsOutput, token_url
from ops import teams_package
from ops.paths import ROOT
from ops.servers import Servers, free_port
from ops.teams_credentials import credentials_for_run
from privacy.ids import stored_id
from tests.support.bot_framework_fake import (
    ACCESS_TOKEN,
    KEY_ID,
    METADATA_PATH,
    FakeBotFramework,
    Posted,
    new_rsa_key,
)
from tests.support.contract import AMBIGUOUS_QUESTION
from tests.support.servers import raw_store_and_log, running_servers, stored_events

pytestmark = pytest.mark.e2e  # servers, a browser or the trained model: not in `make test-fast`

APP_ID = "6a0f2e4c-3b1d-4f8a-9c2e-7d5b1a0e9f31"
APP_PASSWORD = "not-a-real-secret"
TENANT_ID = "0e1d2c3b-4a59-4687-9a8b-c7d6e5f4a3b2"
FRIEND_REQUEST = "Can I accept a friend request from a patient?"
EXPERT_CHANNEL = "19:experts-channel@thread.tacv2"
KEYS_REACHABLE_TIMEOUT_S = 60

_ids = itertools.count()


@dataclass
class Teams:
    """The assistant as Teams sees it."""

    servers: Servers
    fake: FakeBotFramework
    status_while_keys_unreachable: int

    @property
    def webhook(self) -> str:
        return f"{self.servers.rasa_url}/webhooks/botframework/webhook"

    def message(
        self,
        text: Optional[str],
        conversation: Optional[str] = None,
        user: Optional[str] = None,
        **fields: Any,
    ) -> Dict[str, Any]:
        """A message activity as Teams posts it for a personal (1:1) chat."""
        n = next(_ids)
        activity = {
            "type": "message",
            "id": f"1700000000{n:06d}",
            "channelId": "msteams",
            "serviceUrl": self.fake.base_url + "/",
            "from": {
                "id": user or f"29:user-{n}",
                "name": "A Radiographer",
                "aadObjectId": str(uuid.uuid4()),
            },
            "conversation": {
                "id": conversation or f"a:personal-{n}",
                "conversationType": "personal",
                "tenantId": TENANT_ID,
            },
            "recipient": {"id": f"28:{APP_ID}", "name": "Guidance"},
            "textFormat": "plain",
            "locale": "en-GB",
            "channelData": {"tenant": {"id": TENANT_ID}},
            **fields,
        }
        if text is not None:
            activity["text"] = text
        return activity

    def post(
        self, activity: Any, token: Optional[str] = "valid", body: Optional[bytes] = None
    ) -> requests.Response:
        headers = {"Content-Type": "application/json"}
        if token == "valid":
            token = self.fake.token()
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        data = body if body is not None else json.dumps(activity).encode()
        return requests.post(self.webhook, data=data, headers=headers, timeout=60)

    def ask(self, activity: Dict[str, Any], count: int = 1) -> List[Posted]:
        """Post a signed activity and return the bot's replies in its conversation."""
        conversation = activity["conversation"]["id"]
        before = len(self.fake.replies_to(conversation))
        assert self.post(activity).status_code == 200
        return self.fake.wait_for_replies(conversation, before + count)[before:]


@pytest.fixture(scope="module")
def teams(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Teams]:
    fake = FakeBotFramework(APP_ID)
    base_url = fake.serve()
    metadata_port = free_port()  # nothing listens here until the keys "come back" below
    directory = tmp_path_factory.mktemp("teams")
    credentials = directory / "credentials.yml"
    # REST too: ops/servers.py waits for /webhooks/rest/ to know the server is up.
    credentials.write_text(
        "channels.rest.GuidanceRestInput:\n"
        "channels.teams.TeamsInput:\n"
        "  app_id: ${MICROSOFT_APP_ID}\n"
        "  app_password: ${MICROSOFT_APP_PASSWORD}\n"
    )
    environment = {
        "MICROSOFT_APP_ID": APP_ID,
        "MICROSOFT_APP_PASSWORD": APP_PASSWORD,
        "MICROSOFT_APP_TENANT_ID": TENANT_ID,
        "BOTFRAMEWORK_OPENID_URL": f"http://127.0.0.1:{metadata_port}{METADATA_PATH}",
        "BOTFRAMEWORK_TOKEN_URL": f"{base_url}/{TENANT_ID}/oauth2/v2.0/token",
        "TEAMS_EXPERT_CHANNEL_ID": EXPERT_CHANNEL,
    }
    try:
        with running_servers(
            directory, credentials=str(credentials), extra_environment=environment
        ) as servers:
            teams_ = Teams(servers, fake, status_while_keys_unreachable=0)
            unreachable = teams_.message(
                FRIEND_REQUEST,
                conversation="a:while-keys-unreachable",
                user="29:user-while-keys-unreachable",
            )
            teams_.status_while_keys_unreachable = teams_.post(unreachable).status_code
            fake.serve(metadata_port)
            # Every test starts once the keys have been fetched (a typing activity is verified,
            # then ignored), whichever tests run.
            deadline = time.monotonic() + KEYS_REACHABLE_TIMEOUT_S
            while teams_.post(teams_.message(None, type="typing")).status_code == 401:
                assert time.monotonic() < deadline, "the keys were never fetched once reachable"
                time.sleep(0.5)
            yield teams_
    finally:
        fake.stop()


def card_of(reply: Posted) -> Dict[str, Any]:
    attachments = reply.activity.get("attachments") or []
    assert [a["contentType"] for a in attachments] == [ADAPTIVE_CARD], reply.activity
    return attachments[0]["content"]


def submit_actions(card: Dict[str, Any]) -> List[Dict[str, Any]]:
    found = list(card.get("actions", []))
    for element in card["body"]:
        found += element.get("actions", [])
    return found


def card_text(card: Dict[str, Any]) -> str:
    return "\n".join(e["text"] for e in card["body"] if e["type"] == "TextBlock")


def value_of(action: Dict[str, Any]) -> Dict[str, Any]:
    return json.loads(action["data"]["msteams"]["value"])


def answered_topic(reply: Posted) -> Optional[str]:
    """The topic of an answer card (its feedback buttons carry it)."""
    feedback = [
        value_of(a)["feedback"] for a in submit_actions(card_of(reply)) if "feedback" in value_of(a)
    ]
    return feedback[0]["topic"] if feedback else None


def press(
    teams: Teams, action: Dict[str, Any], conversation: str, user: str, style: str = "messageBack"
) -> Dict[str, Any]:
    """The activity Teams sends when the user presses a card button."""
    msteams = action["data"]["msteams"]
    if style == "messageBack":
        return teams.message(
            msteams["text"], conversation, user, value=json.loads(msteams["value"])
        )
    if style == "imBack":
        return teams.message(msteams["text"], conversation, user)
    # A card submit without the msteams routing: empty text, the data as `value`.
    return teams.message("", conversation, user, value=json.loads(msteams["value"]))


def stored_user_events(teams: Teams, teams_user_id: str) -> List[Dict[str, Any]]:
    sender = stored_id("teams", teams_user_id)
    return [json.loads(data) for _, data in stored_events(teams.servers, sender, "user")]


# --- start-up without Microsoft ------------------------------------------------------------


def test_server_starts_while_keys_are_unreachable_and_answers_once_they_are(teams: Teams):
    assert teams.status_while_keys_unreachable == 401

    activity = teams.message(FRIEND_REQUEST, conversation="a:while-keys-unreachable")
    deadline = time.monotonic() + KEYS_REACHABLE_TIMEOUT_S
    while teams.post(activity).status_code == 401:
        assert time.monotonic() < deadline, "the keys were never fetched once reachable"
        time.sleep(0.5)

    replies = teams.fake.wait_for_replies("a:while-keys-unreachable")
    assert len(replies) == 1, "the request made while the keys were unreachable was processed"
    assert answered_topic(replies[0]) == "professional_boundaries"
    assert not stored_user_events(teams, "29:user-while-keys-unreachable")


# --- personal chat ---------------------------------------------------------------------------


def test_friend_request_question_is_answered_with_a_cited_boundaries_card(
    teams: Teams, knowledge_base
):
    question = teams.message(FRIEND_REQUEST)

    (reply,) = teams.ask(question)

    topic = knowledge_base.topics["professional_boundaries"]
    card = card_of(reply)
    assert answered_topic(reply) == topic.id
    assert card["body"][0]["text"] == topic.title
    passage = next(p for p in topic.passages if p.answer in card_text(card))
    assert "Key points" in card_text(card)
    for point in (*passage.do, *passage.dont):
        assert f"- {point}" in card_text(card)
    for cited in knowledge_base.citations(passage):
        assert f"({cited.url})" in card_text(card)
        assert cited.source.short_name in card_text(card)
    assert reply.authorization == f"Bearer {ACCESS_TOKEN}"
    assert reply.activity["replyToId"] == question["id"]
    assert reply.activity["recipient"]["id"] == question["from"]["id"]
    assert reply.activity["from"] == question["recipient"]


def test_every_card_button_is_a_clickable_teams_action(teams: Teams, knowledge_base):
    (reply,) = teams.ask(teams.message(FRIEND_REQUEST))

    actions = submit_actions(card_of(reply))
    assert len(actions) <= MAX_ACTIONS
    assert all(
        a["type"] == "Action.Submit" and a["data"]["msteams"]["type"] == "messageBack"
        for a in actions
    )
    suggested = [a["data"]["msteams"]["text"] for a in actions if "feedback" not in value_of(a)]
    assert suggested and all(payload.startswith("/") for payload in suggested)
    assert len(suggested) <= MAX_ACTIONS - 2
    ratings = [value_of(a)["feedback"]["rating"] for a in actions if "feedback" in value_of(a)]
    assert ratings == ["helpful", "not_helpful"]


def test_replies_use_the_tenant_token_endpoint_and_one_cached_token(teams: Teams):
    teams.ask(teams.message("Can I post a photo of my team at work?"))
    teams.ask(teams.message("Is WhatsApp OK for sending handover notes?"))

    assert len(teams.fake.token_requests) == 1
    (request,) = teams.fake.token_requests
    assert request["path"] == f"/{TENANT_ID}/oauth2/v2.0/token"
    assert (request["client_id"], request["client_secret"]) == (APP_ID, APP_PASSWORD)
    assert request["grant_type"] == "client_credentials"
    assert request["scope"] == "https://api.botframework.com/.default"
    assert all(p.authorization == f"Bearer {ACCESS_TOKEN}" for p in teams.fake.posted)


# --- channel and group chat mentions ---------------------------------------------------------


def test_a_channel_message_with_a_mention_is_answered_for_the_right_topic(teams: Teams):
    user = "29:user-channel-mention"
    activity = teams.message(
        "<at>Guidance</at> can I share an x-ray image of an interesting case on Twitter?",
        conversation="19:abc123@thread.tacv2;messageid=1700000000999",
        user=user,
        entities=[
            {
                "type": "mention",
                "text": "<at>Guidance</at>",
                "mentioned": {"id": f"28:{APP_ID}", "name": "Guidance"},
            }
        ],
    )
    activity["conversation"]["conversationType"] = "channel"

    (reply,) = teams.ask(activity)

    assert answered_topic(reply) == "patient_images"
    (stored,) = stored_user_events(teams, user)
    assert "<at>" not in stored["text"] and "Guidance" not in stored["text"]


# --- buttons ---------------------------------------------------------------------------------


@pytest.mark.parametrize("style", ["messageBack", "imBack", "card submit"])
def test_pressing_a_follow_up_button_answers_its_topic(teams: Teams, style: str):
    conversation, user = f"a:follow-up-{style}", f"29:user-follow-up-{style}"
    (card_reply,) = teams.ask(teams.message(FRIEND_REQUEST, conversation, user))
    follow_up = next(
        a for a in submit_actions(card_of(card_reply)) if "feedback" not in value_of(a)
    )

    (reply,) = teams.ask(press(teams, follow_up, conversation, user, style))

    assert follow_up["data"]["msteams"]["text"].startswith(f"/{answered_topic(reply)}")


def test_a_clarify_question_is_a_card_whose_options_are_answered(teams: Teams):
    conversation, user = "a:clarify", "29:user-clarify"
    (clarify,) = teams.ask(teams.message(AMBIGUOUS_QUESTION, conversation, user))
    options = submit_actions(card_of(clarify))
    assert 2 <= len(options) <= 3
    assert all(a["data"]["msteams"]["text"].startswith("/") for a in options)

    (reply,) = teams.ask(press(teams, options[0], conversation, user))

    assert options[0]["data"]["msteams"]["text"].startswith(f"/{answered_topic(reply)}")


def button(reply: Posted, title: str) -> Dict[str, Any]:
    return next(a for a in submit_actions(card_of(reply)) if a["title"] == title)


def test_not_helpful_asks_why_and_stores_both_with_the_topic_and_passage(teams: Teams):
    conversation, user = "a:feedback", "29:user-feedback"
    (card_reply,) = teams.ask(teams.message(FRIEND_REQUEST, conversation, user))
    passage = value_of(button(card_reply, "Not helpful"))["feedback"]["passage"]

    (why,) = teams.ask(press(teams, button(card_reply, "Not helpful"), conversation, user))
    reasons = [a["title"] for a in submit_actions(card_of(why))]
    (next_steps,) = teams.ask(press(teams, button(why, "Unclear"), conversation, user))

    assert reasons == ["Wrong topic", "Didn't answer my question", "Unclear", "Out of date"]
    assert "Thank you" in card_text(card_of(next_steps))
    offered = [a["title"] for a in submit_actions(card_of(next_steps))]
    assert offered[-1] == "Ask an expert" and len(offered) >= 2
    feedback = [e for e in stored_user_events(teams, user) if e.get("text") == "/feedback"]
    rated = {"rating": "not_helpful", "topic": "professional_boundaries", "passage": passage}
    assert [e["metadata"]["feedback"] for e in feedback] == [rated, {**rated, "reason": "unclear"}]
    assert all(e["parse_data"]["intent"]["name"] == "feedback" for e in feedback)


def test_ask_an_expert_posts_the_redacted_question_to_the_experts_channel(teams: Teams):
    conversation, user = "a:expert", "29:user-expert"
    question = "Mrs Jane Doe sent me a friend request after her scan, can I accept it?"
    (answer,) = teams.ask(teams.message(question, conversation, user), count=2)[-1:]
    (why,) = teams.ask(press(teams, button(answer, "Not helpful"), conversation, user))
    (next_steps,) = teams.ask(press(teams, button(why, "Wrong topic"), conversation, user))
    ask = press(teams, button(next_steps, "Ask an expert"), conversation, user)

    (confirmation,) = teams.ask(ask)

    (posted,) = teams.fake.wait_for_replies(EXPERT_CHANNEL)
    card = card_of(posted)
    assert "[NAME]" in card_text(card) and "Jane Doe" not in json.dumps(posted.activity)
    (link,) = card["actions"]
    assert link["url"].endswith(f"users={ask['from']['aadObjectId']}")
    assert posted.authorization == f"Bearer {ACCESS_TOKEN}"
    assert "experts" in confirmation.activity["text"]


def test_ask_an_expert_posts_nothing_without_an_experts_channel(teams: Teams):
    token = BotToken(teams.fake.base_url + f"/{TENANT_ID}/oauth2/v2.0/token", APP_ID, APP_PASSWORD)
    activity = teams.message(FRIEND_REQUEST, conversation="a:no-experts")
    request = {"type": "expert_request", "question": "a question", "topic": None}
    before = len(teams.fake.posted)

    for configured in (None, ""):
        output = TeamsOutput(activity, token, expert_channel_id=configured)
        asyncio.run(output.send_response("user", {"text": "Passed on.", "custom": request}))

    assert [p.conversation_id for p in teams.fake.posted[before:]] == ["a:no-experts"] * 2


def test_the_before_you_post_check_in_teams_asks_with_cards_and_gives_a_cited_verdict(
    teams: Teams, knowledge_base
):
    conversation, user = "a:check", "29:user-check"
    intro, question = teams.ask(teams.message("check my post", conversation, user), count=2)
    steps = [card_text(card_of(question))]
    for answer in ["Yes", "No", "No", "No", "No", "No"]:
        (question,) = teams.ask(press(teams, button(question, answer), conversation, user))
        steps.append(card_text(card_of(question)))
    (verdict,) = teams.ask(press(teams, button(question, "No"), conversation, user))

    assert "question" in intro.activity["text"].lower()
    assert [s.splitlines()[0] for s in steps] == [
        f"Before you post: question {n} of 7" for n in range(1, 8)
    ]
    text = card_text(card_of(verdict))
    assert text.startswith("Don't post this")
    assert f"({knowledge_base.passages['hcpc-tip-confidential'].url})" in text


# --- plain text ------------------------------------------------------------------------------


def test_plain_replies_are_teams_markdown_messages_with_links(teams: Teams):
    (greeting,) = teams.ask(teams.message("hello"))
    (declined,) = teams.ask(teams.message("which exposure factors suit a skyline patella view?"))

    for reply in (greeting, declined):
        assert reply.activity["textFormat"] == "markdown" and "attachments" not in reply.activity
    assert "[https://www.sor.org/" in declined.activity["text"]


# --- security --------------------------------------------------------------------------------


def _expired(fake: FakeBotFramework) -> str:
    hour_ago = int(time.time()) - 3600
    return fake.token(iat=hour_ago - 3600, nbf=hour_ago - 3600, exp=hour_ago)


BAD_TOKENS = {
    "no token": lambda fake: None,
    "not a JWT": lambda fake: "not-a-jwt",
    "forged signature": lambda fake: fake.token(key=new_rsa_key()),
    "expired": _expired,
    "wrong audience": lambda fake: fake.token(aud="00000000-0000-0000-0000-000000000000"),
    "wrong issuer": lambda fake: fake.token(iss="https://sts.windows.net/not-bot-framework/"),
    "no expiry": lambda fake: fake.token(exp=None),
    "unknown key id": lambda fake: fake.token(headers={"kid": "some-other-key"}),
    "other service url": lambda fake: fake.token(serviceurl="https://attacker.example/"),
    "HS256 instead of RS256": lambda fake: jwt.encode(
        {"iss": "https://api.botframework.com", "aud": APP_ID, "exp": int(time.time()) + 600},
        "a-shared-secret-instead-of-a-signature",
        algorithm="HS256",
        headers={"kid": KEY_ID},
    ),
}


@pytest.mark.parametrize("case", BAD_TOKENS)
def test_requests_without_a_valid_bot_framework_token_are_rejected_and_not_processed(
    teams: Teams, case: str
):
    conversation, user = f"a:bad-token-{case}", f"29:user-bad-token-{case}"

    rejected = teams.post(
        teams.message(FRIEND_REQUEST, conversation, user), token=BAD_TOKENS[case](teams.fake)
    )

    assert rejected.status_code in (401, 403)
    # The webhook answers only after the turn, so a valid message now proves the bad one was
    # never processed: it is the only reply in the conversation.
    teams.ask(teams.message(FRIEND_REQUEST, conversation))
    assert len(teams.fake.replies_to(conversation)) == 1
    assert not stored_user_events(teams, user)


# --- robustness ------------------------------------------------------------------------------


def _without(key: str):
    def activity(teams: Teams, conversation: str) -> Dict[str, Any]:
        body = teams.message(FRIEND_REQUEST, conversation)
        del body[key]
        return body

    return activity


UNEXPECTED = {
    "malformed JSON": b'{"type": "message", "text": ',
    "a JSON list": b"[]",
    "a JSON string": b'"message"',
    "empty body": b"",
    "conversationUpdate": lambda teams, c: teams.message(
        None, c, type="conversationUpdate", membersAdded=[{"id": f"28:{APP_ID}"}]
    ),
    "typing": lambda teams, c: teams.message(None, c, type="typing"),
    "messageReaction": lambda teams, c: teams.message(
        None, c, type="messageReaction", reactionsAdded=[{"type": "like"}]
    ),
    "invoke": lambda teams, c: teams.message(None, c, type="invoke", name="adaptiveCard/action"),
    "no type": _without("type"),
    "no from": _without("from"),
    "no conversation": _without("conversation"),
    "no recipient": _without("recipient"),
    "no serviceUrl": _without("serviceUrl"),
    "text not a string": lambda teams, c: {**teams.message(None, c), "text": {"html": "hi"}},
    "value not an object": lambda teams, c: teams.message("", c, value="{not json"),
    "no text at all": lambda teams, c: teams.message(None, c),
}


@pytest.mark.parametrize("case", UNEXPECTED)
def test_unexpected_activities_never_cause_a_server_error(teams: Teams, case: str):
    conversation = f"a:unexpected-{case}"
    unexpected = UNEXPECTED[case]
    if isinstance(unexpected, bytes):
        status = teams.post(None, body=unexpected).status_code
    else:
        status = teams.post(unexpected(teams, conversation)).status_code

    assert status in (200, 400)
    (reply,) = teams.ask(teams.message(FRIEND_REQUEST, conversation))
    assert answered_topic(reply) == "professional_boundaries"


TEXTS = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(whitelist_categories=("Cc", "Cf", "Zs", "So")), max_size=100),
    st.sampled_from(
        [
            "<at>Guidance</at>",
            "<script>alert(1)</script>",
            "'; DROP TABLE events; --",
            "x" * 100_000,
            FRIEND_REQUEST,
        ]
    ),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXTS,
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
FIELDS = (
    "type",
    "id",
    "text",
    "value",
    "from",
    "recipient",
    "conversation",
    "serviceUrl",
    "channelData",
    "entities",
    "locale",
)


@settings(
    max_examples=100, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)
@given(
    changes=st.dictionaries(st.sampled_from(FIELDS), JSON_VALUES | TEXTS, max_size=4),
    dropped=st.lists(st.sampled_from(FIELDS), max_size=3),
    text=TEXTS,
)
def test_fuzzed_signed_activities_never_get_a_server_error(teams: Teams, changes, dropped, text):
    activity = {**teams.message(text, conversation="a:fuzz"), **changes}
    for field in dropped:
        activity.pop(field, None)

    assert teams.post(activity).status_code in (200, 400, 403)


def test_after_the_fuzzing_the_server_is_healthy_and_answers(teams: Teams):
    (reply,) = teams.ask(teams.message(FRIEND_REQUEST))
    assert answered_topic(reply) == "professional_boundaries"


def test_identifiers_sent_from_teams_are_never_stored_or_logged(teams: Teams):
    identifiers = [
        "Ada Lovelace",
        "907 866 6617",
        "9078666617",
        "10/12/1949",
        "CF10 3AT",
        "07700 900789",
        "ada.l@example.com",
        "RWA482913",
    ]
    user = "29:user-identifiers"
    replies = teams.ask(
        teams.message(
            "my patient Ada Lovelace (NHS 907 866 6617, DOB 10/12/1949, CF10 3AT, 07700 900789, "
            "ada.l@example.com, RWA482913) wants a selfie with me, can I post it?",
            user=user,
        ),
        count=2,
    )

    assert "removed what looked like personal details" in replies[0].activity["text"]
    (stored,) = stored_user_events(teams, user)
    assert stored["text"].startswith("my patient [NAME] (NHS [NHS_NUMBER], DOB [DATE]")
    database, log = raw_store_and_log(teams.servers)
    for identifier in identifiers:
        assert identifier not in database and identifier not in log, identifier


def test_the_same_activity_delivered_twice_is_answered_once(teams: Teams):
    activity = teams.message(FRIEND_REQUEST, "a:retried")

    assert teams.post(activity).status_code == 200
    assert teams.post(activity).status_code == 200

    teams.ask(teams.message("hello", "a:retried"))
    assert len(teams.fake.replies_to("a:retried")) == 2


# --- the pieces, without servers ------------------------------------------------------------


def test_token_url_is_the_tenants_or_the_multi_tenant_one():
    assert (
        token_url(TENANT_ID) == f"https://login.microsoftonline.com/{TENANT_ID}/oauth2/v2.0/token"
    )
    assert token_url(None) == "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token"


def test_mentions_and_entities_are_removed_from_the_text():
    assert user_text({"text": "<at>Guidance</at>&nbsp;can I post <at id='1'>Jo</at> this?\n"}) == (
        "can I post this?"
    )


def test_a_bare_card_submit_becomes_its_payload_and_feedback_metadata():
    value = {"payload": "/feedback", "feedback": {"rating": "helpful", "topic": "students"}}
    assert message_from({"text": "", "value": value, "locale": "en-GB"}) == (
        "/feedback",
        {"feedback": value["feedback"], "locale": "en-GB"},
    )
    assert message_from({"value": json.dumps({"payload": "/students"})}) == ("/students", {})


def test_plain_text_keeps_line_breaks_and_links():
    text = "Two things:\none\ntwo\n\nSee https://example.org/guide."
    assert teams_markdown(text) == (
        "Two things:<br>one<br>two\n\nSee [https://example.org/guide](https://example.org/guide)."
    )


def test_an_answer_card_is_drawn_from_the_answer_structure_not_the_text():
    answer = {
        "type": "answer",
        "topic": "students",
        "title": "Students",
        "citations": [],
        "answer": {
            "passage": "p",
            "summary": "The summary.",
            "do": ["Do this"],
            "dont": ["Don't that"],
        },
    }
    card = activity_for({"text": "Something else entirely", "custom": answer})["attachments"][0][
        "content"
    ]
    text = card_text(card)
    assert "The summary." in text and "- Do this" in text and "- Don't that" in text
    assert "Something else entirely" not in text


def test_a_card_never_has_more_actions_than_teams_shows():
    buttons = [{"title": f"Question {i}?", "payload": f"/topic_{i}"} for i in range(10)]
    answer = {
        "type": "answer",
        "topic": "students",
        "title": "Students",
        "citations": [],
        "answer": {"passage": "p", "summary": "An answer.", "do": [], "dont": []},
    }
    for message in (
        {"text": "An answer.", "buttons": buttons, "custom": answer},
        {"text": "Which one?", "buttons": buttons, "custom": {"type": "clarify"}},
    ):
        card = activity_for(message)["attachments"][0]["content"]
        assert len(submit_actions(card)) == MAX_ACTIONS


def test_a_message_with_nothing_to_show_sends_nothing():
    assert activity_for({"custom": {"type": "identifiers_removed", "message": "x"}}) is None


# --- the Teams app package ------------------------------------------------------------------


def built_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app_id: Optional[str]
) -> zipfile.ZipFile:
    if app_id:
        monkeypatch.setenv("MICROSOFT_APP_ID", app_id)
    else:
        monkeypatch.delenv("MICROSOFT_APP_ID", raising=False)
    return zipfile.ZipFile(
        teams_package.build(tmp_path / "teams-app.zip", placeholder_id=not app_id)
    )


def test_the_app_package_manifest_is_valid_against_the_teams_schema(tmp_path, monkeypatch):
    package = built_package(tmp_path, monkeypatch, APP_ID)
    manifest = json.loads(package.read("manifest.json"))
    schema = json.loads((ROOT / "teams" / "schema" / "MicrosoftTeams.schema.json").read_text())

    jsonschema.Draft4Validator(schema).validate(manifest)
    # `const` is a draft-06 keyword, which a draft-04 validator skips.
    assert manifest["manifestVersion"] == schema["properties"]["manifestVersion"]["const"]
    assert manifest["$schema"].endswith(
        f"/v{manifest['manifestVersion']}/MicrosoftTeams.schema.json"
    )
    (bot,) = manifest["bots"]
    assert bot["botId"] == APP_ID
    assert sorted(bot["scopes"]) == ["groupChat", "personal", "team"]
    (commands,) = bot["commandLists"]
    assert 3 <= len(commands["commands"]) <= 10
    assert all(len(c["title"]) <= 32 for c in commands["commands"])
    assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]


def test_the_icons_have_the_sizes_and_colours_teams_requires(tmp_path, monkeypatch):
    package = built_package(tmp_path, monkeypatch, None)
    color = Image.open(io.BytesIO(package.read("color.png")))
    outline = Image.open(io.BytesIO(package.read("outline.png"))).convert("RGBA")

    assert color.size == (192, 192)
    assert outline.size == (32, 32)
    pixels = list(outline.getdata())
    assert all(p[:3] == (255, 255, 255) for p in pixels if p[3]), "white only"
    assert outline.getpixel((0, 0))[3] == 0 and outline.getpixel((16, 16))[3] == 0, (
        "transparent background"
    )
    assert sum(1 for p in pixels if p[3] > 128) > 50, "the outline is visible"


def test_without_an_app_id_the_package_is_not_built_and_says_what_to_set(tmp_path):
    environment = {k: v for k, v in os.environ.items() if k != "MICROSOFT_APP_ID"}
    result = subprocess.run(
        [sys.executable, "-m", "ops.teams_package", "--out", str(tmp_path / "app.zip")],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "MICROSOFT_APP_ID is not set" in result.stderr
    assert not (tmp_path / "app.zip").exists()


def test_every_command_in_the_teams_menu_is_answered_for_its_topic(teams: Teams):
    app = yaml.safe_load((ROOT / "teams" / "app.yml").read_text())
    for command in app["commands"]:
        (reply,) = teams.ask(teams.message(command["title"]))
        if command["topic"] == "help":
            assert len(submit_actions(card_of(reply))) >= 2, "help offers example questions"
        else:
            assert answered_topic(reply) == command["topic"], command["title"]


def test_make_run_opens_teams_only_when_its_app_id_and_password_are_set(tmp_path, monkeypatch):
    monkeypatch.delenv("MICROSOFT_APP_ID", raising=False)
    monkeypatch.delenv("MICROSOFT_APP_PASSWORD", raising=False)
    assert credentials_for_run(out_dir=tmp_path) == "credentials.yml"

    monkeypatch.setenv("MICROSOFT_APP_ID", APP_ID)
    monkeypatch.setenv("MICROSOFT_APP_PASSWORD", APP_PASSWORD)
    generated = yaml.safe_load(Path(credentials_for_run(out_dir=tmp_path)).read_text())

    assert generated["channels.teams.TeamsInput"] == {
        "app_id": "${MICROSOFT_APP_ID}",
        "app_password": "${MICROSOFT_APP_PASSWORD}",
    }
    assert set(yaml.safe_load((ROOT / "credentials.yml").read_text())) < set(generated)
