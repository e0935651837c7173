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
        if (p.done) { parts.push(fmt(p.done) + (p.total ? "/" + fmt(p.total) : "") + " dòng"); }
        if (p.rate) { parts.push(fmt(p.rate) + " dòng/giây"); }
        if (p.eta !== null && p.eta !== undefined) { parts.push("còn khoảng " + p.eta + " giây"); }
        text.textContent = parts.join(" · ");
        window.setTimeout(tick, 1000);
      })
      .catch(function () { window.setTimeout(tick, 3000); });
  }
  window.setTimeout(tick, 500);
})();
