/*
 * The lint page's script: lints as you type (after a pause) and on submit through
 * POST /api/v1/page/lint, which answers as POST /api/v1/lint does plus the page's view model
 * of the answer ("view", built by page.py's build_view: the marked-up text, the findings by
 * category, the numbers against their targets). It draws that view model into the markup the
 * server's template draws it into without JavaScript, so what is marked, grouped and counted
 * is decided in one place; the cards come from the extension's shared renderer (TwoWayRender
 * from /ext/lib/render.js), with the same underline styles (.tw-mark in twoway.css). This
 * script only hides what the rep ignores or mutes, and applies replacements in the text.
 *
 * Every string from the email or the server is set with textContent, never as markup.
 * The API token (when the server needs one) lives in sessionStorage only.
 */
(function () {
  "use strict";

  var app = document.getElementById("app");
  var R = window.TwoWayRender;
  if (!app || !R || !window.fetch || !window.JSON) return; // the plain form still works

  var TOKEN_KEY = "twoway.apiToken";
  var MUTED_KEY = "twoway.mutedRules";
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

  var timer = null;
  var inflight = null;
  var seq = 0;
  var last = null;            // {issues, stats, grammar, view, text, subject}
  var ignored = {};           // "field|rule|text" -> true, for this draft
  var muted = loadMuted();    // rule id -> true, for this tab
  var pending = null;         // {focus, notice} for the render after an applied replacement

  document.documentElement.classList.add("js");
  Array.prototype.forEach.call(document.querySelectorAll(".js-only"), function (n) { n.hidden = false; });

  // ---- storage (session only) -------------------------------------------------------
  function storage() {
    try { return window.sessionStorage; } catch (e) { return null; }
  }
  function getToken() {
    var s = storage();
    return (s && s.getItem(TOKEN_KEY)) || "";
  }
  function setToken(value) {
    var s = storage();
    if (!s) return;
    if (value) s.setItem(TOKEN_KEY, value); else s.removeItem(TOKEN_KEY);
  }
  function loadMuted() {
    var s = storage();
    try { return JSON.parse((s && s.getItem(MUTED_KEY)) || "{}") || {}; } catch (e) { return {}; }
  }
  function saveMuted() {
    var s = storage();
    if (s) s.setItem(MUTED_KEY, JSON.stringify(muted));
  }

  // ---- token ------------------------------------------------------------------------
  function showTokenField(show) {
    if (tokenField) tokenField.hidden = !show;
  }
  function takeTokenFromField() {
    if (!tokenEl || !tokenEl.value.trim()) return false;
    setToken(tokenEl.value.trim());
    tokenEl.value = "";          // the token is kept in session storage, not in the page
    showTokenField(false);
    return true;
  }
  if (tokenRequired) {
    showTokenField(!getToken());
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
      clear(resultBody);
      setError("");
      setStatus("Paste an email above and check it.", false);
      return Promise.resolve();
    }
    if (tokenRequired && !getToken()) {
      showTokenField(true);
      setStatus("Enter this server's API token to check the email.", false);
      return Promise.resolve();
    }
    if (inflight) inflight.abort();
    var controller = window.AbortController ? new AbortController() : null;
    inflight = controller;
    var mine = ++seq;
    setStatus("Checking…", true);
    var headers = { "Content-Type": "application/json", "Accept": "application/json" };
    if (getToken()) headers.Authorization = "Bearer " + getToken();
    return fetch(apiUrl, {
      method: "POST",
      headers: headers,
      credentials: "same-origin",
      cache: "no-store",
      body: JSON.stringify({ text: text, subject: subject, grammar: !!(grammarEl && grammarEl.checked),
                             mode: templateModeEl && templateModeEl.checked ? "template" : "send" }),
      signal: controller ? controller.signal : undefined,
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (mine !== seq) return;
        if (response.status === 401) {
          setToken("");
          showTokenField(true);
          if (tokenEl) tokenEl.focus();
          setError((body.error && body.error.message) || "This server needs an API token.");
          setStatus("Enter this server's API token to check the email.", false);
          return;
        }
        if (!response.ok || !body.issues) {
          setError((body.error && body.error.message) || "The server could not check this text.");
          setStatus("Not checked.", false);
          return;
        }
        setError("");
        last = { issues: body.issues, stats: body.stats || {}, grammar: body.grammar, view: body.view,
                 text: text, subject: subject };
        render();
      });
    }).catch(function (err) {
      if (mine !== seq || (err && err.name === "AbortError")) return;
      setError("Could not reach the server to check this text.");
      setStatus("Not checked.", false);
    });
  }

  // ---- rendering --------------------------------------------------------------------
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  // A section named, for screen readers, by its own h3.
  function titledSection(className, headingId, title) {
    var section = el("section", className);
    section.setAttribute("aria-labelledby", headingId);
    var heading = el("h3", null, title);
    heading.id = headingId;
    section.appendChild(heading);
    return section;
  }

  function el(tag, className, text) {
    var n = document.createElement(tag);
    if (className) n.className = className;
    if (text !== undefined && text !== null) n.textContent = String(text);
    return n;
  }
  function key(issue) { return issue.field + "|" + issue.rule + "|" + issue.text; }
  function visible(issue) { return !muted[issue.rule] && !ignored[key(issue)]; }

  // The view model names findings by their index in last.issues.
  function shownIndex(i) { return visible(last.issues[i]); }

  /* The text as the view model cuts it: a piece covered by shown findings is a mark named
     after the first of them (the view model lists the one to show first first). */
  function markedText(tag, className, segments) {
    var box = el(tag, className);
    segments.forEach(function (seg) {
      var ids = seg.findings.filter(shownIndex);
      if (!ids.length) { box.appendChild(document.createTextNode(seg.text)); return; }
      var first = last.issues[ids[0]];
      var mark = el("mark", "tw-mark", seg.text);
      mark.setAttribute("data-rule", first.rule);
      mark.setAttribute("data-category", first.category);
      mark.setAttribute("data-findings", ids.map(function (i) { return "finding-" + i; }).join(" "));
      box.appendChild(mark);
    });
    return box;
  }

  /* The numbers panel, as the template draws it (the .tw-stats markup of render.js's panel). */
  function statsPanel(view, notes) {
    var panel = el("div", "tw-stats");
    panel.setAttribute("role", "group");
    panel.setAttribute("aria-label", "Two-Way: this email's numbers");
    var head = el("div", "tw-stats-head");
    var score = el("span", "tw-stats-score", view.score);
    score.title = "Alignment score (0\u2013100)";
    head.appendChild(score);
    var verdict = el("span", "tw-stats-verdict", view.verdict);
    if (view.verdict) verdict.setAttribute("data-verdict", view.verdict);
    head.appendChild(verdict);
    panel.appendChild(head);
    var table = el("table", "tw-stats-table");
    var tbody = el("tbody");
    view.rows.forEach(function (row) {
      var tr = el("tr", "tw-stats-row");
      tr.setAttribute("data-metric", row.key);
      if (row.state) tr.setAttribute("data-state", row.state);
      tr.appendChild(el("th", null, row.label));
      tr.appendChild(el("td", "tw-stats-value", row.value));
      tr.appendChild(el("td", "tw-stats-target", row.target));
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    panel.appendChild(table);
    if (notes.length) {
      var ul = el("ul", "tw-stats-notes");
      notes.forEach(function (i) {
        var issue = last.issues[i];
        var li = el("li", "tw-stats-note");
        li.setAttribute("data-category", issue.category);
        li.setAttribute("data-rule", issue.rule);
        li.appendChild(el("strong", null, issue.message || issue.rule));
        if (issue.why) li.appendChild(el("span", "tw-stats-note-why", " " + issue.why));
        ul.appendChild(li);
      });
      panel.appendChild(ul);
    }
    return panel;
  }

  function render(focusIndex) {
    if (!last) return;
    var view = last.view;
    var groups = [];
    view.groups.forEach(function (g) {
      var shown = g.findings.filter(shownIndex);
      if (shown.length) groups.push({ category: g.category, label: g.label, findings: shown });
    });
    var notes = view.notes.filter(shownIndex);
    var frag = document.createDocumentFragment();

    // The numbers, with the email-level findings.
    var panel = titledSection("panel", "panel-title", "Alignment score and numbers");
    panel.id = "panel";
    var slot = el("div");
    slot.id = "stats-slot";
    slot.appendChild(statsPanel(view, notes));
    panel.appendChild(slot);

    var counts = el("ul", "counts");
    counts.id = "counts";
    counts.setAttribute("aria-label", "Findings by category");
    groups.forEach(function (g) {
      var li = el("li");
      li.setAttribute("data-category", g.category);
      var a = el("a", null, g.label);
      a.href = "#group-" + g.category;
      li.appendChild(a);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("strong", "count", g.findings.length));
      counts.appendChild(li);
    });
    panel.appendChild(counts);
    frag.appendChild(panel);

    // The email, marked up.
    var marked = titledSection("marked", "marked-title", "Your email, marked up");
    if (last.subject) {
      var subj = el("p", "marked-subject");
      subj.appendChild(el("span", "marked-label", "Subject:"));
      subj.appendChild(document.createTextNode(" "));
      var subjText = markedText("span", "marked-subject-text", view.subject);
      subjText.id = "marked-subject";
      subj.appendChild(subjText);
      marked.appendChild(subj);
    }
    var body = markedText("div", "marked-body", view.body);
    body.id = "marked-body";
    marked.appendChild(body);
    frag.appendChild(marked);

    // The findings, grouped by category, in text order inside each group.
    var findings = titledSection("findings", "findings-title", "Findings");
    var fh = findings.firstChild;
    fh.tabIndex = -1;
    if (!groups.length) findings.appendChild(el("p", "none", "Nothing to flag in the text. Nice and two-way."));
    var order = [];
    groups.forEach(function (g) {
      var section = el("section", "group");
      section.setAttribute("data-category", g.category);
      section.setAttribute("aria-labelledby", "group-" + g.category);
      var gh = el("h4");
      gh.id = "group-" + g.category;
      var sw = el("span", "swatch tw-mark", "\u00a0\u00a0\u00a0\u00a0");
      sw.setAttribute("data-category", g.category);
      sw.setAttribute("aria-hidden", "true");
      gh.appendChild(sw);
      gh.appendChild(document.createTextNode(g.label + " "));
      gh.appendChild(el("span", "count", g.findings.length));
      section.appendChild(gh);
      var ol = el("ol", "finding-list");
      g.findings.forEach(function (i) {
        var issue = last.issues[i];
        var li = el("li", "finding");
        li.id = "finding-" + i;
        li.setAttribute("data-rule", issue.rule);
        li.setAttribute("data-category", issue.category);
        li.setAttribute("data-severity", issue.severity || "");
        var card = R.buildCard(issue, {
          onApply: function (replacement) { apply(issue, replacement, order.indexOf(i)); },
          onIgnore: function () { ignored[key(issue)] = true; render(order.indexOf(i)); },
          onMute: function () { muted[issue.rule] = true; saveMuted(); render(order.indexOf(i)); },
        });
        // In the extension the card is a pop-up dialog; here it is an item of a list.
        card.removeAttribute("role");
        card.removeAttribute("aria-label");
        li.appendChild(card);
        ol.appendChild(li);
        order.push(i);
      });
      section.appendChild(ol);
      findings.appendChild(section);
    });
    var mutedRules = Object.keys(muted);
    var n = last.issues.filter(visible).length;
    var hiddenCount = last.issues.length - n;
    if (hiddenCount || mutedRules.length) {
      var p = el("p", "hidden-note", hiddenCount + " finding" + (hiddenCount === 1 ? "" : "s") + " hidden" +
        (mutedRules.length ? " (muted: " + mutedRules.join(", ") + ")" : "") + ". ");
      var reset = el("button", "show-all", "Show all");
      reset.type = "button";
      reset.addEventListener("click", function () {
        muted = {}; ignored = {}; saveMuted(); render(); fh.focus();
      });
      p.appendChild(reset);
      findings.appendChild(p);
    }
    frag.appendChild(findings);

    clear(resultBody);
    resultBody.appendChild(frag);
    if (grammarState) grammarState.textContent = last.grammar || "—";

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
      var target = order[Math.min(focusIndex, order.length - 1)];
      var next = target === undefined ? null : document.querySelector("#finding-" + target + " button");
      (next || fh).focus();
    }
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
    if (navigator.clipboard && window.isSecureContext) {
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
      if (last && results.getBoundingClientRect().top > window.innerHeight * 0.8) {
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
})();
