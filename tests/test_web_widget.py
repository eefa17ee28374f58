"""The chat window end to end: headless Chromium on the demo intranet page, against the real
Rasa server and action server. The page is loaded from localhost and the widget and Rasa from
127.0.0.1, so every request the widget makes is cross-origin, as on a trust intranet."""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path
from typing import Iterator, List

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from ops.servers import Servers, free_port
from ops.web_server import WebServer
from tests.support.contract import AMBIGUOUS_QUESTION
from tests.support.servers import stored_events
from tests.support.web import CHROMIUM_ARGS, QUESTION, Widget, axe_violations, chromium_path

pytestmark = pytest.mark.e2e  # servers, a browser or the trained model: not in `make test-fast`


@pytest.fixture(scope="module")
def web(servers: Servers, web_port: int) -> Iterator[WebServer]:
    # The demo SharePoint page, on localhost, may frame chat.html, on 127.0.0.1.
    allowed = [f"http://localhost:{web_port}"]
    with WebServer(
        "127.0.0.1", web_port, rasa_url=servers.rasa_url, frame_ancestors=allowed
    ) as web_server:
        yield web_server


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser_ = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser_
        browser_.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page_ = context.new_page()
    page_.csp_violations: List[str] = []  # type: ignore[attr-defined]
    page_.on(
        "console",
        lambda m: "Content Security Policy" in m.text and page_.csp_violations.append(m.text),
    )  # type: ignore[attr-defined]
    page_.on("pageerror", lambda e: page_.csp_violations.append(f"page error: {e}"))  # type: ignore[attr-defined]
    yield page_
    violations = page_.csp_violations  # type: ignore[attr-defined]
    context.close()
    assert violations == [], "the page broke its Content-Security-Policy or threw"


def demo(web: WebServer, name: str = "intranet") -> str:
    return web.url.replace("127.0.0.1", "localhost") + f"/demo/{name}.html"


@pytest.fixture
def widget(page: Page, web: WebServer) -> Widget:
    page.goto(demo(web))
    widget_ = Widget(page)
    widget_.open()
    widget_.wait_for_welcome()
    return widget_


def test_a_question_gets_a_cited_answer_with_suggestions_that_work(widget: Widget):
    widget.ask(QUESTION)

    answer = widget.answers.first
    expect(answer).to_contain_text("Key points", timeout=30_000)
    citation = answer.locator(".sources a").first
    expect(citation).to_have_attribute("href", re.compile(r"^https://"))
    expect(citation).to_have_attribute("target", "_blank")
    expect(citation).to_have_attribute("rel", "noopener noreferrer")
    suggestions = answer.locator(".suggestions .chip")
    assert suggestions.count() >= 1

    chosen = suggestions.first.inner_text()
    suggestions.first.click()
    expect(widget.part(".message.user").last).to_have_text(f"You said: {chosen}")
    expect(widget.answers).to_have_count(2, timeout=30_000)


def test_a_clarify_question_offers_topics_as_buttons(widget: Widget):
    widget.ask(AMBIGUOUS_QUESTION)

    clarify = widget.part(".message.bot.clarify")
    expect(clarify).to_have_count(1, timeout=30_000)
    options = clarify.locator(".suggestions .chip")
    assert 1 <= options.count() <= 3
    widget.part(".menu-button").click()
    assert axe_violations(widget.page) == []  # the clarify question, with the menu open
    widget.page.csp_violations.clear()  # type: ignore[attr-defined]  # axe adds inline styles
    options.first.click()
    expect(widget.answers).to_have_count(1, timeout=30_000)


