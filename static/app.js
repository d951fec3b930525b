// Office Hub's few scripts: no inline scripts anywhere, so the CSP can forbid them.
(function () {
  "use strict";

  // Copy buttons: <button data-copy="#id">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source || !navigator.clipboard) return;
    navigator.clipboard.writeText(source.textContent.trim()).then(function () {
      button.setAttribute("data-copied", "true");
      button.textContent = button.getAttribute("data-copied-label") || button.textContent;
    });
  });

  // Live character counters: <textarea maxlength="2000" data-counter="#id">.
  function updateCounter(field) {
    var counter = document.querySelector(field.getAttribute("data-counter"));
    if (counter) counter.textContent = field.value.length + " / " + field.getAttribute("maxlength");
  }
  document.addEventListener("input", function (event) {
    if (event.target.matches("[data-counter]")) updateCounter(event.target);
  });
  function initCounters(root) {
    root.querySelectorAll("[data-counter]").forEach(updateCounter);
  }
  document.addEventListener("DOMContentLoaded", function () { initCounters(document); });
  document.addEventListener("htmx:after:swap", function (event) {
    initCounters(document);
    // Close the account menu after a boosted navigation.
    document.querySelectorAll("details.dropdown[open]").forEach(function (d) { d.removeAttribute("open"); });
  });

  // A form submits once: a double tap on a slow phone must not send it twice.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.submitting === "true") { event.preventDefault(); event.stopPropagation(); return; }
    form.dataset.submitting = "true";
    setTimeout(function () { delete form.dataset.submitting; }, 4000);
  }, true);
})();
