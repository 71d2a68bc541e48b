/*
 * Two-Way shared renderer (classic script, no modules, no build step).
 *
 * Loaded as a content script by the browser extension AND as <script src="/ext/lib/render.js">
 * by the server's paste-in lint page. It attaches one global:
 *
 *   globalThis.TwoWayRender = {
 *     CATEGORIES: { pressure|self_focus|grammar|spelling|style|readiness: {label, short, hint} },
 *     TARGETS:    { words:[50,125], reading_grade:[3,5], questions:[1,3], you_ratio:[1,null] }
 *                 only for an answer without stats.targets: the numbers are judged against the
 *                 answer's own targets ({min,max} or [min,max]; the server derives them from its pack),
 *     buildCard(issue, {onApply(replacement), onIgnore(), onMute(), onClose()}) -> HTMLElement
 *         .tw-card: category label, message, why, advice, replacements as buttons, and
 *         "Ignore here" / "Mute this rule" / close buttons when the matching handler is given.
 *     buildStatsPanel(stats, {issues?}) -> HTMLElement
 *         .tw-stats: alignment score, verdict, then words, sentences, questions, reading grade
 *         and you/I (reader vs seller pronouns when the server counts them, else you_ratio), and the
 *         readiness findings ("Not ready to send", target 0), each
 *         against its target (you/I is judged on you_ratio); email-level findings (start == end == 0) when
 *         `issues` is given.
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

  var CATEGORIES = {
    pressure: {
      label: "Pressure",
      short: "pressure",
      hint: "Pushes the reader to act on your timeline instead of theirs.",
    },
    self_focus: {
      label: "Self-focus",
      short: "self-focus",
      hint: "About you and your goals rather than the reader.",
    },
    grammar: { label: "Grammar", short: "grammar", hint: "A grammar slip." },
    spelling: { label: "Spelling", short: "spelling", hint: "A possible misspelling." },
    style: { label: "Style", short: "style", hint: "Reads harder than it needs to." },
    readiness: {
      label: "Ready to send",
      short: "readiness",
      hint: "What a buyer would see before reading a word: a placeholder, a fake Re:, bulk-mail signs.",
    },
  };

  // [min, max] (null = unbounded). Only for an answer that carries no stats.targets (an older server).
  var TARGETS = {
    words: [50, 125],
    reading_grade: [3, 5],
    questions: [1, 3],
    you_ratio: [1, null],
  };

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

    if (handlers.onIgnore || handlers.onMute) {
      var actions = el("div", "tw-card-actions");
      if (handlers.onIgnore) {
        actions.appendChild(button("tw-card-ignore", "Ignore here", function () { handlers.onIgnore(); },
          "Ignore this sentence in this draft"));
      }
      if (handlers.onMute) {
        actions.appendChild(button("tw-card-mute", "Mute this rule", function () { handlers.onMute(); },
          "Stop showing this rule (undo in the options)"));
      }
      card.appendChild(actions);
    }
    if (issue.rule) card.appendChild(el("div", "tw-card-rule", issue.rule));
    return card;
  }

  function fmt(value, digits) {
    if (typeof value !== "number" || !isFinite(value)) return "\u2013";
    return digits ? value.toFixed(digits) : String(Math.round(value));
  }

  // A target is [min, max] or the server's {min, max}; null/undefined = unbounded.
  function normTarget(t) {
    if (!t) return null;
    if (Array.isArray(t)) return [t[0] === undefined ? null : t[0], t[1] === undefined ? null : t[1]];
    if (typeof t === "object") {
      return [typeof t.min === "number" ? t.min : null, typeof t.max === "number" ? t.max : null];
    }
    return null;
  }

  function targetText(t) {
    if (!t) return "";
    if (t[0] !== null && t[1] !== null) return t[0] + "\u2013" + t[1];
    if (t[0] !== null) return "\u2265 " + t[0];
    return "\u2264 " + t[1];
  }

  function within(value, t) {
    if (typeof value !== "number" || !t) return null;
    if (t[0] !== null && value < t[0]) return "low";
    if (t[1] !== null && value > t[1]) return "high";
    return "ok";
  }

  function buildStatsPanel(stats, options) {
    stats = stats || {};
    options = options || {};
    var given = stats.targets && typeof stats.targets === "object" && Object.keys(stats.targets).length ? stats.targets : TARGETS;
    var targets = {};
    Object.keys(given).forEach(function (k) { targets[k] = normTarget(given[k]); });
    var youI = fmt(stats.you_ratio, 2);
    if (typeof stats.reader_pronouns === "number" && typeof stats.seller_pronouns === "number") {
      youI = stats.reader_pronouns + " / " + stats.seller_pronouns;
    }
    var panel = el("div", "tw-stats");
    panel.setAttribute("role", "group");
    panel.setAttribute("aria-label", "Two-Way: this email's numbers");

    var head = el("div", "tw-stats-head");
    var score = el("span", "tw-stats-score", fmt(stats.alignment_score));
    score.title = "Alignment score (0\u2013100)";
    head.appendChild(score);
    var verdict = el("span", "tw-stats-verdict", stats.verdict || "");
    if (stats.verdict) verdict.dataset.verdict = String(stats.verdict);
    head.appendChild(verdict);
    panel.appendChild(head);

    var rows = [
      ["words", "Words", fmt(stats.words)],
      ["sentences", "Sentences", fmt(stats.sentences)],
      ["questions", "Questions", fmt(stats.questions)],
      ["reading_grade", "Reading grade", fmt(stats.reading_grade, 1)],
      ["you_ratio", "You / I", youI],
      ["readiness_issues", "Not ready to send", fmt(stats.readiness_issues)],
    ];
    var table = el("table", "tw-stats-table");
    var body = el("tbody");
    rows.forEach(function (row) {
      var key = row[0];
      var tr = el("tr", "tw-stats-row");
      tr.dataset.metric = key;
      tr.appendChild(el("th", "", row[1]));
      tr.appendChild(el("td", "tw-stats-value", row[2]));
      var t = targets[key];
      var state = within(stats[key], t);
      var targetCell = el("td", "tw-stats-target", t ? "target " + targetText(t) : "");
      tr.appendChild(targetCell);
      if (state) tr.dataset.state = state;
      body.appendChild(tr);
    });
    table.appendChild(body);
    panel.appendChild(table);

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
      panel.appendChild(ul);
    }
    return panel;
  }

  root.TwoWayRender = {
    CATEGORIES: CATEGORIES,
    TARGETS: TARGETS,
    buildCard: buildCard,
    buildStatsPanel: buildStatsPanel,
    highlightName: highlightName,
    categoryLabel: categoryLabel,
  };
})(typeof globalThis !== "undefined" ? globalThis : this);