def test_keyboard_only_open_ask_reach_a_citation_and_close(page: Page, web: WebServer):
    page.goto(demo(web))
    widget = Widget(page)
    for _ in range(30):  # Tab through the page to the launcher
        page.keyboard.press("Tab")
        if "launcher" in widget.focused().get("cls", ""):
            break
    assert "launcher" in widget.focused()["cls"]

    page.keyboard.press("Enter")
    assert widget.focused()["tag"] == "textarea"  # focus moved into the panel
    widget.wait_for_welcome()
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    expect(widget.answers.first).to_be_visible(timeout=30_000)

    for _ in range(40):  # back through the conversation to the citation link
        page.keyboard.press("Shift+Tab")
        if widget.focused().get("inSources"):
            break
    assert widget.focused()["tag"] == "a" and widget.focused()["href"].startswith("https://")

    page.keyboard.press("Escape")
    expect(widget.part(".panel")).to_be_hidden()
    assert "launcher" in widget.focused()["cls"]  # focus is back on the launcher


def test_the_conversation_survives_reload_and_navigation(
    widget: Widget, page: Page, web: WebServer
):
    widget.ask(QUESTION)
    expect(widget.answers).to_have_count(1, timeout=30_000)
    answer_text = widget.answers.first.inner_text()

    page.reload()
    expect(widget.answers).to_have_count(1)
    assert widget.answers.first.inner_text() == answer_text
    expect(widget.part(".panel")).to_be_visible()  # it stays open, too

    page.goto(demo(web, "policies"))
    expect(widget.answers).to_have_count(1)
    widget.ask("what about messaging apps like WhatsApp?")
    expect(widget.answers).to_have_count(2, timeout=30_000)


def test_start_again_clears_the_conversation(widget: Widget):
    widget.ask(QUESTION)
    expect(widget.answers).to_have_count(1, timeout=30_000)

    widget.menu("restart")

    expect(widget.answers).to_have_count(0)
    widget.wait_for_welcome()


def test_html_and_script_in_messages_are_shown_as_text_and_never_run(widget: Widget, page: Page):
    hostile = (
        '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> can I post this?'
    )
    widget.ask(hostile)
    widget.wait_for_bot_messages(2)
    # The same again with an identifier, so the bot's echo of the redacted text is rendered too.
    widget.ask(
        '<b onmouseover="window.__pwned=3">Mrs Jane Doe</b><img src=x onerror="window.__pwned=4">'
    )
    expect(widget.part(".message.user").last).to_contain_text("[NAME]", timeout=30_000)

    assert widget.part(".message.user").first.inner_text().endswith(hostile)
    assert widget.part(".log img, .log script, .log b").count() == 0
    assert page.evaluate("window.__pwned") is None


def test_identifiers_are_replaced_on_screen_by_what_the_assistant_kept(widget: Widget, page: Page):
    widget.ask("can I post a photo of Mrs Jane Doe, NHS number 943 476 5919?")

    expect(widget.part(".message.user").last).to_have_text(
        "You said: can I post a photo of Mrs [NAME], NHS number [NHS_NUMBER]?", timeout=30_000
    )
    stored = page.evaluate("JSON.stringify(sessionStorage)")
    assert "943 476 5919" not in stored and "Jane Doe" not in stored


def test_not_helpful_asks_why_and_the_reason_lands_in_the_tracker_with_the_passage(
    widget: Widget, servers: Servers
):
    widget.ask(QUESTION)
    answer = widget.answers.first
    expect(answer).to_be_visible(timeout=30_000)

    answer.locator(".feedback-button", has_text="Not helpful").click()
    expect(answer.locator(".feedback-status")).to_have_text("Thanks for your feedback.")
    why = widget.part(".message.bot.feedback_reason")
    expect(why.locator(".chip")).to_have_count(4, timeout=30_000)
    why.locator(".chip", has_text="Out of date").click()

    after = widget.part(".message.bot.feedback")
    expect(after).to_have_count(1, timeout=30_000)
    assert after.locator(".suggestions .chip").count() >= 1  # the closest other answers
    expect(widget.part(".message.user").last).to_have_text("You said: Out of date")
    events = stored_events(servers, type_name="user")
    (sender,) = {sender for sender, data in events if '"reason": "out_of_date"' in data}
    feedback = [data for _, data in stored_events(servers, sender, "user") if '"rating"' in data]
    assert len(feedback) == 2
    assert all('"topic": "professional_boundaries"' in e and '"passage": "' in e for e in feedback)
    assert '"reason": "out_of_date"' in feedback[1]


