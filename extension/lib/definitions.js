/*
 * Two-Way's definitions, one place for all of it: the finding categories (key, label, hint,
 * whether they are one-way writing, whether a rule pack may use them), the verdicts of the
 * alignment score (its thresholds), and the rows of the numbers panel.
 *
 * Read by the extension and the lint page (this classic script, before render.js: it attaches
 * globalThis.TwoWayDefinitions) and by the server (server/twoway/definitions.py reads the JSON
 * between the two markers). So the object below must stay plain JSON: double quotes, no
 * comments, no trailing commas. Category colours and underline styles are in twoway.css
 * (--tw-<key>-color, --tw-<key>-line), the one place for looks.
 *
 * Adding a category: one entry in "categories" (in the order the page lists them), and its
 * colour and line in twoway.css. Adding a number: one entry in "stats_rows" whose key is a key
 * of the lint answer's stats ("digits": decimals shown; "shown_as": "pronoun_counts" shows
 * reader / seller pronoun counts instead of the value).
 */
(function (root) {
  "use strict";
  root.TwoWayDefinitions = /* BEGIN JSON */ {
    "categories": [
      {"key": "pressure", "label": "Pressure", "short": "pressure", "one_way": true, "rules": true,
       "hint": "Pushes the reader to act on your timeline instead of theirs."},
      {"key": "self_focus", "label": "Self-focus", "short": "self-focus", "one_way": true, "rules": true,
       "hint": "About you and your goals rather than the reader."},
      {"key": "grammar", "label": "Grammar", "short": "grammar", "one_way": false, "rules": false,
       "hint": "A grammar slip."},
      {"key": "spelling", "label": "Spelling", "short": "spelling", "one_way": false, "rules": false,
       "hint": "A possible misspelling."},
      {"key": "style", "label": "Style", "short": "style", "one_way": false, "rules": true,
       "hint": "Reads harder than it needs to."},
      {"key": "readiness", "label": "Ready to send", "short": "readiness", "one_way": false, "rules": true,
       "hint": "What a buyer would see before reading a word: a placeholder, a fake Re:, bulk-mail signs."}
    ],
    "verdicts": [
      {"key": "two-way", "min_score": 75},
      {"key": "mixed", "min_score": 45},
      {"key": "one-way", "min_score": 0}
    ],
    "stats_rows": [
      {"key": "words", "label": "Words", "digits": 0},
      {"key": "sentences", "label": "Sentences", "digits": 0},
      {"key": "questions", "label": "Questions", "digits": 0},
      {"key": "reading_grade", "label": "Reading grade", "digits": 1},
      {"key": "you_ratio", "label": "You / I", "digits": 2, "shown_as": "pronoun_counts"},
      {"key": "readiness_issues", "label": "Not ready to send", "digits": 0}
    ]
  } /* END JSON */;
})(typeof globalThis !== "undefined" ? globalThis : this);
