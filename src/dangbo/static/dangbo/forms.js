// Forms that forgive (issue 12): after a failed submit, move the focus to the error summary
// at the top of the form, so a screen reader reads it and the keyboard starts there; a link
// of the summary moves the focus into its field (the browser only scrolls to it).
// Progressive enhancement: without this script the summary is still there, with its links.
(function () {
  "use strict";

  function focusSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) {
      return;
    }
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) {
        return;
      }
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) {
        return;
      }
      event.preventDefault();
      field.focus();
      field.scrollIntoView({ block: "center" });
      if (history.replaceState) {
        history.replaceState(null, "", link.getAttribute("href"));
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSummary);
  } else {
    focusSummary();
  }
})();