def test_the_before_you_post_check_from_the_welcome_to_a_cited_verdict(
    widget: Widget, page: Page, knowledge_base
):
    questions = widget.part(".message.bot.check_question")
    widget.part(".message.bot").first.locator(".chip", has_text="Check a post").click()
    expect(questions.first.locator(".check-progress")).to_have_text(
        "Before you post: question 1 of 7", timeout=30_000
    )
    questions.last.locator(".chip", has_text="No").click()
    expect(questions).to_have_count(2, timeout=30_000)
    questions.last.locator(".chip", has_text="Yes").click()  # taken at work: think again
    expect(questions).to_have_count(3, timeout=30_000)
    widget.ask("nope")
    expect(questions).to_have_count(4, timeout=30_000)

    widget.ask(QUESTION)  # a question in the middle: answered, then the check goes on
    expect(widget.answers).to_have_count(1, timeout=30_000)
    expect(questions).to_have_count(5, timeout=30_000)
    expect(questions.last.locator(".check-progress")).to_have_text(
        "Before you post: question 4 of 7"
    )
    for count in (6, 7, 8):
        questions.last.locator(".chip", has_text="No").click()
        expect(questions).to_have_count(count, timeout=30_000)
    questions.last.locator(".chip", has_text="No").click()

    verdict = widget.part(".message.bot.check_verdict")
    expect(verdict.locator(".verdict-title")).to_have_text("Think again", timeout=30_000)
    risk = verdict.locator(".risks li")
    expect(risk).to_have_count(1)
    photos = knowledge_base.passages["sor-sm-department-photos"]
    expect(risk.locator("a")).to_have_attribute("href", photos.url)
    expect(risk.locator("a")).to_have_attribute("target", "_blank")
    assert page.csp_violations == []  # type: ignore[attr-defined]
    assert axe_violations(page) == []
    page.csp_violations.clear()  # type: ignore[attr-defined]  # axe adds inline styles


def test_stop_ends_the_check(widget: Widget):
    widget.ask("check my post")
    questions = widget.part(".message.bot.check_question")
    expect(questions).to_have_count(1, timeout=30_000)

    widget.ask("stop")

    expect(widget.bot_messages.last).to_contain_text("stopped", timeout=30_000)
    expect(questions).to_have_count(1)


def test_the_host_pages_aggressive_css_does_not_break_the_widget(page: Page, web: WebServer):
    page.goto(demo(web, "hostile"))
    widget = Widget(page)
    expect(widget.launcher).to_be_visible()
    box = widget.launcher.bounding_box()
    assert box and box["width"] >= 44 and box["height"] >= 44

    widget.open()
    widget.wait_for_welcome()
    widget.ask(QUESTION)
    expect(widget.answers).to_have_count(1, timeout=30_000)
    size = widget.answers.first.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert size >= 14


@pytest.mark.parametrize("opened", [False, True], ids=["closed", "open"])
@pytest.mark.parametrize("scale_steps", [0, 5], ids=["normal-text", "200%-text"])
def test_axe_finds_no_serious_violations(
    page: Page, web: WebServer, opened: bool, scale_steps: int
):
    page.goto(demo(web))
    widget = Widget(page)
    expect(widget.launcher).to_be_visible()
    if opened:
        widget.open()
        widget.wait_for_welcome()
        for _ in range(scale_steps):
            widget.menu("larger")
        widget.ask(QUESTION)
        expect(widget.answers).to_have_count(1, timeout=30_000)
    elif scale_steps:
        page.evaluate("document.documentElement.style.fontSize = '200%'")

    assert page.csp_violations == []  # type: ignore[attr-defined]
    violations = axe_violations(page)
    page.csp_violations.clear()  # type: ignore[attr-defined]  # axe adds inline styles itself
    assert violations == []


