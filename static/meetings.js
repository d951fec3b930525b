// Liaison meeting: the Cancel button of an inline form empties its slot (no inline scripts under the CSP).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-clear]");
    if (!button) return;
    var slot = document.querySelector(button.getAttribute("data-clear"));
    if (slot) slot.replaceChildren();
  });
})();
