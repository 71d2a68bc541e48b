/*
 * Two-Way shared renderer (classic script, no modules, no build step).
 *
 * Loaded as a content script by the browser extension AND as <script src="/ext/lib/render.js">
 * by the server's paste-in lint page, after lib/definitions.js. It attaches one global:
 *
 *   globalThis.TwoWayRender = {
 *     CATEGORIES: { <category key>: {label, short, hint} }   from TwoWayDefinitions.categories
 *     buildCard(issue, {onApply(replacement), onKeep(reason|null), onMute(), onClose()}) -> HTMLElement
 *         .tw-card: category label, message, why, advice, replacements as buttons, and
 *         "Keep it" / "Mute rule" / close buttons when the matching handler is given; with onKeep,
 *         a row of one-tap reasons (TwoWayFeedback.REASONS) that keep it with that reason.
 *         (onIgnore(), the old name of onKeep, still works: a keep without a reason.)
 *     buildStatsPanel(panel, {issues?}) -> HTMLElement
 *         .tw-stats: the lint answer's "panel" as the server formatted it (score, verdict, then
 *         each row: label, value, target, data-state low|ok|high), and the email-level findings
 *         (start == end == 0) when `issues` is given. No number is formatted here.
 *     highlightName(category) -> "twoway-<category>"   (the CSS.highlights key; styled in twoway.css)
 *     categoryLabel(category) -> string
 *   }
 *
 * Every string that comes from the server or from an email is set with textContent, never
 * innerHTML: an email can contain markup. Styles live in twoway.css (.tw-card, .tw-stats, ...).
 * Keep changes additive: the lint page and the extension both depend on this API.
 */