def test_at_320px_wide_and_200_percent_text_nothing_scrolls_sideways(page: Page, web: WebServer):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(demo(web))
    widget = Widget(page)
    widget.open()
    widget.wait_for_welcome()
    widget.largest_text()
    widget.ask(QUESTION)
    expect(widget.answers).to_have_count(1, timeout=30_000)

    overflow = page.evaluate(
        """() => {
            const root = document.querySelector('guidance-chat').shadowRoot;
            const wide = [...root.querySelectorAll('.panel, .log, .message, .composer')]
                .filter(el => el.scrollWidth > el.clientWidth + 1).map(el => el.className);
            return {page: document.documentElement.scrollWidth, wide};
        }"""
    )
    assert overflow == {"page": 320, "wide": []}


def test_every_control_has_a_name_and_a_24px_target(widget: Widget):
    widget.ask(QUESTION)
    expect(widget.answers).to_have_count(1, timeout=30_000)

    controls = widget.page.evaluate(
        """() => [...document.querySelector('guidance-chat').shadowRoot
                  .querySelectorAll('button, textarea, a')]
                 .filter(el => el.offsetParent !== null)
                 .map(el => { const r = el.getBoundingClientRect();
                   return {name: (el.getAttribute('aria-label') || el.textContent ||
                                  (el.labels && el.labels[0] && el.labels[0].textContent) || '').trim(),
                           w: r.width, h: r.height, tag: el.tagName}; })"""
    )
    assert controls and all(c["name"] for c in controls), controls
    assert all(c["w"] >= 24 and c["h"] >= 24 for c in controls if c["tag"] != "A"), controls


def test_the_launcher_sits_in_the_same_place_on_every_page(page: Page, web: WebServer):
    boxes = []
    for name in ("intranet", "policies"):
        page.goto(demo(web, name))
        expect(Widget(page).launcher).to_be_visible()
        boxes.append(Widget(page).launcher.bounding_box())
    assert boxes[0] == boxes[1]


def test_the_standalone_chat_page_is_a_full_window_chat(page: Page, web: WebServer):
    page.goto(f"{web.url}/chat.html")
    widget = Widget(page)
    widget.wait_for_welcome()
    expect(widget.launcher).to_have_count(0)
    expect(widget.part(".panel")).to_have_attribute("role", "main")
    widget.ask(QUESTION)
    expect(widget.answers).to_have_count(1, timeout=30_000)


def test_the_typing_indicator_shows_while_the_assistant_works(widget: Widget, servers: Servers):
    # With the action server stopped the reply takes seconds (Rasa gives up on it, and the
    # guard apologises), long enough to see the indicator.
    servers.stop_process(servers.action_server)
    try:
        widget.ask(QUESTION)
        expect(widget.part(".typing")).to_be_visible(timeout=5_000)
        expect(widget.part(".typing")).to_have_attribute("role", "status")
        expect(widget.part(".message.bot.unavailable")).to_have_count(1, timeout=30_000)
        expect(widget.part(".typing")).to_be_hidden()
    finally:
        servers.start_action_server()
    widget.ask(QUESTION)
    expect(widget.answers).to_have_count(1, timeout=30_000)


ZOOMS = {
    # name: (viewport in CSS px, device scale factor, page, A+ at its largest)
    "phone-320x640-largest-text": ({"width": 320, "height": 640}, 1, "intranet", True),
    "400%-zoom": ({"width": 320, "height": 225}, 4, "intranet", False),
    "400%-zoom-chat-page": ({"width": 320, "height": 225}, 4, "chat", False),
    "200%-zoom": ({"width": 640, "height": 450}, 2, "intranet", False),
}


def _zoomed(browser: Browser, web: WebServer, case: str) -> Widget:
    """A 1280x900 window at 200 % or 400 % browser zoom is, to the page, a 640x450 or 320x225
    viewport at 2 or 4 device pixels per CSS pixel: the same layout, the same pixels."""
    viewport, scale, name, largest = ZOOMS[case]
    page = browser.new_context(viewport=viewport, device_scale_factor=scale).new_page()
    widget = Widget(page)
    if name == "chat":
        page.goto(f"{web.url}/chat.html")
    else:
        page.goto(demo(web, name))
        widget.open()
    widget.wait_for_welcome()
    if largest:
        widget.largest_text()
    return widget


