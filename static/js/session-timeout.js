// The warning before a session ends (RGAA 13.1): see templates/_session_warning.html.
// The server says how long the session has left (idle timeout, absolute limit); the dialog
// opens `warning` seconds before the first of the two. "Rester connecté" posts to the
// keep-alive URL, which restarts the idle timeout; the absolute limit cannot be extended.
// Every tab of the app writes the end of the idle timeout it was told to localStorage, so that
// a tab left idle does not warn while another one keeps the session alive. (The server restarts
// the timeout at most once a minute: the end it tells is counted from that restart, not from
// the page's load.)
(function () {
  "use strict";
  var dialog = document.getElementById("session-warning");
  if (!dialog || typeof dialog.showModal !== "function") { return; }
  var KEY = "brest-internet:session-idle-end";
  var status = document.getElementById("session-status");
  var form = dialog.querySelector("[data-session-extend]");
  var warningMs = Number(dialog.dataset.warningSeconds) * 1000;
  var idleMs = Number(dialog.dataset.idleSeconds) * 1000;
  var absoluteEnd = Date.now() + Number(dialog.dataset.absoluteSeconds) * 1000;
  var idleEndMs = 0;      // the latest end of the idle timeout known to this tab
  var shown = null;      // the state on screen: "idle", "absolute", "expired" or null
  var dismissed = null;  // a state closed by the user is not shown again
  var returnFocus = null;

  function sharedEnd() {
    try { return Number(window.localStorage.getItem(KEY)) || 0; } catch (e) { return 0; }
  }
  function touch(end) {
    idleEndMs = Math.max(idleEndMs, end);
    try {
      if (sharedEnd() < idleEndMs) { window.localStorage.setItem(KEY, String(idleEndMs)); }
    } catch (e) { /* private mode: this tab only */ }
  }
  function idleEnd() { return Math.max(idleEndMs, sharedEnd()); }
  function clock(time) {
    return new Date(time).toLocaleTimeString(document.documentElement.lang || undefined,
      { hour: "2-digit", minute: "2-digit" });
  }

  function show(state, end) {
    if (state === shown || state === dismissed) { return; }
    shown = state;
    dismissed = null;
    dialog.querySelectorAll("[data-state]").forEach(function (part) {
      part.hidden = part.dataset.state !== state;
    });
    dialog.querySelectorAll("[data-session-end]").forEach(function (span) {
      span.textContent = clock(end);
    });
    dialog.setAttribute("aria-labelledby", "session-" + state + "-title");
    dialog.setAttribute("aria-describedby", "session-" + state + "-text");
    if (!dialog.open) {
      returnFocus = document.activeElement;
      dialog.showModal();
    }
    var target = dialog.querySelector('[data-state="' + state + '"] [data-autofocus]');
    if (target) { target.focus(); }
  }
  function hide() {
    shown = null;
    if (dialog.open) { dialog.close(); }
  }

  function check() {
    var now = Date.now();
    var end = Math.min(idleEnd(), absoluteEnd);
    if (now >= end) {
      show("expired", end);
    } else if (now >= end - warningMs) {
      show(end === absoluteEnd ? "absolute" : "idle", end);
    } else {
      if (shown) { hide(); }  // another tab kept the session alive
      dismissed = null;
    }
  }

  dialog.addEventListener("close", function () {
    if (shown) { dismissed = shown; shown = null; }  // Escape or "J'ai compris"
    if (returnFocus && document.contains(returnFocus)) { returnFocus.focus(); }
  });
  dialog.querySelectorAll("[data-session-close]").forEach(function (button) {
    button.addEventListener("click", function () { dialog.close(); });
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    window.fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      // An ended session answers with the login page (a redirect), not with JSON.
      var type = response.headers.get("Content-Type") || "";
      if (!response.ok || type.indexOf("application/json") !== 0) { throw new Error("ended"); }
      return response.json();
    }).then(function (limits) {
      absoluteEnd = Date.now() + limits.absolute_seconds * 1000;
      touch(Date.now() + limits.idle_seconds * 1000);
      hide();
      dismissed = null;
      status.textContent = dialog.dataset.extended;
    }).catch(function () {
      dismissed = null;
      show("expired", Date.now());
    });
  });

  touch(Date.now() + idleMs);
  window.setInterval(check, 1000);
  document.addEventListener("visibilitychange", check);
  check();
}());
