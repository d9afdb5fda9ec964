// BrickOps emulator console: live updates and keyboard shortcuts.
// Plain JavaScript, no build step. The pages work without it; with it they
// follow the emulator: every 2 s it asks /_console/api/version whether the
// state moved and, if so, fetches the page again and swaps its live
// regions ([data-live] elements, matched by id), keeping which <details>
// are open and where the keyboard focus was.
(function () {
  "use strict";
  var status = document.getElementById("live-status");
  var state = document.body.getAttribute("data-state");
  var pollMs = 2000;

  function say(text) {
    if (status && status.textContent !== text) status.textContent = text;
  }

  function swap(html) {
    var doc = new DOMParser().parseFromString("<div>" + html + "</div>", "text/html");
    doc.querySelectorAll("[data-live][id]").forEach(function (fresh) {
      var old = document.getElementById(fresh.id);
      if (!old || old.innerHTML === fresh.innerHTML) return;
      var open = {};
      old.querySelectorAll("details[id]").forEach(function (d) { open[d.id] = d.open; });
      var focused = document.activeElement && old.contains(document.activeElement) ? document.activeElement.id : "";
      old.replaceWith(document.importNode(fresh, true));
      Object.keys(open).forEach(function (id) {
        var d = document.getElementById(id);
        if (d) d.open = open[id];
      });
      if (focused) {
        var f = document.getElementById(focused);
        if (f) f.focus();
      }
    });
  }

  function refresh() {
    return fetch(location.href, { headers: { "X-Console-Partial": "1" }, credentials: "same-origin", cache: "no-store" })
      .then(function (r) {
        if (r.status === 401) { location.reload(); throw new Error("logged out"); }
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.text();
      })
      .then(swap);
  }

  function poll() {
    fetch("/_console/api/version", { credentials: "same-origin", cache: "no-store" })
      .then(function (r) {
        if (r.status === 401) { location.reload(); throw new Error("logged out"); }
        return r.json();
      })
      .then(function (v) {
        if (v.version === state) return null;
        return refresh().then(function () { state = v.version; });
      })
      .then(function () { say("live"); }, function () { say("offline, retrying"); })
      .then(function () { setTimeout(poll, pollMs); });
  }

  if (document.querySelector("[data-live]")) {
    say("live");
    setTimeout(poll, pollMs);
  }

  // Keys 1–7 open the pages, unless the user is typing.
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    var t = e.target;
    if (t && t.closest && t.closest("input, select, textarea, button")) return;
    var link = document.querySelector('nav a[data-key="' + e.key + '"]');
    if (link) {
      e.preventDefault();
      location.href = link.href;
    }
  });
})();