def _wide_parts(page: Page) -> dict:
    return page.evaluate(
        """() => {
            const root = document.querySelector('guidance-chat').shadowRoot;
            const wide = [...root.querySelectorAll('.panel, .log, .message, .composer, .header')]
                .filter(el => el.scrollWidth > el.clientWidth + 1).map(el => el.className);
            return {page: document.documentElement.scrollWidth - window.innerWidth, wide};
        }"""
    )


@pytest.mark.parametrize("case", list(ZOOMS))
def test_at_any_zoom_the_conversation_keeps_half_the_panel(browser: Browser, web: WebServer, case):
    widget = _zoomed(browser, web, case)
    notice = widget.part(".notice")
    expect(notice).to_have_attribute("open", "")
    assert axe_violations(widget.page) == []

    widget.ask(QUESTION)
    expect(widget.answers).to_have_count(1, timeout=30_000)

    height = widget.conversation_height()
    print(f"{case}: conversation {height['conversation']:.0f} of {height['panel']:.0f} px")
    assert height["conversation"] >= height["panel"] / 2, height
    assert _wide_parts(widget.page) == {"page": 0, "wide": []}
    expect(notice).not_to_have_attribute("open", "")  # one line now
    title, menu = (
        widget.part(".header h2").bounding_box(),
        widget.part(".menu-button").bounding_box(),
    )
    assert title and menu and abs(title["y"] - menu["y"]) < menu["height"]  # the header is one row
    notice.locator("summary").click()
    expect(notice.locator("p")).to_be_visible()  # and it opens again
    assert axe_violations(widget.page) == []
    widget.page.context.close()


@pytest.mark.parametrize("case", ["phone-320x640-largest-text", "400%-zoom"])
def test_no_focused_control_is_ever_hidden(browser: Browser, web: WebServer, case):
    widget = _zoomed(browser, web, case)
    widget.ask(QUESTION)
    expect(widget.answers).to_have_count(1, timeout=30_000)

    hidden = []
    for _ in range(30):
        widget.page.keyboard.press("Tab")
        # The focused control must show, in part at least (a long link can be taller than the
        # conversation), within the scrolled area and the window, with nothing drawn over it.
        seen = widget.page.evaluate(
            """() => {
                const root = document.querySelector('guidance-chat').shadowRoot;
                const el = root.activeElement;
                const log = root.querySelector('.log');
                const area = log.contains(el) && getComputedStyle(log).overflowY !== 'visible' ?
                    log.getBoundingClientRect() : {left: 0, top: 0, right: innerWidth, bottom: innerHeight};
                const ok = [...el.getClientRects()].some(r => {
                    const left = Math.max(r.left, area.left, 0), right = Math.min(r.right, area.right, innerWidth);
                    const top = Math.max(r.top, area.top, 0), bottom = Math.min(r.bottom, area.bottom, innerHeight);
                    if (right - left < 1 || bottom - top < 1) return false;
                    const hit = root.elementFromPoint((left + right) / 2, (top + bottom) / 2);
                    return !!hit && (el === hit || el.contains(hit));
                });
                return {ok, what: el.className || el.tagName};
            }"""
        )
        if not seen["ok"]:
            hidden.append(seen["what"])
    assert hidden == []
    widget.page.context.close()


def test_focus_goes_round_inside_the_open_panel_and_esc_closes_it_from_anywhere(widget: Widget):
    widget.ask(QUESTION)
    expect(widget.answers).to_have_count(1, timeout=30_000)
    page = widget.page

    seen = set()
    for _ in range(60):  # more than every control in the panel, so Tab must come round
        page.keyboard.press("Tab")
        focused = widget.focused()
        assert focused.get("inPanel"), focused  # never the page underneath
        seen.add(focused["cls"] or focused["tag"])
    for _ in range(5):
        page.keyboard.press("Shift+Tab")
        assert widget.focused().get("inPanel")
    assert {"menu-button", "send", "icon"} <= {c.split()[-1] for c in seen if c}

    widget.answers.first.locator(".sources a").first.focus()
    page.keyboard.press("Escape")
    expect(widget.part(".panel")).to_be_hidden()
    assert "launcher" in widget.focused()["cls"]


