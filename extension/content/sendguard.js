/*
 * The send guard (docs/readiness.md): while the email has an unfilled placeholder (an error-level
 * readiness finding), Send is held and an in-page dialog names each problem, with "Go back" (the
 * default; Enter, Esc) and "Send anyway" (sends exactly as the page would have, once).
 *
 * - Send is a click on the compose's Send button (Gmail: the div[role=button] whose tooltip starts
 *   with "Send"; Outlook on the web: its Send button, in any UI language) or Ctrl/Cmd+Enter in the
 *   compose box. Both are caught at the window, in the capture phase, before the page sees them.
 * - Decided on the text as it is now: the compose box's last answer when it was for this very text
 *   (then a clean email's click passes untouched, at once), else a new lint with a short timeout.
 *   An unreachable, slow or failing server never holds Send: the gesture is replayed as it came.
 * - On by default; the options turn it off (the settings view's sendGuard, from main.js: content
 *   scripts never read storage). The only record is a count of held sends, kept by the background
 *   in this browser's storage (SEND_GUARD, sendGuardCounts) and shown on the options page.
 * Depends on: TwoWayComposes (main.js), TwoWayReadiness (readiness.js), TwoWayMessages.
 */
(function (root) {
  "use strict";
  if (root.__twowaySendGuard) return;
  root.__twowaySendGuard = true;
  if (window.top !== window.self && root.TwoWayFrames && root.TwoWayFrames.reachable(window.parent)) return;

  var LINT_TIMEOUT_MS = 1500;
  // "Send" in the UI languages of Gmail and Outlook: a Send button's label or tooltip starts with one.
  var SEND_WORDS = ["send", "senden", "envoyer", "enviar", "invia", "verzenden", "versturen", "skicka",
    "send", "sende", "lähetä", "wyślij", "odeslat", "odoslať", "küldés", "trimite", "gönder",
    "отправить", "надіслати", "送信", "发送", "傳送", "보내기", "إرسال", "שלח", "ส่ง", "gửi", "kirim"];
  var SEND_LABEL = new RegExp("^\\s*(?:" + SEND_WORDS.join("|") + ")(?![\\p{L}])", "iu");
  var SHORTCUT = /(?:ctrl|strg|⌘|cmd)\s*[-+]?\s*(?:enter|eingabe|entrée|intro|invio)/i;
  var MOUSE_TYPES = ["pointerdown", "mousedown", "pointerup", "mouseup", "click"];

  var gesture = null;   // the Send gesture being decided or held: {target, kind, events[], state}
  var replaying = false;

  // The settings view main.js holds (content scripts never read storage): on unless turned off, and
  // only where Two-Way is active for this site.
  function guarding() {
    var view = root.TwoWayComposes && root.TwoWayComposes.settings();
    return !!view && view.active !== false && view.sendGuard !== false;
  }

  function mutedRules() {
    var view = root.TwoWayComposes && root.TwoWayComposes.settings();
    return (view && view.muted) || [];
  }

  // ---- what is a Send --------------------------------------------------------------------------
  function labelOf(el) {
    return el.getAttribute("data-tooltip") || el.getAttribute("aria-label") || el.getAttribute("title") ||
      (el.textContent || "").trim().slice(0, 40);
  }

  function sendButton(target) {
    var el = target && target.nodeType === 1 ? target : target && target.parentElement;
    var button = el && el.closest("button, [role=\"button\"], input[type=\"submit\"], input[type=\"button\"]");
    if (!button || button.closest("[data-twoway]")) return null;
    var label = labelOf(button);
    var isSend = SEND_LABEL.test(label) || SHORTCUT.test(label) ||
      // Outlook's Send is its compose's primary button, whatever the UI language calls it.
      (button.matches(".ms-Button--primary, [data-testid=\"ComposeSendButton\"]"));
    if (!isSend || /\b(?:options?|later|schedule)\b/i.test(label)) return null;
    return composeFor(button) ? button : null;
  }

  // The compose box a Send button or a key press belongs to: the nearest one around it.
  function composeFor(el) {
    var registry = root.TwoWayComposes;
    if (!registry) return null;
    var direct = registry.find(el);
    if (direct && el.nodeType === 1 && !el.contains(direct.body.el)) return direct;   // inside a body or subject
    var all = registry.all();
    for (var node = el, depth = 0; node && depth < 30; node = node.parentElement, depth++) {
      var inside = all.filter(function (c) { return node.contains(c.body.el); });
      if (inside.length === 1) return inside[0];
      if (inside.length > 1) {
        // Several text boxes in one form (a site's recipient fields are text boxes too): the one the
        // rep wrote in last, else its only rich editor.
        if (lastWritten && inside.indexOf(lastWritten) >= 0) return lastWritten;
        var rich = inside.filter(function (c) { return c.body.el.isContentEditable; });
        return rich.length === 1 ? rich[0] : null;
      }
    }
    return null;
  }

  var lastWritten = null;
  window.addEventListener("input", function (ev) {
    var registry = root.TwoWayComposes;
    var c = registry && ev.target && ev.target.nodeType === 1 ? registry.find(ev.target) : null;
    if (c) lastWritten = c;
  }, true);

  function isSendKey(ev) {
    return ev.key === "Enter" && (ev.ctrlKey || ev.metaKey) && !ev.altKey && !ev.shiftKey;
  }

  // ---- deciding ----------------------------------------------------------------------------------
  function current(compose) {
    var raw = compose.body.extraction().text;
    var body = compose.sendable ? compose.sendable(compose.body, raw) : raw;   // what compose.js sends
    var subject = compose.subject ? compose.subject.extraction().text : "";
    return { body: body, subject: subject, key: subject + "\u0000" + body };
  }

  // The compose box's own answer when it is for this very text, else null.
  function freshAnswer(compose, now) {
    return compose.answeredKey === now.key && compose.result && compose.result.data ? compose.result.data : null;
  }

  function lintNow(compose, now) {
    var message = { type: "lint", text: now.body, subject: now.subject, grammar: false };
    if (root.TwoWayReadiness) Object.assign(message, root.TwoWayReadiness.request(compose.body.el));
    var answer = root.TwoWayMessages ? root.TwoWayMessages.send(message) : Promise.resolve(null);
    var timeout = new Promise(function (resolve) { setTimeout(function () { resolve(null); }, LINT_TIMEOUT_MS); });
    return Promise.race([answer, timeout]).then(function (resp) { return resp && resp.ok ? resp.data : null; });
  }

  function problems(data) {
    return root.TwoWayReadiness.blocking(data && data.issues, mutedRules());
  }

  // ---- catching the gesture ----------------------------------------------------------------------
  function swallow(ev) {
    ev.preventDefault();
    ev.stopImmediatePropagation();
  }

  function record(ev) {
    gesture.events.push({ type: ev.type, target: ev.target, init: eventInit(ev) });
  }

  function begin(ev, target, kind, compose) {
    var now = current(compose);
    var data = freshAnswer(compose, now);
    gesture = { target: target, kind: kind, events: [], seen: {}, compose: compose, state: "deciding", key: ev.key };
    gesture.seen[ev.type] = true;
    if (data && !problems(data).length) {
      gesture.state = "pass";   // untouched, at once
      return;
    }
    swallow(ev);
    record(ev);
    var g = gesture;
    var decided = data ? Promise.resolve(data) : lintNow(compose, now);
    decided.then(function (answer) {
      if (gesture !== g) return;
      var found = problems(answer);
      if (!found.length) { replay(g); return; }
      g.state = "held";
      count("held");
      openDialog(g, found);
    });
  }

  function ours(ev) {
    var t = ev.target;
    return !!(t && t.nodeType === 1 && t.closest("[data-twoway]"));
  }

  function onMouse(ev) {
    if (replaying || !guarding() || ours(ev)) return;
    // The rest of the gesture under way (each event type once: a second mousedown is a new gesture).
    if (gesture && gesture.kind === "click" && !gesture.seen[ev.type] && gesture.target.contains(ev.target)) {
      gesture.seen[ev.type] = true;
      if (gesture.state === "pass") {
        if (ev.type === "click") gesture = null;
        return;
      }
      if (gesture.state === "spent") {   // replayed already: the rest of the rep's gesture is not a second send
        if (ev.type === "click") gesture = null;
        swallow(ev);
        return;
      }
      swallow(ev);
      record(ev);
      return;
    }
    if (ev.type !== "pointerdown" && ev.type !== "mousedown" && ev.type !== "click") return;
    var button = sendButton(ev.target);
    if (!button) return;
    if (gesture && gesture.state === "held") { swallow(ev); return; }   // the dialog is open
    begin(ev, button, "click", composeFor(button));
  }

  function onKey(ev) {
    if (replaying || !guarding() || ours(ev)) return;
    if (gesture && (gesture.kind === "key" || gesture.kind === "press") && gesture.state !== "pass" &&
        (ev.type === "keyup" || ev.type === "keypress") && ev.key === gesture.key) {
      swallow(ev);
      if (gesture.state === "spent") { if (ev.type === "keyup") gesture = null; } else record(ev);
      return;
    }
    if (ev.type !== "keydown") return;
    var button = (ev.key === "Enter" || ev.key === " ") && !ev.ctrlKey && !ev.metaKey ? sendButton(ev.target) : null;
    if (!button && !isSendKey(ev)) return;
    var compose = button ? composeFor(button) : composeFor(ev.target);
    if (!compose) return;
    if (gesture && gesture.state === "held") { swallow(ev); return; }
    // Enter or Space on a native button sends through the click the browser makes of it; on a
    // div[role=button] (Gmail) and in the compose box, through the page's own key handler.
    var native = button && (button.localName === "button" || button.localName === "input");
    begin(ev, native ? button : ev.target, native ? "press" : "key", compose);
  }

  MOUSE_TYPES.forEach(function (type) { window.addEventListener(type, onMouse, true); });
  ["keydown", "keypress", "keyup"].forEach(function (type) { window.addEventListener(type, onKey, true); });

  // ---- sending as the page would have --------------------------------------------------------------
  function eventInit(ev) {
    var init = { bubbles: ev.bubbles, cancelable: ev.cancelable, composed: ev.composed, view: ev.view,
      ctrlKey: ev.ctrlKey, metaKey: ev.metaKey, shiftKey: ev.shiftKey, altKey: ev.altKey };
    if ("clientX" in ev) {
      init.clientX = ev.clientX; init.clientY = ev.clientY; init.screenX = ev.screenX; init.screenY = ev.screenY;
      init.button = ev.button; init.buttons = ev.buttons; init.detail = ev.detail;
    }
    if ("pointerId" in ev) { init.pointerId = ev.pointerId; init.pointerType = ev.pointerType; init.isPrimary = ev.isPrimary; }
    if ("key" in ev) { init.key = ev.key; init.code = ev.code; init.keyCode = ev.keyCode; init.which = ev.which; init.repeat = ev.repeat; }
    return init;
  }

  function make(type, init, win) {
    var Ctor = /^pointer/.test(type) && win.PointerEvent ? win.PointerEvent :
      /^(?:mouse|click)/.test(type) ? win.MouseEvent : /^key/.test(type) ? win.KeyboardEvent : win.Event;
    var event = new Ctor(type, init);
    // keyCode and which are read-only in KeyboardEventInit: pages that read them (Gmail) get them.
    if (/^key/.test(type) && init.keyCode) {
      try {
        Object.defineProperty(event, "keyCode", { value: init.keyCode });
        Object.defineProperty(event, "which", { value: init.which || init.keyCode });
      } catch (err) { /* read-only in this browser: the key is still there */ }
    }
    return event;
  }

  // The gesture's events as they came, then the ones it still lacked (a click whose mouseup landed
  // on the dialog), dispatched once on their own targets.
  function replay(g) {
    if (g.replayed) return;
    // What is left of the rep's own gesture (the mouseup and click of a button still held down,
    // a key's keyup) must not reach the page as a second Send.
    if (gesture === g) {
      var rest = g.kind === "click" ? !g.seen.click : !g.seen.keyup;
      gesture = rest ? { target: g.target, kind: g.kind, seen: g.seen, key: g.key, state: "spent" } : null;
      if (rest) setTimeout(function () { if (gesture && gesture.state === "spent") gesture = null; }, 3000);
    }
    g.replayed = true;
    var events = g.events.slice();
    var seen = events.map(function (e) { return e.type; });
    var first = events[0];
    var win = (first.target.ownerDocument || document).defaultView;
    if (g.kind === "click") {
      // A whole click, in the order browsers make it: the events that came, the missing ones made
      // (a mousedown or mouseup the dialog caught), or the lone click a script or a key made.
      var rect = g.target.getBoundingClientRect();
      var base = Object.assign({}, first.init, { clientX: rect.left + rect.width / 2, clientY: rect.top + rect.height / 2 });
      var order = first.type === "click" ? ["click"] :
        (seen.indexOf("pointerdown") >= 0 && win.PointerEvent ? ["pointerdown", "mousedown", "pointerup", "mouseup", "click"]
          : ["mousedown", "mouseup", "click"]);
      events = order.map(function (type) {
        var came = g.events.filter(function (e) { return e.type === type; })[0];
        if (came) return came;
        var down = type === "pointerdown" || type === "mousedown";
        return { type: type, target: g.target, init: Object.assign({}, base, { buttons: down ? 1 : 0, detail: 1 }) };
      });
    } else if (g.kind === "press") {
      events = [{ type: "click", target: g.target, init: { bubbles: true, cancelable: true, composed: true, view: win, detail: 0 } }];
    } else if (seen.indexOf("keyup") < 0 && first.type === "keydown") {
      events.push({ type: "keyup", target: first.target, init: first.init });
    }
    replaying = true;
    try {
      events.forEach(function (e) {
        var target = e.target && e.target.isConnected ? e.target : g.target;
        target.dispatchEvent(make(e.type, e.init, win));
      });
    } finally {
      replaying = false;
    }
  }

  // ---- the dialog ------------------------------------------------------------------------------------
  var dialogHost = null;

  function openDialog(g, found) {
    closeDialog();
    var doc = document;
    var host = doc.createElement("twoway-sendguard");
    host.dataset.twoway = "sendguard";
    host.setAttribute("style", "all: initial; position: fixed; inset: 0; z-index: 2147483647;");
    var shadow = host.attachShadow({ mode: "open" });   // open: the rep's own page; nothing secret in it
    var style = doc.createElement("style");
    style.textContent = DIALOG_CSS;
    shadow.appendChild(style);
    var backdrop = el(doc, "div", "backdrop");
    var box = el(doc, "div", "box");
    box.setAttribute("role", "alertdialog");
    box.setAttribute("aria-modal", "true");
    box.setAttribute("aria-labelledby", "tw-sg-title");
    box.setAttribute("aria-describedby", "tw-sg-list");
    var title = el(doc, "h2", "title", "Not ready to send");
    title.id = "tw-sg-title";
    box.appendChild(title);
    box.appendChild(el(doc, "p", "lead", found.length === 1 ? "The buyer would see this:" : "The buyer would see these " + found.length + " things:"));
    var list = el(doc, "ul", "list");
    list.id = "tw-sg-list";
    found.slice(0, 8).forEach(function (issue) {
      var li = el(doc, "li", "item");
      li.dataset.rule = issue.rule || "";
      li.appendChild(el(doc, "span", "message", issue.message || issue.rule));
      if (issue.field === "subject") li.appendChild(el(doc, "span", "where", " (subject)"));
      list.appendChild(li);
    });
    if (found.length > 8) list.appendChild(el(doc, "li", "item more", "and " + (found.length - 8) + " more"));
    box.appendChild(list);
    if (found[0] && found[0].why) box.appendChild(el(doc, "p", "why", found[0].why));
    var actions = el(doc, "div", "actions");
    var back = el(doc, "button", "back", "Go back");
    back.type = "button";
    back.dataset.action = "back";
    var anyway = el(doc, "button", "anyway", "Send anyway");
    anyway.type = "button";
    anyway.dataset.action = "send";
    actions.appendChild(back);
    actions.appendChild(anyway);
    box.appendChild(actions);
    box.appendChild(el(doc, "p", "foot", "Two-Way send guard \u00b7 turn it off in the extension's options"));
    backdrop.appendChild(box);
    shadow.appendChild(backdrop);

    var done = false;
    function finish(send) {
      if (done) return;
      done = true;
      closeDialog();
      if (send) {
        count("sentAnyway");
        replay(g);
      } else {
        if (gesture === g) gesture = null;
        var body = g.compose && g.compose.body.el;
        if (body && body.isConnected) body.focus();
      }
    }
    back.addEventListener("click", function () { finish(false); });
    anyway.addEventListener("click", function () { finish(true); });
    // Keys inside the dialog stay inside it (the page's shortcuts never see them): Esc is Go back,
    // Tab cycles the two buttons, Enter and Space press the focused one.
    host.addEventListener("keydown", function (ev) {
      ev.stopPropagation();
      if (ev.key === "Escape") { ev.preventDefault(); finish(false); return; }
      if (ev.key === "Tab") {
        ev.preventDefault();
        (shadow.activeElement === back ? anyway : back).focus();
      }
    });
    ["keyup", "keypress", "mousedown", "mouseup", "click", "pointerdown", "pointerup"].forEach(function (type) {
      host.addEventListener(type, function (ev) { ev.stopPropagation(); });
    });
    backdrop.addEventListener("mousedown", function (ev) { if (ev.target === backdrop) ev.preventDefault(); });
    (doc.body || doc.documentElement).appendChild(host);
    dialogHost = host;
    back.focus();
  }

  function closeDialog() {
    if (dialogHost) dialogHost.remove();
    dialogHost = null;
  }

  function el(doc, tag, className, text) {
    var node = doc.createElement(tag);
    node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  // Held and sent-anyway counts: kept in this browser only, shown on the options page.
  function count(what) {
    if (root.TwoWayMessages) root.TwoWayMessages.send({ type: root.TwoWayMessages.SEND_GUARD, event: what });
  }

  var DIALOG_CSS = [
    ".backdrop{position:fixed;inset:0;background:rgba(17,24,39,.35);display:flex;align-items:flex-start;justify-content:center;",
    "padding-top:12vh;font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#111827}",
    ".box{background:#fff;border-radius:10px;box-shadow:0 12px 40px rgba(0,0,0,.28);max-width:460px;width:calc(100% - 32px);",
    "padding:20px 22px 14px;border-top:5px solid #e11d48}",
    ".title{margin:0 0 6px;font-size:18px;font-weight:650}",
    ".lead{margin:0 0 6px;color:#374151}",
    ".list{margin:0 0 10px;padding-left:20px}",
    ".item{margin:3px 0}.message{font-weight:600}.where{color:#6b7280}",
    ".why{margin:0 0 14px;color:#4b5563;font-size:13px}",
    ".actions{display:flex;gap:10px;justify-content:flex-end}",
    "button{font:inherit;border-radius:6px;padding:7px 16px;cursor:pointer;border:1px solid #d1d5db;background:#fff;color:#111827}",
    "button.back{background:#1f2937;border-color:#1f2937;color:#fff;font-weight:600}",
    "button:focus-visible,button:focus{outline:3px solid #93c5fd;outline-offset:2px}",
    ".foot{margin:12px 0 0;color:#9ca3af;font-size:11px}",
    "@media (prefers-color-scheme: dark){.box{background:#1f2937;color:#f9fafb}.lead,.why{color:#d1d5db}",
    "button{background:#374151;color:#f9fafb;border-color:#4b5563}button.back{background:#f9fafb;color:#111827;border-color:#f9fafb}}",
  ].join("");

  root.TwoWaySendGuard = { isSendButton: function (el) { return !!sendButton(el); } };
})(typeof globalThis !== "undefined" ? globalThis : this);
