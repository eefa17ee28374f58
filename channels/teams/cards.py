"""Bot messages as Microsoft Teams activities: the Teams renderer of the reply contract.

One bot message (its `text`, `buttons` and `custom` object, as the action produced it for
every channel) becomes one activity:
- a guidance answer (`custom.type == "answer"`) becomes an Adaptive Card drawn from the
  answer's structure (`custom.answer`): the summary, its key points, the sources as links, the
  follow-up questions and helpful / not-helpful buttons;
- a question of the "before you post" check becomes a card with its number and Yes / No, and
  the check's verdict a card with one line per risk, its source as a link;
- "what was wrong?" after "not helpful" becomes a card whose buttons send the reason as
  feedback;
- any other message with buttons (clarify, help) becomes a card with the text and one button
  per option;
- plain text becomes a Teams markdown message (line breaks and links that render).

Buttons are `Action.Submit` with `msteams.type = messageBack`, which Teams needs to make them
clickable (Rasa's own connector sends bare `{title, payload}` buttons, which Teams shows but
ignores). Pressing one sends the payload as the message text, shows the button title in the
chat, and carries `{"payload": ..., "feedback": ...}` as the activity's `value`, which
channels/teams/channel.py reads back.
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Optional
from urllib.parse import quote

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
# ActionSet needs 1.2; Teams on every platform renders 1.2.
CARD_VERSION = "1.2"
# Teams shows at most six actions on a card; it drops the rest.
MAX_ACTIONS = 6
FEEDBACK_CHOICES = (("helpful", "Helpful"), ("not_helpful", "Not helpful"))
FEEDBACK_PAYLOAD = "/feedback"

# A chat with one person, by their Microsoft Entra object id (Teams deep links).
CHAT_LINK = "https://teams.microsoft.com/l/chat/0/0?users={}"

BARE_URL = re.compile(r"(?<![(\[<])\bhttps?://[^\s<>()\[\]]+[^\s<>()\[\].,;:!?'\"]")


def activity_for(message: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """The Teams activity for one bot message, or None when it has nothing to show."""
    text = str(message.get("text") or "").strip()
    custom = message.get("custom") if isinstance(message.get("custom"), dict) else {}
    buttons = [b for b in message.get("buttons") or [] if b.get("title") and b.get("payload")]
    kind = custom.get("type")
    if kind == "answer" and isinstance(custom.get("answer"), dict):
        return _card_activity(
            answer_card(text, custom, buttons), summary=custom.get("title") or text
        )
    if kind == "check_question":
        return _card_activity(check_question_card(text, custom, buttons), summary=text)
    if kind == "check_verdict":
        return _card_activity(verdict_card(text, custom), summary=text)
    if kind == "feedback_reason":
        return _card_activity(feedback_reason_card(text, custom), summary=text)
    if buttons:
        return _card_activity(choice_card(text, buttons), summary=text)
    if text:
        return {"type": "message", "textFormat": "markdown", "text": teams_markdown(text)}
    return None


def answer_card(text: str, reply: Dict[str, Any], buttons: List[Dict[str, str]]) -> Dict[str, Any]:
    """A cited guidance answer, from the reply contract object (`text` is the fallback)."""
    topic = reply.get("topic")
    answer = reply["answer"]
    body: List[Dict[str, Any]] = []
    if reply.get("title"):
        body.append(_heading(reply["title"], size="Medium"))
    body.append(_text(_linked(str(answer.get("summary") or ""))))
    points = [str(p) for p in [*(answer.get("do") or []), *(answer.get("dont") or [])]]
    if points:
        body.append(_heading("Key points"))
        # Adaptive Card markdown separates list items with \r.
        body.append(_text("\r".join(f"- {point}" for point in points), spacing="Small"))
    citations = [c for c in reply.get("citations") or [] if c.get("url")]
    if citations:
        body.append(_heading("Sources"))
        body += [
            _text(
                _link(f"{c.get('source', '')}, {c.get('section', '')}".strip(", "), c["url"]),
                spacing="Small",
            )
            for c in citations
        ]
    follow_ups = buttons[: MAX_ACTIONS - len(FEEDBACK_CHOICES)]
    if follow_ups:
        body.append(_heading("Related questions"))
        body += [_action_set([_suggestion(b)]) for b in follow_ups]
    body.append(_text("Was this helpful?", spacing="Medium", isSubtle=True))
    passage = answer.get("passage")
    body.append(
        _action_set(
            [
                _feedback(label, {"rating": rating, "topic": topic, "passage": passage})
                for rating, label in FEEDBACK_CHOICES
            ]
        )
    )
    return _card(body, fallback=text)


def expert_request_activity(request: Dict[str, Any], asker: Dict[str, Any]) -> Dict[str, Any]:
    """The question for the experts' channel (as the assistant stored it: redacted), with a
    link to a chat with the person who asked."""
    body = [_heading("A question for the experts", size="Medium"), _text(str(request["question"]))]
    if request.get("topic"):
        body.append(_text(f"Topic: {request['topic']}", isSubtle=True, spacing="Small"))
    card = _card(body, fallback=f"A question for the experts: {request['question']}")
    if isinstance(asker.get("aadObjectId"), str):
        url = CHAT_LINK.format(quote(asker["aadObjectId"], safe=""))
        card["actions"] = [
            {"type": "Action.OpenUrl", "title": "Reply to the person who asked", "url": url}
        ]
    return _card_activity(card, summary="A question for the experts")


def check_question_card(
    text: str, question: Dict[str, Any], buttons: List[Dict[str, str]]
) -> Dict[str, Any]:
    """One question of the "before you post" check, with its place in the check."""
    body = [
        _text(
            f"Before you post: question {question.get('step')} of {question.get('of')}",
            isSubtle=True,
            spacing="None",
        ),
        *text_blocks(text),
        _action_set([_suggestion(b) for b in buttons[:MAX_ACTIONS]]),
    ]
    return _card(body, fallback=text)


def verdict_card(text: str, verdict: Dict[str, Any]) -> Dict[str, Any]:
    """The check's verdict: its first paragraph, then each risk with what to do instead and
    the passage that says so."""
    body = [_heading(_paragraphs(text)[0].split("\n")[0], size="Medium")]
    for risk in verdict.get("risks") or []:
        citation = risk.get("citation") or {}
        body.append(_text(f"{risk.get('risk', '')} **{risk.get('instead', '')}**"))
        if risk.get("url"):
            label = f"{citation.get('source', '')}, {citation.get('section', '')}".strip(", ")
            body.append(
                _text(_link(label or risk["url"], risk["url"]), spacing="Small", isSubtle=True)
            )
    return _card(body, fallback=text)


def feedback_reason_card(text: str, asked: Dict[str, Any]) -> Dict[str, Any]:
    """ "What was wrong?": each reason a button that sends it as feedback on the answer."""
    rated = {
        "rating": "not_helpful",
        "topic": asked.get("topic") or None,
        "passage": asked.get("passage") or None,
    }
    actions = [
        _feedback(str(r.get("title")), {**rated, "reason": r.get("reason")})
        for r in asked.get("reasons") or []
    ]
    return _card([*text_blocks(text), _action_set(actions[:MAX_ACTIONS])], fallback=text)


def choice_card(text: str, buttons: List[Dict[str, str]]) -> Dict[str, Any]:
    """Text with one button per option (clarify, help), one under the other so that long
    questions are not cut short."""
    body = text_blocks(text) + [_action_set([_suggestion(b)]) for b in buttons[:MAX_ACTIONS]]
    return _card(body, fallback=text)


def text_blocks(text: str) -> List[Dict[str, Any]]:
    """Paragraphs as TextBlocks, line breaks kept."""
    return [_text("\n\n".join(_linked(line) for line in p.split("\n"))) for p in _paragraphs(text)]


def teams_markdown(text: str) -> str:
    """Text for a Teams markdown message: Teams joins single line breaks, so lines are kept
    with <br>."""
    return "\n\n".join(
        "<br>".join(_linked(line) for line in p.split("\n")) for p in _paragraphs(text)
    )


def _paragraphs(text: str) -> List[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def _linked(line: str) -> str:
    """Bare URLs as markdown links, so Teams shows them as links on every platform."""
    return BARE_URL.sub(lambda m: _link(m.group(0), m.group(0)), line)


def _link(label: str, url: str) -> str:
    label = label.replace("[", "(").replace("]", ")")
    url = url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
    return f"[{label}]({url})"


def _text(text: str, **style: Any) -> Dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def _heading(text: str, size: str = "Default") -> Dict[str, Any]:
    return _text(text, weight="Bolder", size=size, spacing="Medium")


def _action_set(actions: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {"type": "ActionSet", "actions": actions, "spacing": "Small"}


def _message_back(title: str, payload: str, value: Dict[str, Any]) -> Dict[str, Any]:
    return {
        "type": "Action.Submit",
        "title": title,
        "data": {
            "msteams": {
                "type": "messageBack",
                "text": payload,
                "displayText": title,
                "value": json.dumps(value),
            }
        },
    }


def _suggestion(button: Dict[str, str]) -> Dict[str, Any]:
    return _message_back(button["title"], button["payload"], {"payload": button["payload"]})


def _feedback(label: str, feedback: Dict[str, Optional[str]]) -> Dict[str, Any]:
    value = {
        "payload": FEEDBACK_PAYLOAD,
        "feedback": {k: v for k, v in feedback.items() if v is not None},
    }
    return _message_back(label, FEEDBACK_PAYLOAD, value)


def _card(body: List[Dict[str, Any]], fallback: str) -> Dict[str, Any]:
    return {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "body": body,
        "fallbackText": fallback,
        "msteams": {"width": "Full"},
    }


def _card_activity(card: Dict[str, Any], summary: str) -> Dict[str, Any]:
    return {
        "type": "message",
        # What Teams shows in notifications and the chat list instead of "sent a card".
        "summary": summary.split("\n")[0][:120],
        "attachments": [{"contentType": ADAPTIVE_CARD, "content": card}],
    }
