/*
 * Draws a lint answer into the page's results, in the markup the server's template draws
 * without JavaScript: the numbers panel and the cards come from the extension's renderer
 * (TwoWayRender.buildStatsPanel, .buildCard), the marked-up text and the groups from the view
 * model the server built (page.py build_view). Nothing here decides what is marked, grouped,
 * counted or how a number reads; it only leaves out what the rep ignored or muted.
 *
 *   globalThis.TwoWayPageResults = {
 *     draw(container, answer, isShown(index), handlers) -> {order, heading}
 *         answer: {issues, panel, view, subject}; handlers: {onApply(issue, replacement, position),
 *         onKeep(issue, reason|null, position), onMute(issue, position), onShowAll()};
 *         order: the finding indices in the order their cards are listed; heading: the h3 of the findings.
 *     el(tag, className, text) -> HTMLElement
 *   }
 * Every string from the email or the server is set with textContent, never as markup.
 */
(function (root) {
  "use strict";

  function el(tag, className, text) {
    var n = document.createElement(tag);
    if (className) n.className = className;
    if (text !== undefined && text !== null) n.textContent = String(text);
    return n;
  }

  // A section named, for screen readers, by its own h3.
  function titledSection(className, headingId, title) {
    var section = el("section", className);
    section.setAttribute("aria-labelledby", headingId);
    var heading = el("h3", null, title);
    heading.id = headingId;
    section.appendChild(heading);
    return section;
  }

  /* The text as the view model cuts it: a piece covered by shown findings is a mark named
     after the first of them (the view model lists the one to show first first). */
  function markedText(tag, className, segments, issues, isShown) {
    var box = el(tag, className);
    segments.forEach(function (seg) {
      var ids = seg.findings.filter(isShown);
      if (!ids.length) { box.appendChild(document.createTextNode(seg.text)); return; }
      var first = issues[ids[0]];
      var mark = el("mark", "tw-mark", seg.text);
      mark.setAttribute("data-rule", first.rule);
      mark.setAttribute("data-category", first.category);
      mark.setAttribute("data-findings", ids.map(function (i) { return "finding-" + i; }).join(" "));
      box.appendChild(mark);
    });
    return box;
  }

  function panelSection(answer, groups, isShown) {
    var panel = titledSection("panel", "panel-title", "Alignment score and numbers");
    panel.id = "panel";
    var slot = el("div");
    slot.id = "stats-slot";
    var shownIssues = answer.issues.filter(function (issue, i) { return isShown(i); });
    slot.appendChild(root.TwoWayRender.buildStatsPanel(answer.panel, { issues: shownIssues }));
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
    return panel;
  }

  function markedSection(answer, isShown) {
    var view = answer.view;
    var marked = titledSection("marked", "marked-title", "Your email, marked up");
    if (answer.subject) {
      var subj = el("p", "marked-subject");
      subj.appendChild(el("span", "marked-label", "Subject:"));
      subj.appendChild(document.createTextNode(" "));
      var subjText = markedText("span", "marked-subject-text", view.subject, answer.issues, isShown);
      subjText.id = "marked-subject";
      subj.appendChild(subjText);
      marked.appendChild(subj);
    }
    var body = markedText("div", "marked-body", view.body, answer.issues, isShown);
    body.id = "marked-body";
    marked.appendChild(body);
    return marked;
  }

  // The findings, grouped by category, in text order inside each group.
  function findingsSection(answer, groups, order, handlers) {
    var findings = titledSection("findings", "findings-title", "Findings");
    var heading = findings.firstChild;
    heading.tabIndex = -1;
    if (!groups.length) findings.appendChild(el("p", "none", "Nothing to flag in the text. Nice and two-way."));
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
        var issue = answer.issues[i];
        var li = el("li", "finding");
        li.id = "finding-" + i;
        li.setAttribute("data-rule", issue.rule);
        li.setAttribute("data-category", issue.category);
        li.setAttribute("data-severity", issue.severity || "");
        var card = root.TwoWayRender.buildCard(issue, {
          onApply: function (replacement) { handlers.onApply(issue, replacement, order.indexOf(i)); },
          onKeep: function (reason) { handlers.onKeep(issue, reason, order.indexOf(i)); },
          onMute: function () { handlers.onMute(issue, order.indexOf(i)); },
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
    return findings;
  }

  function hiddenNote(hiddenCount, mutedRules, onShowAll) {
    var p = el("p", "hidden-note", hiddenCount + " finding" + (hiddenCount === 1 ? "" : "s") + " hidden" +
      (mutedRules.length ? " (muted: " + mutedRules.join(", ") + ")" : "") + ". ");
    var reset = el("button", "show-all", "Show all");
    reset.type = "button";
    reset.addEventListener("click", onShowAll);
    p.appendChild(reset);
    return p;
  }

  function draw(container, answer, isShown, handlers, mutedRules) {
    var groups = [];
    answer.view.groups.forEach(function (g) {
      var shown = g.findings.filter(isShown);
      if (shown.length) groups.push({ category: g.category, label: g.label, findings: shown });
    });
    var order = [];
    var frag = document.createDocumentFragment();
    frag.appendChild(panelSection(answer, groups, isShown));
    frag.appendChild(markedSection(answer, isShown));
    var findings = findingsSection(answer, groups, order, handlers);
    var hiddenCount = answer.issues.filter(function (issue, i) { return !isShown(i); }).length;
    if (hiddenCount || mutedRules.length) findings.appendChild(hiddenNote(hiddenCount, mutedRules, handlers.onShowAll));
    frag.appendChild(findings);
    while (container.firstChild) container.removeChild(container.firstChild);
    container.appendChild(frag);
    return { order: order, heading: findings.firstChild };
  }

  root.TwoWayPageResults = { draw: draw, el: el };
})(window);