(function (root) {
  "use strict";

  // The categories, by key, from lib/definitions.js (loaded first): the one list of them.
  var CATEGORIES = {};
  (root.TwoWayDefinitions ? root.TwoWayDefinitions.categories : []).forEach(function (c) {
    CATEGORIES[c.key] = { label: c.label, short: c.short, hint: c.hint };
  });

  function highlightName(category) {
    return "twoway-" + String(category || "style").replace(/[^a-z0-9_-]/gi, "");
  }

  function categoryLabel(category) {
    var c = CATEGORIES[category];
    return c ? c.label : String(category || "Note");
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null && text !== "") node.textContent = String(text);
    return node;
  }

  function button(className, text, onClick, title) {
    var b = el("button", className, text);
    b.type = "button";
    if (title) b.title = title;
    b.addEventListener("click", function (ev) {
      ev.preventDefault();
      ev.stopPropagation();
      onClick(ev);
    });
    // Keep the editor's selection: a mousedown on a button must not steal focus from it.
    b.addEventListener("mousedown", function (ev) { ev.preventDefault(); });
    return b;
  }

  function buildCard(issue, handlers) {
    issue = issue || {};
    handlers = handlers || {};
    var category = issue.category || "style";
    var card = el("div", "tw-card");
    card.setAttribute("role", "dialog");
    card.setAttribute("aria-label", "Two-Way: " + categoryLabel(category));
    card.dataset.category = category;
    card.dataset.rule = issue.rule || "";
    card.tabIndex = -1;

    var head = el("div", "tw-card-head");
    var tag = el("span", "tw-card-tag", categoryLabel(category));
    tag.dataset.category = category;
    head.appendChild(tag);
    if (issue.text) head.appendChild(el("span", "tw-card-quote", "\u201c" + issue.text + "\u201d"));
    if (handlers.onClose) {
      var close = button("tw-card-close", "\u00d7", function () { handlers.onClose(); }, "Close (Esc)");
      close.setAttribute("aria-label", "Close");
      head.appendChild(close);
    }
    card.appendChild(head);

    card.appendChild(el("p", "tw-card-message", issue.message || categoryLabel(category)));
    if (issue.why) card.appendChild(el("p", "tw-card-why", issue.why));
    if (issue.advice) card.appendChild(el("p", "tw-card-advice", issue.advice));

    var reps = (issue.replacements || []).filter(function (r) { return typeof r === "string"; });
    if (reps.length) {
      var list = el("div", "tw-card-replacements");
      list.setAttribute("role", "group");
      list.setAttribute("aria-label", "Better wording");
      reps.slice(0, 5).forEach(function (rep) {
        var b = button("tw-card-replacement", rep === "" ? "(remove)" : rep, function () {
          if (handlers.onApply) handlers.onApply(rep);
        }, handlers.onApply ? "Replace with this wording" : "");
        b.disabled = !handlers.onApply;
        b.dataset.replacement = rep;
        list.appendChild(b);
      });
      card.appendChild(list);
    }

    var keep = handlers.onKeep || (handlers.onIgnore && function () { handlers.onIgnore(); });
    if (keep || handlers.onMute) {
      var actions = el("div", "tw-card-actions");
      if (keep) {
        // "Keep it": the rep thinks the underline is wrong here (the team's false-alarm count).
        actions.appendChild(button("tw-card-keep tw-card-ignore", "Keep it", function () { keep(null); },
          "Keep this sentence as it is: the underline is wrong here (hidden in this draft)"));
      }
      if (handlers.onMute) {
        actions.appendChild(button("tw-card-mute", "Mute rule", function () { handlers.onMute(); },
          "Stop showing this rule (undo in the options)"));
      }
      card.appendChild(actions);
      var reasons = root.TwoWayFeedback && handlers.onKeep ? root.TwoWayFeedback.REASONS : [];
      if (reasons.length) {
        // Optional, one tap: why keep it. After the main actions, so their keyboard order stays.
        var why = el("div", "tw-card-reasons");
        why.setAttribute("role", "group");
        why.setAttribute("aria-label", "Keep it because");
        why.appendChild(el("span", "tw-card-reasons-label", "Keep it because:"));
        reasons.forEach(function (r) {
          var b = button("tw-card-reason", r.label, function () { keep(r.code); }, "Keep it: " + r.label.toLowerCase());
          b.dataset.reason = r.code;
          why.appendChild(b);
        });
        card.appendChild(why);
      }
    }
    if (issue.rule) card.appendChild(el("div", "tw-card-rule", issue.rule));
    return card;
  }

  // The panel as the server formatted it (the lint answer's "panel": score, verdict, rows):
  // drawn as it is, so every client shows the same numbers the same way.
  function buildStatsPanel(panel, options) {
    panel = panel || {};
    options = options || {};
    var box = el("div", "tw-stats");
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Two-Way: this email's numbers");

    var head = el("div", "tw-stats-head");
    var score = el("span", "tw-stats-score", panel.score || "\u2013");
    score.title = "Alignment score (0\u2013100)";
    head.appendChild(score);
    var verdict = el("span", "tw-stats-verdict", panel.verdict || "");
    if (panel.verdict) verdict.dataset.verdict = String(panel.verdict);
    head.appendChild(verdict);
    box.appendChild(head);

    var table = el("table", "tw-stats-table");
    var body = el("tbody");
    (panel.rows || []).forEach(function (row) {
      var tr = el("tr", "tw-stats-row");
      tr.dataset.metric = row.key;
      tr.appendChild(el("th", "", row.label));
      tr.appendChild(el("td", "tw-stats-value", row.value));
      tr.appendChild(el("td", "tw-stats-target", row.target));
      if (row.state) tr.dataset.state = row.state;
      body.appendChild(tr);
    });
    table.appendChild(body);
    box.appendChild(table);

    var notes = (options.issues || []).filter(function (i) { return i && i.start === 0 && i.end === 0; });
    if (notes.length) {
      var ul = el("ul", "tw-stats-notes");
      notes.forEach(function (i) {
        var li = el("li", "tw-stats-note");
        li.dataset.category = i.category || "style";
        li.dataset.rule = i.rule || "";
        li.appendChild(el("strong", "", i.message || i.rule || ""));
        if (i.why) li.appendChild(el("span", "tw-stats-note-why", " " + i.why));
        ul.appendChild(li);
      });
      box.appendChild(ul);
    }
    return box;
  }

  root.TwoWayRender = {
    CATEGORIES: CATEGORIES,
    buildCard: buildCard,
    buildStatsPanel: buildStatsPanel,
    highlightName: highlightName,
    categoryLabel: categoryLabel,
  };
})(typeof globalThis !== "undefined" ? globalThis : this);
