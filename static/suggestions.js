// Suggestion box: the triage's "Filters" toggle says how many filters are on while they are folded away
// (templates/suggestions/triage.html; the server draws the first number, this keeps it current).
(function () {
  "use strict";

  function activeCount(details) {
    var count = 0;
    details.querySelectorAll("select, input").forEach(function (control) {
      if (control.type === "checkbox" ? control.checked : control.value) count += 1;
    });
    return count;
  }

  function update(event) {
    var details = event.target.closest && event.target.closest("details[data-filter-count]");
    if (!details) return;
    var badge = details.querySelector(".filter-count");
    var count = activeCount(details);
    badge.textContent = count ? badge.getAttribute("data-active-label").split("%d").join(count) : "";
  }
  document.addEventListener("change", update);
  document.addEventListener("input", update);
})();
