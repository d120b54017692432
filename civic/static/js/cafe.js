/* World café: keep the phone and the console in step with the server without reloading.
   Polls a small JSON endpoint; when something changed, fetches the page again and swaps the
   #cafe-live part (forms being typed in sit outside it). The countdown ticks from the server's
   remaining time, so clock differences between phone and server do not matter. Without
   JavaScript the page still works: the server renders the time left and a Refresh link. */
(function () {
  "use strict";
  var live = document.getElementById("cafe-live");
  if (!live || !window.fetch) { return; }
  var status = document.getElementById("cafe-status");
  var version = live.getAttribute("data-version");
  var lastPhase = null;
  var anchor = null; // {remaining: seconds at fetch time, at: Date.now() then, running: bool}
  var POLL_MS = 4000;

  function readClock() {
    var el = live.querySelector("[data-remaining]");
    anchor = el ? {
      remaining: parseInt(el.getAttribute("data-remaining"), 10),
      at: Date.now(),
      running: el.getAttribute("data-running") === "1"
    } : null;
  }

  function format(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  function tick() {
    var el = live.querySelector("[data-remaining]");
    if (!el || !anchor) { return; }
    var left = anchor.remaining;
    if (anchor.running) { left = Math.max(0, left - Math.floor((Date.now() - anchor.at) / 1000)); }
    var text = format(left);
    if (el.textContent !== text) { el.textContent = text; }
    var timeUp = live.querySelector("[data-time-up]");
    if (timeUp) { timeUp.hidden = !(anchor.running && left === 0); }
  }

  function refresh(announce) {
    fetch(window.location.href, {credentials: "same-origin"}).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (!html) { return; }
      var doc = new DOMParser().parseFromString(html, "text/html");
      var fresh = doc.getElementById("cafe-live");
      if (!fresh) { return; }
      live.innerHTML = fresh.innerHTML;
      // The note form is kept (with what is being typed) unless it appears or goes away.
      var compose = document.getElementById("cafe-compose");
      var freshCompose = doc.getElementById("cafe-compose");
      if (compose && freshCompose &&
          !compose.querySelector("form") !== !freshCompose.querySelector("form")) {
        compose.innerHTML = freshCompose.innerHTML;
      }
      version = fresh.getAttribute("data-version");
      live.setAttribute("data-version", version);
      readClock();
      if (announce && status) { status.textContent = announce; }
    }).catch(function () { /* offline for a moment: the next poll tries again */ });
  }

  function poll() {
    fetch(live.getAttribute("data-state-url"), {credentials: "same-origin"}).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (data) {
      if (!data) { return; }
      var phase = data.state + "." + data.round + "." + (data.table || "");
      // Only a new round, a pause or a new table is announced; the clock never is.
      var announce = lastPhase !== null && phase !== lastPhase ? data.announce : null;
      lastPhase = phase;
      anchor = data.remaining === null ? null :
        {remaining: data.remaining, at: Date.now(), running: data.running};
      if (data.version !== version) { refresh(announce); } else { tick(); }
    }).catch(function () {});
  }

  readClock();
  window.setInterval(tick, 1000);
  window.setInterval(poll, POLL_MS);
  poll();
})();
