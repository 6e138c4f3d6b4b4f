// Polls a job's JSON status every 2 s, updates the <progress> bar and the
// status text, and reloads the page once the job has finished (to show the
// download link). The page works without it: it has a "Refresh" link.
(function () {
  "use strict";
  function start() {
    var box = document.querySelector("[data-status-url][data-poll]");
    if (!box) return;
    var url = box.getAttribute("data-status-url");
    var bar = box.querySelector("progress");
    function tick() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
        .then(function (data) {
          if (bar) { bar.value = data.progress; bar.textContent = data.progress + " %"; }
          ["status_display", "message"].forEach(function (key) {
            var el = box.querySelector('[data-field="' + key + '"]');
            if (el) el.textContent = data[key];
          });
          if (data.finished) { window.location.reload(); } else { window.setTimeout(tick, 2000); }
        })
        .catch(function () { window.setTimeout(tick, 2000); });
    }
    window.setTimeout(tick, 2000);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
