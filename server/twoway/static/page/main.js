/*
 * The lint page with JavaScript: lints as you type (after a pause) and on submit, keeps the
 * token in the tab (store.js), sends the request (client.js), draws the answer (results.js, with
 * the extension's renderer), applies a better wording in the text, copies the revised text, and
 * links the marks in the text with their cards. Without JavaScript the form posts to the server,
 * which draws the same answer with the template.
 *
 * Load order (templates/page.html): /ext/lib/definitions.js, /ext/lib/render.js, then
 * page/store.js, page/client.js, page/results.js and this file.
 */
(function (root) {
  "use strict";

  var app = document.getElementById("app");
  var R = root.TwoWayRender;
  var Store = root.TwoWayPageStore;
  var Client = root.TwoWayPageClient;
  var Results = root.TwoWayPageResults;
  if (!app || !R || !Store || !Client || !Results || !root.fetch || !root.JSON) return; // the plain form still works

  var PAUSE_MS = 600;

  var form = document.getElementById("lint-form");
  var textEl = document.getElementById("text");
  var subjectEl = document.getElementById("subject");
  var grammarEl = document.getElementById("grammar");
  var templateModeEl = document.getElementById("mode-template");
  var sendModeEl = document.getElementById("mode-send");
  var tokenField = document.getElementById("token-field");
  var tokenEl = document.getElementById("token");
  var copyBtn = document.getElementById("copy");
  var statusEl = document.getElementById("status");
  var errorEl = document.getElementById("error");
  var resultBody = document.getElementById("result-body");
  var grammarState = document.getElementById("grammar-state");
  var apiUrl = app.getAttribute("data-api");
  var tokenRequired = app.getAttribute("data-token-required") === "true";
  // What the rep does with the cards, sent as codes (extension/lib/feedback.js; issue 20).
  var Feedback = root.TwoWayFeedback || null;
  var feedbackUrl = app.getAttribute("data-feedback");
  var tracker = Feedback ? Feedback.Tracker() : null;

  var timer = null;
  var inflight = null;
  var seq = 0;
  var last = null;            // {issues, stats, panel, grammar, view, text, subject}
  var ignored = {};           // "field|rule|text" -> true, for this draft
  var muted = Store.loadMuted();  // rule id -> true, for this tab
  var pending = null;         // {focus, notice} for the render after an applied replacement

  document.documentElement.classList.add("js");
  Array.prototype.forEach.call(document.querySelectorAll(".js-only"), function (n) { n.hidden = false; });

  // ---- token ------------------------------------------------------------------------
  function showTokenField(show) {
    if (tokenField) tokenField.hidden = !show;
  }
  function takeTokenFromField() {
    if (!tokenEl || !tokenEl.value.trim()) return false;
    Store.setToken(tokenEl.value.trim());
    tokenEl.value = "";          // the token is kept in session storage, not in the page
    showTokenField(false);
    return true;
  }
  if (tokenRequired) {
    showTokenField(!Store.getToken());
    if (tokenEl) {
      tokenEl.removeAttribute("name"); // never part of a page post once the script runs
      tokenEl.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter") { ev.preventDefault(); if (takeTokenFromField()) { textEl.focus(); lintNow(); } }
      });
      tokenEl.addEventListener("change", function () { if (takeTokenFromField()) lintNow(); });
    }
  }

  // ---- status -----------------------------------------------------------------------
  function setStatus(message, busy) {
    if (statusEl.textContent !== message) statusEl.textContent = message;
    statusEl.setAttribute("data-busy", busy ? "true" : "false");
  }
  function setError(message) {
    errorEl.textContent = message || "";
    errorEl.hidden = !message;
  }

  // ---- linting ----------------------------------------------------------------------
  function schedule() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(lintNow, PAUSE_MS);
  }

  function lintNow() {
    if (timer) { clearTimeout(timer); timer = null; }
    var text = textEl.value;
    var subject = subjectEl.value;
    if (!text.trim() && !subject.trim()) {
      if (inflight) inflight.abort();
      last = null;
      if (tracker) tracker.reset();
      while (resultBody.firstChild) resultBody.removeChild(resultBody.firstChild);
      setError("");
      setStatus("Paste an email above and check it.", false);
      return Promise.resolve();
    }
    if (tokenRequired && !Store.getToken()) {
      showTokenField(true);
      setStatus("Enter this server's API token to check the email.", false);
      return Promise.resolve();
    }
    if (inflight) inflight.abort();
    var controller = root.AbortController ? new AbortController() : null;
    inflight = controller;
    var mine = ++seq;
    setStatus("Checking…", true);
    var payload = { text: text, subject: subject, grammar: !!(grammarEl && grammarEl.checked),
                    mode: templateModeEl && templateModeEl.checked ? "template" : "send" };
    return Client.lint(apiUrl, payload, Store.getToken(), controller ? controller.signal : undefined).then(function (answer) {
      if (mine !== seq) return;
      var body = answer.body;
      if (answer.status === 401) {
        Store.setToken("");
        showTokenField(true);
        if (tokenEl) tokenEl.focus();
        setError((body.error && body.error.message) || "This server needs an API token.");
        setStatus("Enter this server's API token to check the email.", false);
        return;
      }
      if (!answer.ok || !body.issues) {
        setError((body.error && body.error.message) || "The server could not check this text.");
        setStatus("Not checked.", false);
        return;
      }
      setError("");
      last = { issues: body.issues, stats: body.stats || {}, panel: body.panel, grammar: body.grammar,
               view: body.view, text: text, subject: subject };
      // An edit that made a rule fire fewer times: the rep fixed it (counted on its own).
      if (tracker) {
        tracker.update(body, function (rule) { return !!muted[rule]; })
          .forEach(function (rule) { sendFeedback(rule, "fixed"); });
      }
      render();
    }).catch(function (err) {
      if (mine !== seq || (err && err.name === "AbortError")) return;
      setError("Could not reach the server to check this text.");
      setStatus("Not checked.", false);
    });
  }

  // ---- drawing ----------------------------------------------------------------------
  function key(issue) { return issue.field + "|" + issue.rule + "|" + issue.text; }
  function visible(issue) { return !muted[issue.rule] && !ignored[key(issue)]; }
  // The view model names findings by their index in last.issues.
  function shownIndex(i) { return visible(last.issues[i]); }

  function render(focusIndex) {
    if (!last) return;
    var drawn = Results.draw(resultBody, last, shownIndex, {
      onApply: function (issue, replacement, position) { apply(issue, replacement, position); },
      onKeep: function (issue, reason, position) {
        ignored[key(issue)] = true;
        sendFeedback(issue.rule, "kept", reason);
        render(position);
      },
      onMute: function (issue, position) {
        muted[issue.rule] = true;
        Store.saveMuted(muted);
        sendFeedback(issue.rule, "muted");
        render(position);
      },
      onShowAll: function () { muted = {}; ignored = {}; Store.saveMuted(muted); render(); drawn.heading.focus(); },
    }, Object.keys(muted));
    if (grammarState) grammarState.textContent = last.grammar || "—";

    var n = last.issues.filter(visible).length;
    var score = last.stats.alignment_score;
    var notice = "";
    if (pending && focusIndex === undefined) {
      focusIndex = pending.focus;
      notice = pending.notice + " ";
    }
    pending = null;
    setStatus(notice + n + " finding" + (n === 1 ? "" : "s") + "." +
      (typeof score === "number" ? " Alignment score " + score + (last.stats.verdict ? ", " + last.stats.verdict : "") + "." : ""),
      false);
    document.title = n + " finding" + (n === 1 ? "" : "s") + " – Two-Way: check a sales email";

    if (typeof focusIndex === "number" && focusIndex >= 0) {
      var target = drawn.order[Math.min(focusIndex, drawn.order.length - 1)];
      var next = target === undefined ? null : document.querySelector("#finding-" + target + " button");
      (next || drawn.heading).focus();
    }
  }

  // ---- feedback -------------------------------------------------------------------------
  function sendFeedback(rule, action, reason) {
    if (Feedback && feedbackUrl) Client.feedback(feedbackUrl, Feedback.body(rule, action, reason), Store.getToken());
  }

  // ---- applying a better wording -------------------------------------------------------
  function apply(issue, replacement, position) {
    var field = issue.field === "subject" ? subjectEl : textEl;
    var linted = issue.field === "subject" ? last.subject : last.text;
    if (field.value !== linted || field.value.slice(issue.start, issue.end) !== issue.text) {
      setStatus("The text changed since the check; checking again.", true);
      lintNow();
      return;
    }
    field.value = field.value.slice(0, issue.start) + replacement + field.value.slice(issue.end);
    var caret = issue.start + replacement.length;
    try { field.setSelectionRange(caret, caret); } catch (e) { /* not focused */ }
    if (tracker) tracker.applied(issue.rule);
    sendFeedback(issue.rule, "fixed");
    pending = { focus: position, notice: "Replaced \u201c" + issue.text + "\u201d with \u201c" + replacement + "\u201d." };
    lintNow();
  }

  // ---- copy -------------------------------------------------------------------------------
  function copy() {
    var value = textEl.value;
    function done() { setStatus("Copied the revised text.", false); }
    function fallback() {
      var start = textEl.selectionStart, end = textEl.selectionEnd;
      textEl.focus();
      textEl.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      textEl.setSelectionRange(start, end);
      copyBtn.focus();
      if (ok) done(); else setStatus("Select the text and copy it (Ctrl+C).", false);
    }
    if (navigator.clipboard && root.isSecureContext) {
      navigator.clipboard.writeText(value).then(done, fallback);
    } else {
      fallback();
    }
  }

  // ---- marks <-> cards ------------------------------------------------------------------
  function findingsOf(mark) { return (mark.getAttribute("data-findings") || "").split(" ").filter(Boolean); }
  function setActive(id, on) {
    Array.prototype.forEach.call(resultBody.querySelectorAll("mark.tw-mark"), function (m) {
      if (findingsOf(m).indexOf(id) >= 0) m.classList.toggle("tw-active", on);
    });
  }
  resultBody.addEventListener("click", function (ev) {
    var mark = ev.target.closest && ev.target.closest("mark.tw-mark");
    if (!mark) return;
    var id = findingsOf(mark)[0];
    var li = id && document.getElementById(id);
    if (!li) return;
    li.scrollIntoView({ block: "nearest" });
    var card = li.querySelector(".tw-card");
    if (card) card.focus();
  });
  ["focusin", "mouseover"].forEach(function (type) {
    resultBody.addEventListener(type, function (ev) {
      var li = ev.target.closest && ev.target.closest("li.finding");
      Array.prototype.forEach.call(resultBody.querySelectorAll(".tw-active"), function (n) { n.classList.remove("tw-active"); });
      if (li) { li.classList.add("tw-active"); setActive(li.id, true); }
    });
  });

  // ---- wiring -----------------------------------------------------------------------------
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    takeTokenFromField();
    lintNow().then(function () {
      // On a narrow screen the results are below the form: bring them up (focus stays put).
      var results = document.getElementById("results");
      if (last && results.getBoundingClientRect().top > root.innerHeight * 0.8) {
        results.scrollIntoView({ block: "start" });
      }
    });
  });
  textEl.addEventListener("input", schedule);
  subjectEl.addEventListener("input", schedule);
  if (grammarEl) grammarEl.addEventListener("change", lintNow);
  [templateModeEl, sendModeEl].forEach(function (el) { if (el) el.addEventListener("change", lintNow); });
  textEl.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); lintNow(); }
  });
  if (copyBtn) copyBtn.addEventListener("click", copy);

  // A restored form (back button) or a server-rendered answer: redraw it with the shared renderer.
  if (textEl.value.trim() || subjectEl.value.trim()) lintNow();
})(window);