def test_buttons_of_earlier_turns_leave_the_tab_order(widget: Widget):
    welcome = widget.part(".message.bot").first.locator(".suggestions").first
    expect(welcome.locator(".chip").first).not_to_have_attribute("tabindex", "-1")

    welcome.locator(".chip").nth(1).click()  # an example question (the first starts the check)
    expect(widget.answers).to_have_count(1, timeout=30_000)

    expect(welcome).to_have_class(re.compile(r"\bpast\b"))
    for chip in welcome.locator(".chip").all():
        expect(chip).to_have_attribute("tabindex", "-1")
    latest = widget.answers.first.locator(".suggestions .chip").first
    expect(latest).not_to_have_attribute("tabindex", "-1")


def test_the_welcome_offers_example_questions_and_every_topic(widget: Widget, knowledge_base):
    welcome = widget.part(".message.bot").first
    examples = welcome.locator(".suggestions").first.locator(".chip")
    assert 4 <= examples.count() <= 6
    expect(welcome).not_to_contain_text(knowledge_base.topics["defamation"].title)  # not listed

    welcome.locator(".topics summary").click()
    everything = welcome.locator(".topics .chip")
    expect(everything).to_have_count(len(knowledge_base.topics))
    defamation = knowledge_base.topics["defamation"].question
    welcome.locator(".topics .chip", has_text=defamation).click()
    expect(widget.answers.first).to_have_attribute("class", re.compile("answer"), timeout=30_000)
    expect(widget.part(".message.user").last).to_have_text(f"You said: {defamation}")
    expect(widget.part(".links")).to_contain_text(re.compile(r"Sources last checked \d+ \w+ \d{4}"))


def test_a_welsh_question_gets_the_reply_in_welsh_and_english(widget: Widget, page: Page):
    widget.ask("Ydy hi'n iawn i mi rannu lluniau o'r adran ar Facebook?")

    reply = widget.part(".message.bot.welsh")
    expect(reply).to_have_count(1, timeout=30_000)
    expect(reply.locator("p[lang='cy']")).to_contain_text("yn Saesneg yn unig")
    expect(reply.locator("p[lang='en']")).to_contain_text("in English only")
    expect(reply.locator("a[href*='sor.org']")).to_have_count(1)
    assert axe_violations(page) == []
    page.csp_violations.clear()  # type: ignore[attr-defined]  # axe adds inline styles itself


def test_copy_puts_the_answer_and_its_sources_on_the_clipboard(browser: Browser, web: WebServer):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(demo(web))
    widget = Widget(page)
    widget.open()
    widget.wait_for_welcome()
    widget.ask(QUESTION)
    answer = widget.answers.first
    expect(answer).to_be_visible(timeout=30_000)

    answer.locator("button.copy").click()

    expect(answer.locator(".copy-status")).to_have_text("Copied.")
    copied = page.evaluate("navigator.clipboard.readText()")
    source = answer.locator(".sources a").first.get_attribute("href")
    assert copied.startswith(answer.locator(".answer-title").inner_text())
    assert "\n- " in copied and "Sources:" in copied and source in copied
    context.close()


def test_save_conversation_downloads_a_clean_page_made_in_the_browser(
    widget: Widget, page: Page, tmp_path: Path
):
    widget.ask(QUESTION)
    expect(widget.answers).to_have_count(1, timeout=30_000)
    requests: List[str] = []
    page.on("request", lambda r: requests.append(r.url))

    with page.expect_download() as download:
        widget.menu("save")
    saved = tmp_path / "conversation.html"
    download.value.save_as(saved)

    assert requests == [] or all(r.startswith("blob:") for r in requests)  # nothing sent
    html = saved.read_text(encoding="utf-8")
    assert QUESTION in html and widget.answers.first.locator(".answer-title").inner_text() in html
    assert "sor.org" in html or "hcpc-uk.org" in html
    assert "<button" not in html and "<script" not in html
    page.goto(saved.as_uri())
    assert page.locator(".message").count() >= 3  # welcome, question, answer
    assert axe_violations(page) == []
    page.csp_violations.clear()  # type: ignore[attr-defined]


