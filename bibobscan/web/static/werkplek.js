// bibobscan werkplek: optional live updates. Every page works without this script
// (the progress page then reloads itself through a <noscript> refresh).
(function () {
  "use strict";
  // Live progress of a scan: poll the page's JSON and redraw the table.
  var box = document.querySelector("[data-progress-url]");
  if (box) {
    var url = box.getAttribute("data-progress-url");
    var tick = function () {
      fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
        .then(function (job) {
          var body = box.querySelector("tbody");
          while (body.firstChild) { body.removeChild(body.firstChild); }
          job.sources.forEach(function (s) {
            var tr = document.createElement("tr");
            var cells = [s.title, s.ended ? s.status_label || s.status : "bezig…", String(s.hits), s.ended ? s.duration_ms + " ms" : "", s.note || ""];
            cells.forEach(function (text, i) {
              var td = document.createElement("td");
              if (i === 1) {
                var b = document.createElement("span");
                b.className = "badge st-" + (s.ended ? s.status : "bezig");
                b.textContent = text;  // text only: nothing from a source becomes markup
                td.appendChild(b);
              } else { td.textContent = text; }
              tr.appendChild(td);
            });
            body.appendChild(tr);
          });
          var state = box.querySelector("[data-state]");
          if (state) { state.textContent = job.state; }
          var bar = box.querySelector("progress");
          if (bar && job.sources.length) {
            bar.max = job.sources.length;
            bar.value = job.sources.filter(function (s) { return s.ended; }).length;
          }
          if (job.state === "klaar" || job.state === "mislukt") { window.location.reload(); return; }
          window.setTimeout(tick, 700);
        })
        .catch(function () { window.setTimeout(tick, 2000); });
    };
    window.setTimeout(tick, 500);
  }
  // Sortable tables: click a header to sort by that column.
  document.querySelectorAll("table[data-sortable] th").forEach(function (th, index) {
    th.style.cursor = "pointer";
    th.setAttribute("tabindex", "0");
    var sort = function () {
      var table = th.closest("table"); var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var asc = th.getAttribute("aria-sort") !== "ascending";
      rows.sort(function (a, b) {
        var x = a.cells[index].getAttribute("data-sort") || a.cells[index].textContent;
        var y = b.cells[index].getAttribute("data-sort") || b.cells[index].textContent;
        var nx = parseFloat(x), ny = parseFloat(y);
        var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y, "nl");
        return asc ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
      table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    };
    th.addEventListener("click", sort);
    th.addEventListener("keydown", function (e) { if (e.key === "Enter") { sort(); } });
  });
})();
