/*
 * The webmail hosts, read from the manifest (the one place they are listed: content_scripts
 * matches and host_permissions), so no script keeps its own copy.
 *
 *   globalThis.TwoWayHosts = { webmail: [hostname, ...], isWebmail(hostname) }
 */
(function (root) {
  "use strict";
  var ext = root.chrome || root.browser;

  function fromManifest() {
    var hosts = [];
    try {
      var scripts = ext.runtime.getManifest().content_scripts || [];
      scripts.forEach(function (s) {
        (s.matches || []).forEach(function (pattern) {
          var m = /^https?:\/\/([^/*]+)\//.exec(pattern);
          if (m && hosts.indexOf(m[1]) < 0) hosts.push(m[1]);
        });
      });
    } catch (err) { /* orphaned content script: no webmail behaviour */ }
    return hosts;
  }

  var webmail = fromManifest();
  root.TwoWayHosts = {
    webmail: webmail,
    isWebmail: function (hostname) { return webmail.indexOf(hostname) >= 0; },
  };
})(typeof globalThis !== "undefined" ? globalThis : this);
