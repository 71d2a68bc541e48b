/*
 * The lint page's memory, in this browser tab only (sessionStorage): the API token, when the
 * server needs one, and the rules the rep muted.
 *
 *   globalThis.TwoWayPageStore = { getToken(), setToken(value), loadMuted() -> {rule: true}, saveMuted(muted) }
 */
(function (root) {
  "use strict";

  var TOKEN_KEY = "twoway.apiToken";
  var MUTED_KEY = "twoway.mutedRules";

  function storage() {
    try { return root.sessionStorage; } catch (e) { return null; }
  }

  root.TwoWayPageStore = {
    getToken: function () {
      var s = storage();
      return (s && s.getItem(TOKEN_KEY)) || "";
    },
    setToken: function (value) {
      var s = storage();
      if (!s) return;
      if (value) s.setItem(TOKEN_KEY, value); else s.removeItem(TOKEN_KEY);
    },
    loadMuted: function () {
      var s = storage();
      try { return JSON.parse((s && s.getItem(MUTED_KEY)) || "{}") || {}; } catch (e) { return {}; }
    },
    saveMuted: function (muted) {
      var s = storage();
      if (s) s.setItem(MUTED_KEY, JSON.stringify(muted));
    },
  };
})(window);
