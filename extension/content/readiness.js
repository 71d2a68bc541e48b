/*
 * Readiness (docs/readiness.md): what a lint request says about the compose box it comes from,
 * and which findings mean "not ready to send".
 *
 *   TwoWayReadiness.mode(loc, doc) -> "send" | "template"
 *       Webmail is mail about to be sent. On another site the rep turned on, a page whose address or
 *       title names a template, sequence, snippet, cadence or playbook is a CRM's template editor:
 *       merge fields are the point there, and only malformed ones are flagged.
 *   TwoWayReadiness.isReply(bodyEl) -> bool
 *       The compose box replies to or forwards a real message (its quoted thread may be hidden, as
 *       in a Gmail reply, and is never sent to the server): a "Re:" there is no fake.
 *   TwoWayReadiness.request(bodyEl) -> {mode, thread}   the lint message's readiness fields
 *   TwoWayReadiness.blocking(issues, muted) -> issues   error-level readiness findings the rep did not mute:
 *       what the send guard holds Send for.
 */
(function (root) {
  "use strict";

  var TEMPLATE_PAGE = /\b(?:templates?|sequences?|snippets?|cadences?|playbooks?)\b/i;
  // A reply's markers in the compose body (Gmail's quote, Outlook's reply header and separator).
  var REPLY_MARKS = ".gmail_quote, .gmail_quote_container, blockquote, #divRplyFwdMsg, #appendonsend, [id$=\"_divRplyFwdMsg\"]";

  function mode(loc, doc) {
    loc = loc || root.location;
    doc = doc || root.document;
    if (root.TwoWayHosts && root.TwoWayHosts.isWebmail(loc.hostname)) return "send";
    var where = decodeURIComponent(String(loc.pathname || "") + " " + String(loc.hash || "")) + " " + String((doc && doc.title) || "");
    return TEMPLATE_PAGE.test(where.replace(/[-_/]/g, " ")) ? "template" : "send";
  }

  function isReply(bodyEl) {
    if (!bodyEl || bodyEl.localName === "textarea" || bodyEl.localName === "input") return false;
    if (bodyEl.querySelector(REPLY_MARKS)) return true;
    // Gmail: a new message opens in a dialog; a reply is written inside the thread, its quote trimmed.
    var gmail = bodyEl.matches("[g_editable]");
    return gmail && !bodyEl.closest("[role=\"dialog\"]");
  }

  function request(bodyEl) {
    return { mode: mode(), thread: isReply(bodyEl) };
  }

  function blocking(issues, muted) {
    muted = muted || [];
    return (issues || []).filter(function (i) {
      return i && i.category === "readiness" && i.severity === "error" && muted.indexOf(i.rule) < 0;
    });
  }

  root.TwoWayReadiness = { mode: mode, isReply: isReply, request: request, blocking: blocking };
})(typeof globalThis !== "undefined" ? globalThis : this);
