// A job's page (/taches/<id>/) while the job waits or runs: every few seconds the page is
// fetched again and its status block replaced (the CSP forbids inline script; a meta refresh
// would reload the whole page under a screen reader). When the job ends, the title changes and
// the live region says so once; then the polling stops.
(function () {
  "use strict";
  var status = document.getElementById("job-status");
  var announce = document.getElementById("job-announce");
  if (!status || !announce || !window.fetch || !window.DOMParser) { return; }
  var url = window.location.href;
  var delay = 2000;

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { window.setTimeout(poll, delay * 2); return; }
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.getElementById("job-status");
        if (!fresh) { return; }
        status.replaceWith(fresh);
        status = fresh;
        if (fresh.dataset.jobOver === "1") {
          document.title = page.title;
          announce.textContent = fresh.textContent.replace(/\s+/g, " ").trim();
          var refresh = document.getElementById("job-refresh");
          if (refresh) { refresh.remove(); }
          var form = page.querySelector("form[action$='/vu/']");
          if (form) { announce.after(document.importNode(form, true)); }
          return;
        }
        window.setTimeout(poll, delay);
      })
      .catch(function () { window.setTimeout(poll, delay * 2); });
  }
  window.setTimeout(poll, delay);
})();
