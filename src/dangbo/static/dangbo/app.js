// dangbo: small progressive enhancements; every page works without this file.
"use strict";
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// Import progress: poll the job's JSON and move the bar; reload when the job is done.
(function () {
  var box = document.querySelector("[data-progress-url]");
  if (!box) { return; }
  var bar = document.getElementById("job-progress");
  var text = document.getElementById("job-progress-text");
  function fmt(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "."); }
  function tick() {
    fetch(box.getAttribute("data-progress-url"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (p) {
        if (p.finished) { window.location.assign(box.getAttribute("data-reload-url")); return; }
        if (p.total) { bar.value = Math.min(99, Math.floor(100 * p.done / p.total)); }
        var parts = [p.state_label];
        if (p.done) { parts.push(fmt(p.done) + (p.total ? "/" + fmt(p.total) : "") + (p.unit !== undefined ? p.unit : " dòng")); }
        if (p.rate) { parts.push(fmt(p.rate) + " dòng/giây"); }
        if (p.eta !== null && p.eta !== undefined) { parts.push("còn khoảng " + p.eta + " giây"); }
        text.textContent = parts.join(" · ");
        window.setTimeout(tick, 1000);
      })
      .catch(function () { window.setTimeout(tick, 3000); });
  }
  window.setTimeout(tick, 500);
})();

// Phones: a table stacked by app.css (≤700 px) keeps its column headers. Each cell gets its
// header's text in data-label, drawn before the value; a table whose head has more than one
// row is left alone (and, like every table without this script, scrolls inside itself).
(function () {
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };
  each(document.querySelectorAll("table.grid"), function (table) {
    var head = table.tHead;
    if (!head || head.rows.length !== 1) { return; }
    var labels = [];
    each(head.rows[0].cells, function (th) {
      var text = th.textContent.replace(/\s+/g, " ").trim();
      for (var i = 0; i < th.colSpan; i += 1) { labels.push(text); }
    });
    each(table.tBodies, function (body) {
      each(body.rows, function (row) {
        var col = 0;
        each(row.cells, function (cell) {
          if (labels[col] && cell.colSpan === 1 && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", labels[col]);
          }
          col += cell.colSpan;
        });
      });
    });
    table.setAttribute("data-stacked", "");
  });
})();

// Long work says it is working. A download (.xlsx, .csv, .docx, a[download], a[data-busy]) shows
// "Đang chuẩn bị tệp…" in a live region and ignores further clicks until the answer sets the
// cookie dangbo_tai=<token> (core.middleware) or two minutes pass. A page that takes more than
// a second to come shows "Đang tải…".
(function () {
  var box = document.createElement("p");
  box.className = "busy-status";
  box.setAttribute("role", "status");
  box.setAttribute("aria-live", "polite");
  document.body.appendChild(box);
  var slow = null;
  function say(text, working) {
    box.textContent = text;
    box.classList.toggle("working", !!working);
  }
  function hasCookie(token) {
    return document.cookie.split(/;\s*/).indexOf("dangbo_tai=" + token) !== -1;
  }
  var DOWNLOAD = "a[data-busy], a[download], a[href*='.xlsx'], a[href*='.csv'], a[href*='.docx']";
  document.addEventListener("click", function (event) {
    var target = event.target;
    var link = target && target.closest ? target.closest("a[href]") : null;
    if (!link || event.defaultPrevented || event.button !== 0 || event.ctrlKey ||
        event.metaKey || event.shiftKey || event.altKey || link.target) { return; }
    var url = new URL(link.href, window.location.href);
    if (url.origin !== window.location.origin) { return; }
    if (!link.matches(DOWNLOAD)) {
      if (url.hash && url.pathname === window.location.pathname) { return; }
      window.clearTimeout(slow);
      slow = window.setTimeout(function () { say("Đang tải…", true); }, 1000);
      return;
    }
    event.preventDefault();
    if (link.getAttribute("aria-disabled") === "true") { return; }
    var token = String(Date.now()) + String(Math.floor(Math.random() * 1e6));
    url.searchParams.set("tai", token);
    link.setAttribute("aria-disabled", "true");
    say(link.getAttribute("data-busy") || "Đang chuẩn bị tệp…", true);
    var started = Date.now();
    window.location.assign(url.toString());
    (function poll() {
      var done = hasCookie(token);
      if (done || Date.now() - started > 120000) {
        link.removeAttribute("aria-disabled");
        say(done ? "Đã tải xong tệp." : "", false);
        window.setTimeout(function () { if (!box.classList.contains("working")) { say("", false); } }, 5000);
        return;
      }
      window.setTimeout(poll, 400);
    })();
  });
  document.addEventListener("submit", function (event) {
    if (event.defaultPrevented) { return; }
    var form = event.target;
    window.clearTimeout(slow);
    slow = window.setTimeout(function () {
      say(form.getAttribute("data-busy") || "Đang xử lý…", true);
    }, 1000);
  });
  // Back to a page from the browser's cache: nothing is loading any more.
  window.addEventListener("pageshow", function () { window.clearTimeout(slow); say("", false); });
})();
