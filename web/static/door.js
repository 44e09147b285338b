// door.js: keeps the check-in page's counters live while organizers scan
// tickets at the door (registered, waitlisted, checked in), every 5 s.
(function () {
  "use strict";
  var box = document.querySelector("[data-counts]");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-counts");
  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (c) {
        if (!c) return;
        box.querySelectorAll("[data-count]").forEach(function (el) {
          var v = c[el.getAttribute("data-count")];
          if (typeof v === "number") el.textContent = String(v);
        });
      })
      .catch(function () {});
  }
  setInterval(function () { if (!document.hidden) refresh(); }, 5000);
})();
