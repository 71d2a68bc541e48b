/*
 * What a rep did with the cards, as codes for POST /api/v1/feedback (issue 20). Shared by the
 * extension's content script and the lint page; no text of an email ever goes into a message.
 *
 *   globalThis.TwoWayFeedback = {
 *     ACTIONS: ["fixed", "kept", "muted"],
 *     REASONS: [{code, label}]       the one-tap reasons of "Keep it"
 *     body(rule, action, reason?, profile?) -> {rule, action[, reason][, profile]}   the request body
 *     Tracker() -> {update(answer, skip?) -> [rule ids fixed by an edit], applied(rule), reset()}
 *         skip(rule) -> true for the rules the rep muted: their findings are never read as fixes
 *   }
 *
 * "Fixed" is counted on its own: when the rep applies a wording (applied(rule), sent at once), or
 * edits so that a rule fires fewer times than in the previous answer for the same draft (update()
 * returns one rule id per finding gone). A finding gone because its wording was applied is not
 * counted twice; kept and muted findings are still in the server's answers, so hiding them is
 * never read as a fix; an emptied draft is a new draft, not a fix.
 */
(function (root) {
  "use strict";

  var ACTIONS = ["fixed", "kept", "muted"];
  var REASONS = [
    { code: "not_one_way", label: "Not one-way" },
    { code: "reader_asked", label: "They asked for it" },
    { code: "other", label: "Other" },
  ];
  var REASON_CODES = REASONS.map(function (r) { return r.code; });
  var PROFILES = ["quiet", "balanced", "thorough"];

  function body(rule, action, reason, profile) {
    var out = { rule: String(rule), action: String(action) };
    if (ACTIONS.indexOf(out.action) < 0) throw new Error("unknown feedback action " + action);
    if (reason && REASON_CODES.indexOf(reason) >= 0 && out.action === "kept") out.reason = reason;
    if (profile && PROFILES.indexOf(profile) >= 0) out.profile = profile;
    return out;
  }

  function countByRule(issues) {
    var counts = {};
    (issues || []).forEach(function (i) {
      if (i && typeof i.rule === "string" && i.start !== i.end) counts[i.rule] = (counts[i.rule] || 0) + 1;
    });
    return counts;
  }
  function never() { return false; }

  function Tracker() {
    var previous = null;   // rule -> findings in the last answer
    var credits = {};      // rule -> findings expected to go because the rep applied a wording

    return {
      applied: function (rule) { credits[rule] = (credits[rule] || 0) + 1; },
      reset: function () { previous = null; credits = {}; },
      update: function (answer, skip) {
        skip = skip || never;
        var stats = (answer && answer.stats) || {};
        var now = countByRule(answer && answer.issues);
        var fixed = [];
        if (previous && stats.words !== 0) {
          Object.keys(previous).forEach(function (rule) {
            if (skip(rule)) return;
            var gone = previous[rule] - (now[rule] || 0);
            var credit = Math.min(Math.max(gone, 0), credits[rule] || 0);
            for (var k = credit; k < gone; k++) fixed.push(rule);
          });
        }
        previous = stats.words === 0 ? null : now;
        credits = {};
        return fixed;
      },
    };
  }

  root.TwoWayFeedback = { ACTIONS: ACTIONS, REASONS: REASONS, PROFILES: PROFILES, body: body, Tracker: Tracker };
})(typeof globalThis !== "undefined" ? globalThis : this);