def test_sharepoint_can_frame_the_chat_page_only_from_an_allowed_origin(
    browser: Browser, web: WebServer, servers: Servers
):
    page = browser.new_context().new_page()
    refused: List[str] = []
    page.on("console", lambda m: "frame-ancestors" in m.text and refused.append(m.text))

    page.goto(demo(web, "sharepoint"))  # localhost is on the allowlist of this server
    framed = page.frame_locator("iframe.embed")
    framed.locator("guidance-chat .message.bot .suggestions .chip").first.wait_for(timeout=30_000)
    framed.locator("guidance-chat textarea").fill(QUESTION)
    framed.locator("guidance-chat textarea").press("Enter")
    expect(framed.locator("guidance-chat .message.bot.answer")).to_have_count(1, timeout=30_000)
    assert refused == []
    assert axe_violations(page) == []

    port = free_port()  # the same page and chat, served with the default (empty) allowlist
    with WebServer("127.0.0.1", port, rasa_url=servers.rasa_url) as default:
        page.goto(demo(default, "sharepoint"))
        page.wait_for_timeout(1_000)
        expect(page.frame_locator("iframe.embed").locator("guidance-chat")).to_have_count(0)
    assert refused and "frame-ancestors 'none'" in refused[0]
    page.context.close()


def test_focus_has_the_nhs_style_yellow_and_black(widget: Widget, page: Page):
    widget.ask(QUESTION)
    expect(widget.answers).to_have_count(1, timeout=30_000)

    page.keyboard.press("Tab")  # from the text box to Send
    send = widget.part("button.send").evaluate(
        "el => { const s = getComputedStyle(el); return [s.outlineColor, s.outlineWidth, s.boxShadow]; }"
    )
    assert send[:2] == ["rgb(255, 235, 59)", "4px"] and "rgb(33, 43, 50)" in send[2]
    link = widget.answers.first.locator(".sources a").first
    link.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focus by keyboard, so :focus-visible applies
    style = link.evaluate(
        "el => { const s = getComputedStyle(el); return [s.backgroundColor, s.boxShadow]; }"
    )
    assert style[0] == "rgb(255, 235, 59)" and "rgb(33, 43, 50)" in style[1]


def test_the_typing_indicator_shows_while_a_slow_action_works(widget: Widget, servers: Servers):
    # The action server paused for 2 s: a slow answer, not a failure (Rasa waits up to 4 s).
    os.kill(servers.action_server.pid, signal.SIGSTOP)
    try:
        widget.ask(QUESTION)
        expect(widget.part(".typing")).to_be_visible(timeout=1_000)
        widget.page.wait_for_timeout(2_000)
        expect(widget.part(".typing")).to_be_visible()
    finally:
        os.kill(servers.action_server.pid, signal.SIGCONT)
    expect(widget.answers).to_have_count(1, timeout=30_000)
    expect(widget.part(".typing")).to_be_hidden()


# Last in the module: it stops and restarts the Rasa server the other tests share.
def test_the_widget_shows_an_outage_reconnects_and_sends_what_was_typed(
    widget: Widget, servers: Servers
):
    widget.ask(QUESTION)
    expect(widget.answers).to_have_count(1, timeout=30_000)

    servers.stop_process(servers.rasa_server)
    problem = widget.part(".problem")
    expect(problem).to_be_visible(timeout=15_000)
    expect(problem).to_contain_text("Can't reach the assistant")
    widget.ask("Is it OK to post an anonymised x-ray?")
    expect(widget.part(".message.user .waiting")).to_have_count(1)

    servers.start_rasa_server()
    expect(widget.answers).to_have_count(2, timeout=60_000)
    expect(problem).to_be_hidden()
    expect(widget.part(".message.user .waiting")).to_have_count(0)
