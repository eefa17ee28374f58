/*
 * The guidance assistant's chat window. One tag on any page:
 *   <script src="https://HOST/embed.js" data-server="https://RASA-HOST" defer></script>
 * Options (data-* attributes): server (the Rasa server; default: this script's origin),
 * title, mode ("launcher", the default, or "page" for a full-window chat), token-url (where to
 * fetch a signed token if the server requires one), socket-path (default /socket.io).
 *
 * No build step and no globals: socket.io-client is imported as a module from beside this
 * file, and everything is drawn inside a shadow root, so the host page's CSS and scripts and
 * the widget leave each other alone. Bot and user text is only ever set with textContent.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script) {
    return;
  }
  var base = new URL(".", script.src);
  var options = {
    server: script.dataset.server || base.origin,
    title: script.dataset.title || "Social media guidance",
    mode: script.dataset.mode === "page" ? "page" : "launcher",
    tokenUrl: script.dataset.tokenUrl || "",
    socketPath: script.dataset.socketPath || "/socket.io",
  };
  var STORE_KEY = "guidance-chat:" + options.server;
  var SCALES = [0.85, 1, 1.15, 1.3, 1.5, 1.75, 2];
  var FOCUSABLE = "a[href], button:not([disabled]), textarea, summary, [tabindex='0']";
  var MAX_STORED = 200;
  var MAX_CHARS = 5000;
  var REPLY_TIMEOUT_MS = 20000;

  // ---- state kept for this tab only (shared NHS PCs: not localStorage) --------------------
  // A browser may refuse storage to a framed page of another site (chat.html in SharePoint):
  // then the chat still works, it just won't survive a reload.
  var storage = null;
  try {
    storage = window.sessionStorage;
  } catch (error) { /* storage refused */ }
  function load() {
    try {
      return JSON.parse(storage.getItem(STORE_KEY)) || {};
    } catch (error) {
      return {};
    }
  }
  var state = Object.assign(
    { sessionId: null, messages: [], outbox: [], open: false, scale: 1, sourcesChecked: null }, load());
  function save() {
    state.messages = state.messages.slice(-MAX_STORED);
    try {
      if (storage) storage.setItem(STORE_KEY, JSON.stringify(state));
    } catch (error) {
      /* storage full or blocked: the chat still works, it just won't survive a reload */
    }
  }

  // ---- DOM helpers --------------------------------------------------------------------------
  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      if (name === "text") node.textContent = attributes[name];
      else if (name === "className") node.className = attributes[name];
      else node.setAttribute(name, attributes[name]);
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(child);
    });
    return node;
  }

  function safeUrl(value) {
    try {
      var url = new URL(value);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  function link(href, label) {
    return el("a", { href: href, target: "_blank", rel: "noopener noreferrer" }, [
      document.createTextNode(label),
      el("span", { className: "visually-hidden", text: " (opens in a new tab)" }),
    ]);
  }

  // Plain text with web addresses made into links; everything else stays text.
  function inline(text) {
    var fragment = document.createDocumentFragment();
    var pattern = /https?:\/\/[^\s<>"')]+[^\s<>"').,;:!?]/g;
    var position = 0;
    var match;
    while ((match = pattern.exec(text))) {
      fragment.appendChild(document.createTextNode(text.slice(position, match.index)));
      var href = safeUrl(match[0]);
      fragment.appendChild(href ? link(href, match[0]) : document.createTextNode(match[0]));
      position = match.index + match[0].length;
    }
    fragment.appendChild(document.createTextNode(text.slice(position)));
    return fragment;
  }

  // Paragraphs at blank lines, line breaks kept, links made clickable; `languages` gives each
  // paragraph's language where a reply is in more than one (a screen reader switches voice).
  function formatted(text, languages) {
    var fragment = document.createDocumentFragment();
    String(text || "").split(/\n{2,}/).filter(function (block) { return block.trim(); }).forEach(function (block, index) {
      var language = languages && languages[index];
      var paragraph = fragment.appendChild(el("p", typeof language === "string" ? { lang: language } : {}));
      block.split("\n").forEach(function (line, index) {
        if (index) paragraph.appendChild(el("br"));
        paragraph.appendChild(inline(line));
      });
    });
    return fragment;
  }

  // A guidance answer, drawn from its structure in the reply contract (custom.answer).
  function renderAnswer(answer) {
    var points = [].concat(answer.do || [], answer.dont || []).map(function (point) {
      return el("li", {}, [inline(String(point))]);
    });
    return el("div", { className: "answer" }, [
      el("p", {}, [inline(String(answer.summary || ""))]),
      points.length ? el("p", { className: "points-title", text: "Key points" }) : null,
      points.length ? el("ul", {}, points) : null,
    ]);
  }

  // ---- the shadow root ------------------------------------------------------------------------
  var host = document.createElement("guidance-chat");
  var root = host.attachShadow({ mode: "open" });
  root.appendChild(el("link", { rel: "stylesheet", href: new URL("widget.css", base).href }));

  var ids = { title: "gc-title", log: "gc-log", input: "gc-input", notice: "gc-notice" };
  var launcher = el("button", {
    type: "button",
    className: "launcher",
    "aria-expanded": "false",
    "aria-controls": "gc-panel",
  }, [el("span", { className: "launcher-icon", "aria-hidden": "true", text: "?" }),
      el("span", { text: "Ask about social media" })]);

  function iconButton(label, text, className) {
    return el("button", { type: "button", className: className || "icon", "aria-label": label, title: label, text: text });
  }
  // The visible "A−" is part of the accessible name (WCAG 2.5.3, label in name).
  var smaller = iconButton("A− smaller text", "A−", "icon smaller");
  var larger = iconButton("A+ larger text", "A+", "icon larger");
  var restart = el("button", { type: "button", className: "text-button restart", text: "Start again" });
  var saveButton = el("button", { type: "button", className: "text-button save", text: "Save conversation" });
  var menuButton = el("button", {
    type: "button", className: "text-button menu-button", "aria-expanded": "false", "aria-controls": "gc-menu", text: "Menu",
  });
  var menu = el("div", { id: "gc-menu", className: "menu", role: "group", "aria-label": "Menu", hidden: "" }, [
    el("span", { className: "menu-label", text: "Text size" }), smaller, larger, restart, saveButton,
  ]);
  var close = iconButton("Close chat", "×");
  var log = el("div", { id: ids.log, className: "log", role: "log", "aria-live": "polite", "aria-label": "Conversation", tabindex: "0" });
  var typing = el("div", { className: "typing", role: "status", hidden: "" }, [
    el("span", { className: "dots", "aria-hidden": "true" }, [el("span"), el("span"), el("span")]),
    el("span", { text: "The assistant is typing…" }),
  ]);
  var problemText = el("span");
  var retry = el("button", { type: "button", className: "text-button", text: "Try again now" });
  var problem = el("div", { className: "problem", role: "alert", hidden: "" }, [problemText, retry]);
  var input = el("textarea", {
    id: ids.input, rows: "2", maxlength: String(MAX_CHARS), autocomplete: "off",
    "aria-describedby": ids.notice, placeholder: "Ask a question",
  });
  var send = el("button", { type: "submit", className: "send", text: "Send" });
  var form = el("form", { className: "composer" }, [
    el("label", { className: "visually-hidden", for: ids.input, text: "Your question" }), input, send,
  ]);
  // Open until the first question, then one line that can be opened again.
  var notice = el("details", { className: "notice" }, [
    el("summary", { text: "Never type patient details" }),
    el("p", { id: ids.notice, text: "No names, NHS or hospital numbers, or dates of birth: the assistant needs none to answer." }),
  ]);
  var checked = el("span", { className: "checked" });
  var footer = el("footer", { className: "links" }, [
    link(new URL("privacy.html", base).href, "Privacy notice"),
    link(new URL("accessibility.html", base).href, "Accessibility statement"),
    link(new URL("about.html", base).href, "About"), checked,
  ]);
  var panel = el("section", {
    id: "gc-panel", className: "panel", role: options.mode === "page" ? "main" : "dialog",
    "aria-labelledby": ids.title,
  }, [
    el("header", { className: "header" }, [
      el("h2", { id: ids.title, text: options.title }),
      el("div", { className: "controls" }, [menuButton, options.mode === "page" ? null : close]),
    ]),
    menu, notice, log, typing, problem, form, footer,
  ]);
  var frame = el("div", { className: "frame mode-" + options.mode }, [options.mode === "page" ? null : launcher, panel]);
  root.appendChild(frame);
  function mount() { document.body.appendChild(host); }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);

  // ---- rendering --------------------------------------------------------------------------------
  function renderFeedback(message) {
    var status = el("span", { className: "feedback-status", role: "status",
      text: message.feedback ? "Thanks for your feedback." : "" });
    var buttons = [["helpful", "Helpful"], ["not_helpful", "Not helpful"]].map(function (choice) {
      var button = el("button", {
        type: "button", className: "chip feedback-button", "aria-pressed": String(message.feedback === choice[0]),
        text: choice[1],
      });
      if (message.feedback) button.disabled = true;
      button.addEventListener("click", function () {
        message.feedback = choice[0];
        var answer = message.custom.answer || {};
        deliver({ text: "/feedback", metadata: { feedback: { rating: choice[0], topic: message.custom.topic, passage: answer.passage } } });
      });
      return button;
    });
    return el("div", { className: "feedback", role: "group", "aria-label": "Was this answer helpful?" },
      [el("span", { className: "feedback-label", text: "Was this helpful?" })].concat(buttons, [status]));
  }

  // "What was wrong?" after "Not helpful": each reason goes back as feedback on that answer.
  function renderReasons(message) {
    var custom = message.custom;
    var buttons = (Array.isArray(custom.reasons) ? custom.reasons : []).map(function (reason) {
      var button = el("button", { type: "button", className: "chip reason-button", text: String(reason.title) });
      button.addEventListener("click", function () {
        deliver({
          text: "/feedback", display: String(reason.title),
          metadata: { feedback: { rating: "not_helpful", topic: custom.topic || undefined, passage: custom.passage || undefined, reason: reason.reason } },
        });
      });
      return button;
    });
    return el("div", { className: "suggestions", role: "group", "aria-label": "What was wrong with the answer?" }, buttons);
  }

  // The "before you post" check: each question says where it is in the check.
  function renderProgress(custom) {
    return el("p", { className: "check-progress", text: "Before you post: question " + Number(custom.step) + " of " + Number(custom.of) });
  }

  var VERDICTS = { looks_fine: "Looks fine", think_again: "Think again", do_not_post: "Do not post" };

  // The verdict: its first sentence as a heading, then each risk with what to do instead and
  // the passage that says so, as a link.
  function renderVerdict(message) {
    var custom = message.custom;
    var first = String(message.text || "").split("\n")[0];
    var risks = (Array.isArray(custom.risks) ? custom.risks : []).map(function (risk) {
      var citation = risk.citation || {};
      var href = safeUrl(risk.url);
      var label = citation.source ? citation.source + ", " + citation.section : String(risk.url || "");
      return el("li", {}, [
        el("span", { text: String(risk.risk || "") + " " }),
        el("strong", { text: String(risk.instead || "") }),
        href ? el("span", { className: "risk-source" }, [link(href, label)]) : null,
      ]);
    });
    return el("div", { className: "verdict verdict-" + String(custom.verdict) }, [
      el("p", { className: "verdict-title", text: VERDICTS[custom.verdict] || "" }),
      el("p", { text: first }),
      risks.length ? el("ul", { className: "risks" }, risks) : null,
    ]);
  }

  // An answer as plain text with its sources' addresses, for pasting into an email or a note.
  function plainAnswer(message) {
    var custom = message.custom;
    var answer = custom.answer || {};
    var lines = [custom.title, answer.summary].concat(
      [].concat(answer.do || [], answer.dont || []).map(function (point) { return "- " + point; }),
      (custom.citations || []).length ? ["", "Sources:"] : [],
      (custom.citations || []).map(function (c) { return "- " + c.source + ", " + c.section + ": " + c.url; }));
    return lines.filter(function (line) { return typeof line === "string"; }).join("\n");
  }

  function renderCopy(message) {
    if (!navigator.clipboard) return null;
    var status = el("span", { className: "copy-status", role: "status" });
    var button = el("button", { type: "button", className: "text-button copy", text: "Copy answer" });
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(plainAnswer(message)).then(
        function () { status.textContent = "Copied."; },
        function () { status.textContent = "Could not copy: select the text instead."; });
    });
    return el("div", { className: "keep" }, [button, status]);
  }

  function renderCitations(citations) {
    var items = (citations || []).map(function (citation) {
      var href = safeUrl(citation.url);
      var label = citation.source + ", " + citation.section;
      return el("li", {}, [href ? link(href, label) : document.createTextNode(label)]);
    });
    return items.length ? el("div", { className: "sources" }, [el("p", { className: "sources-title", text: "Sources" }), el("ul", {}, items)]) : null;
  }

  function renderSuggestions(replies, label) {
    if (!replies || !replies.length) return null;
    return el("div", { className: "suggestions", role: "group", "aria-label": label || "Suggested questions" },
      replies.map(function (reply) {
        var button = el("button", { type: "button", className: "chip", text: String(reply.title) });
        button.addEventListener("click", function () { ask(String(reply.title), String(reply.payload)); });
        return button;
      }));
  }

  function renderTopics(topics) {
    return el("details", { className: "topics" }, [
      el("summary", { text: "See all topics" }),
      renderSuggestions(topics, "All topics"),
    ]);
  }

  function render(message) {
    if (message.from === "user") {
      var bubble = el("div", { className: "message user" }, [
        el("span", { className: "visually-hidden", text: "You said: " }),
        el("span", { className: "user-text", text: message.text }),
      ]);
      if (message.waiting) bubble.appendChild(el("span", { className: "waiting", text: " (waiting to send)" }));
      return bubble;
    }
    var custom = message.custom || {};
    return el("div", { className: "message bot" + (custom.type ? " " + custom.type : "") }, [
      el("span", { className: "visually-hidden", text: "Assistant: " }),
      custom.type === "answer" && custom.title ? el("p", { className: "answer-title", text: String(custom.title) }) : null,
      custom.type === "check_question" ? renderProgress(custom) : null,
      custom.type === "answer" && custom.answer ? renderAnswer(custom.answer)
        : custom.type === "check_verdict" ? renderVerdict(message) : formatted(message.text, custom.languages),
      custom.type === "answer" ? renderCitations(custom.citations) : null,
      renderSuggestions(message.quick_replies),
      Array.isArray(custom.topics) ? renderTopics(custom.topics) : null,
      custom.type === "answer" ? renderCopy(message) : null,
      custom.type === "answer" ? renderFeedback(message) : null,
      custom.type === "feedback_reason" ? renderReasons(message) : null,
    ]);
  }

  // Buttons of earlier turns leave the tab order (a click still works) and look it.
  function markPast() {
    var bots = log.querySelectorAll(".message.bot");
    var latest = bots[bots.length - 1];
    log.querySelectorAll(".suggestions").forEach(function (group) {
      var past = !latest || !latest.contains(group) || log.lastElementChild !== latest;
      group.classList.toggle("past", past);
      group.querySelectorAll("button").forEach(function (button) {
        if (past) button.setAttribute("tabindex", "-1");
        else button.removeAttribute("tabindex");
      });
    });
  }

  function scroller() {
    return getComputedStyle(log).overflowY === "visible" ? panel : log;
  }

  // Show the start of a long answer, not its end; otherwise the latest message.
  function reveal(node) {
    var box = scroller();
    if (node) box.scrollTop += node.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
    else box.scrollTop = box.scrollHeight;
  }

  function renderAll() {
    log.textContent = "";
    state.messages.forEach(function (message) { log.appendChild(render(message)); });
    state.outbox.forEach(function (message) {
      if (!message.hidden) log.appendChild(render({ from: "user", text: message.display, waiting: true }));
    });
    notice.open = !state.messages.some(function (m) { return m.from === "user"; }) &&
      !state.outbox.some(function (m) { return !m.hidden; });
    renderChecked();
    markPast();
    reveal();
  }

  function append(message) {
    state.messages.push(message);
    save();
    var node = log.appendChild(render(message));
    markPast();
    reveal(message.from === "bot" ? node : null);
  }

  function renderChecked() {
    checked.textContent = state.sourcesChecked
      ? "Sources last checked " + new Date(state.sourcesChecked + "T12:00:00").toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" })
      : "";
  }

  function applyScale() {
    frame.style.setProperty("--gc-scale", String(state.scale));
    smaller.disabled = state.scale <= SCALES[0];
    larger.disabled = state.scale >= SCALES[SCALES.length - 1];
  }

  function step(direction) {
    var index = SCALES.indexOf(state.scale);
    state.scale = SCALES[Math.min(SCALES.length - 1, Math.max(0, (index < 0 ? 1 : index) + direction))];
    save();
    applyScale();
  }

  // ---- connection ---------------------------------------------------------------------------------
  var socket = null;
  var confirmed = false;
  var replyTimer = null;

  function showProblem(text) {
    problemText.textContent = text;
    problem.hidden = false;
  }

  function waitingForReply(waiting) {
    typing.hidden = !waiting;
    clearTimeout(replyTimer);
    if (waiting) {
      replyTimer = setTimeout(function () {
        typing.hidden = true;
        showProblem("No reply yet. The assistant may be busy.");
      }, REPLY_TIMEOUT_MS);
    }
  }

  function flush() {
    if (!socket || !socket.connected || !confirmed) return;
    while (state.outbox.length) {
      var item = state.outbox.shift();
      if (!item.hidden) state.messages.push({ from: "user", text: item.display, payload: item.text });
      socket.emit("user_uttered", { message: item.text, session_id: state.sessionId, metadata: item.metadata || {} });
      waitingForReply(true);
    }
    save();
    renderAll();
  }

  // Everything the user sends goes through the outbox, so nothing is lost while offline.
  function deliver(item) {
    state.outbox.push({
      text: item.text, display: item.display || item.text, hidden: !item.display,
      metadata: Object.assign({ page: location.pathname }, item.metadata || {}),
    });
    save();
    if (socket && socket.connected && confirmed) flush();
    else renderAll();
  }

  function ask(display, text) {
    deliver({ text: text || display, display: display });
  }

  function onBotMessage(message) {
    if (!message || typeof message !== "object") return;
    var custom = message.custom && typeof message.custom === "object" ? message.custom : null;
    if (custom && custom.type === "identifiers_removed") {
      // Show what the assistant kept, not what was typed.
      for (var i = state.messages.length - 1; i >= 0; i--) {
        if (state.messages[i].from === "user") {
          state.messages[i].text = state.messages[i].payload = String(custom.message || "");
          break;
        }
      }
      if (message.text) state.messages.push({ from: "bot", text: String(message.text) });
      save();
      renderAll();
      return;
    }
    waitingForReply(false);
    problem.hidden = true;
    if (custom && /^\d{4}-\d{2}-\d{2}$/.test(custom.sources_checked)) {
      state.sourcesChecked = custom.sources_checked;
      renderChecked();
    }
    append({
      from: "bot",
      text: typeof message.text === "string" ? message.text : "",
      quick_replies: Array.isArray(message.quick_replies) ? message.quick_replies : [],
      custom: custom,
    });
  }

  function auth(callback) {
    if (!options.tokenUrl) return callback({});
    fetch(options.tokenUrl, { credentials: "include" })
      .then(function (response) { return response.json(); })
      .then(function (body) { callback({ token: body.token }); })
      .catch(function () { callback({}); });
  }

  function connect(io) {
    socket = io(options.server, {
      path: options.socketPath,
      auth: auth,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 5000,
    });
    socket.on("connect", function () {
      confirmed = false;
      socket.emit("session_request", { session_id: state.sessionId });
    });
    socket.on("session_confirm", function (sessionId) {
      var fresh = sessionId !== state.sessionId;
      state.sessionId = typeof sessionId === "string" ? sessionId : String(sessionId);
      confirmed = true;
      problem.hidden = true;
      save();
      if (fresh && !state.messages.length && !state.outbox.length) {
        deliver({ text: "/help" }); // the welcome: what the assistant covers, with examples
      }
      flush();
    });
    socket.on("bot_uttered", onBotMessage);
    socket.on("message_error", function (body) {
      waitingForReply(false);
      showProblem((body && body.message) || "The assistant could not read that message.");
    });
    socket.on("disconnect", function () {
      confirmed = false;
      if (!typing.hidden) {
        // The reply to the last message may be lost: it is asked again after reconnecting.
        var last = state.messages[state.messages.length - 1];
        if (last && last.from === "user") {
          state.messages.pop();
          state.outbox.unshift({ text: last.payload || last.text, display: last.text, metadata: {} });
          save();
          renderAll();
        }
      }
      waitingForReply(false);
      showProblem("Can't reach the assistant. Trying again…");
    });
    socket.on("connect_error", function () {
      showProblem("Can't reach the assistant. Trying again…");
    });
  }

  // ---- controls ---------------------------------------------------------------------------------
  function setOpen(open, moveFocus) {
    state.open = open;
    save();
    frame.classList.toggle("open", open);
    launcher.setAttribute("aria-expanded", String(open));
    if (moveFocus) (open ? input : launcher).focus();
  }

  function setMenu(open) {
    menu.hidden = !open;
    menuButton.setAttribute("aria-expanded", String(open));
  }

  // The conversation as a page of its own, made here and downloaded: nothing goes to a server.
  function saveConversation() {
    var page = document.implementation.createHTMLDocument(options.title);
    page.documentElement.lang = "en-GB";
    page.head.prepend(el("meta", { charset: "utf-8" }));
    page.head.appendChild(el("style", { text: "body{font-family:Arial,sans-serif;max-width:40em;margin:2em auto;padding:0 1em;line-height:1.5;color:#212b32}.message{margin:1em 0;padding:.5em .75em;border-radius:8px;background:#f0f4f5}.message.user{background:#e8f1fa}.visually-hidden{font-weight:bold}" }));
    var saved = new Date().toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" });
    page.body.appendChild(el("h1", { text: options.title }));
    page.body.appendChild(el("p", { text: "Saved on " + saved + ". Where an answer and the linked guidance differ, the guidance is right." }));
    var copy = log.cloneNode(true);
    copy.querySelectorAll("button, .suggestions, .topics, .keep, .feedback, a .visually-hidden").forEach(function (node) { node.remove(); });
    ["role", "aria-live", "aria-label", "tabindex", "id"].forEach(function (name) { copy.removeAttribute(name); });
    page.body.appendChild(page.importNode(copy, true));
    var url = URL.createObjectURL(new Blob(["<!doctype html>\n" + page.documentElement.outerHTML], { type: "text/html" }));
    var anchor = el("a", { href: url, download: "social-media-guidance-conversation.html" });
    anchor.click();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  function focusable() {
    return Array.prototype.filter.call(panel.querySelectorAll(FOCUSABLE), function (node) {
      return node.getAttribute("tabindex") !== "-1" && node.getClientRects().length > 0;
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    setMenu(false);
    ask(text);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : send.click();
    }
  });
  launcher.addEventListener("click", function () { setOpen(!state.open, true); });
  close.addEventListener("click", function () { setOpen(false, true); });
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && options.mode !== "page") {
      event.stopPropagation();
      setOpen(false, true);
    } else if (event.key === "Tab" && options.mode !== "page") {
      // A dialog: Tab and Shift+Tab go round inside it, never to the page underneath.
      var nodes = focusable();
      var edge = event.shiftKey ? nodes[0] : nodes[nodes.length - 1];
      if (root.activeElement === edge) {
        event.preventDefault();
        (event.shiftKey ? nodes[nodes.length - 1] : nodes[0]).focus();
      }
    }
  });
  // A link that wraps onto several lines would otherwise get the focus while half scrolled away.
  log.addEventListener("focusin", function (event) {
    if (event.target !== log) event.target.scrollIntoView({ block: "nearest" });
  });
  menuButton.addEventListener("click", function () { setMenu(menu.hidden); });
  saveButton.addEventListener("click", saveConversation);
  smaller.addEventListener("click", function () { step(-1); });
  larger.addEventListener("click", function () { step(1); });
  retry.addEventListener("click", function () {
    problem.hidden = true;
    if (socket && !socket.connected) socket.connect();
    else if (socket) flush();
  });
  restart.addEventListener("click", function () {
    state.messages = [];
    state.outbox = [];
    state.sessionId = null;
    save();
    renderAll();
    setMenu(false);
    if (socket && socket.connected) socket.emit("session_request", { session_id: null });
    input.focus();
  });

  applyScale();
  renderAll();
  setOpen(options.mode === "page" || state.open, false);
  import(new URL("vendor/socket.io.esm.min.js", base).href)
    .then(function (module) { connect(module.io); })
    .catch(function () { showProblem("The chat could not load. Please reload the page."); });
})();
