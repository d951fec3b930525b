// Office Hub's few scripts: no inline scripts anywhere, so the CSP can forbid them.
(function () {
  "use strict";

  // Copy buttons: <button data-copy="#id">. navigator.clipboard exists only on HTTPS pages, and many
  // intranets are plain HTTP: there the text is selected and copied the old way.
  function copiedOldWay(source) {
    var range = document.createRange();
    range.selectNodeContents(source);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    try { return document.execCommand("copy"); } catch (e) { return false; }
  }
  function markCopied(button) {
    button.setAttribute("data-copied", "true");
    button.textContent = button.getAttribute("data-copied-label") || button.textContent;
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source) return;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () { markCopied(button); },
        function () { if (copiedOldWay(source)) markCopied(button); });
    } else if (copiedOldWay(source)) {
      markCopied(button);
    }
  });

  // A request that never reached the server swaps nothing; say so rather than leave the tap unanswered.
  // The note goes away with the next request that gets through.
  document.addEventListener("htmx:error", function (event) {
    var error = event.detail && event.detail.error;
    if (error && error.name === "AbortError") return;  // replaced by a newer request, or the page left
    var flash = document.getElementById("flash");
    if (!flash) return;
    var note = document.createElement("p");
    note.className = "flash flash-error";
    note.setAttribute("data-offline", "");
    note.setAttribute("role", "alert");
    note.textContent = document.body.getAttribute("data-offline-message");
    flash.replaceChildren(note);
  });
  document.addEventListener("htmx:after:request", function () {
    var note = document.querySelector("#flash [data-offline]");
    if (note) note.remove();
  });

  // Live character counters: <textarea data-maxlength="2000" data-counter="#id">, the counter with
  // data-over="… %d …". No maxlength: it would cut a pasted text silently; over the limit the counter
  // says by how much to shorten, and the server refuses it with the same number, keeping the text.
  function textLength(value) {
    // As the server counts: characters, not UTF-16 halves, and a line break is sent as two (CR LF).
    return Array.from(value).length + (value.match(/\n/g) || []).length;
  }
  function updateCounter(field) {
    var counter = document.querySelector(field.getAttribute("data-counter"));
    if (!counter) return;
    var max = Number(field.getAttribute("data-maxlength") || field.getAttribute("maxlength"));
    var over = textLength(field.value) - max;
    counter.classList.toggle("counter-over", over > 0);
    counter.textContent = over > 0 ? (counter.getAttribute("data-over") || "-%d").split("%d").join(over)
      : textLength(field.value) + " / " + max;
  }
  document.addEventListener("input", function (event) {
    if (event.target.matches("[data-counter]")) updateCounter(event.target);
  });
  function initCounters(root) {
    root.querySelectorAll("[data-counter]").forEach(updateCounter);
  }
  document.addEventListener("DOMContentLoaded", function () { initCounters(document); });
  document.addEventListener("htmx:after:swap", function () { initCounters(document); });
  // Close the account menu after a boosted navigation (it pushes the new address), not after any swap: the
  // live meeting screen swaps in changes every few seconds, which shut the menu while someone was in it.
  ["htmx:after:history:push", "htmx:after:history:replace"].forEach(function (name) {
    document.addEventListener(name, function () {
      document.querySelectorAll("details.dropdown[open]").forEach(function (d) { d.removeAttribute("open"); });
    });
  });

  // Photo inputs (attributes from app/uploads.py) refuse in the browser what the server would refuse, before
  // a slow upload: a body over the server's limit can only get the 413 page, and that loses what was typed.
  function showFileError(input, message) {
    var id = input.id + "-error";
    var box = document.getElementById(id);
    if (!message) {
      // A new choice answers any earlier complaint about the files, the server's included.
      if (!box) return;
      box.remove();
      input.removeAttribute("aria-invalid");
      // Point at the field's help text, as the form draws it without errors, or at nothing: a reference
      // to the removed box is invalid HTML and leaves a screen reader reading nothing.
      var help = document.getElementById(input.id + "-help");
      if (help) input.setAttribute("aria-describedby", help.id);
      else input.removeAttribute("aria-describedby");
      return;
    }
    if (!box) {
      box = document.createElement("small");
      box.id = id;
      box.className = "field-error";
      box.setAttribute("role", "alert");
      input.insertAdjacentElement("afterend", box);
    }
    box.textContent = message;
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", id);
  }
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches("input[type=file][data-max-bytes]")) return;
    var files = Array.prototype.slice.call(input.files || []);
    var limit = Number(input.getAttribute("data-max-bytes"));
    var message = "";
    if (files.length > Number(input.getAttribute("data-max-files") || 1)) {
      message = input.getAttribute("data-too-many");
    } else if (files.some(function (file) { return file.size > limit; })) {
      message = input.getAttribute("data-too-large");
    }
    if (message) input.value = "";
    showFileError(input, message);
  });

  // A form submits once: a double tap on a slow phone must not send it twice.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.submitting === "true") { event.preventDefault(); event.stopPropagation(); return; }
    form.dataset.submitting = "true";
    setTimeout(function () { delete form.dataset.submitting; }, 4000);
  }, true);
  // An htmx form is free again once its request is over, or when its confirm question was answered
  // "cancel": otherwise a second tap within the 4 seconds would silently do nothing.
  document.addEventListener("htmx:finally:request", function (event) {
    var form = event.target.closest && event.target.closest("form");
    if (form) delete form.dataset.submitting;
  });

  // On a phone the main menu and a feature's tabs are each one row that scrolls sideways (app.css):
  // bring the current entry into view, after a full load and after a boosted navigation redraws the page.
  function showCurrentMenuEntry() {
    document.querySelectorAll(".mainnav ul, nav.tabs").forEach(function (nav) {
      var current = nav.querySelector("[aria-current=page]");
      if (!current || nav.scrollWidth <= nav.clientWidth) return;
      nav.scrollLeft = current.offsetLeft - (nav.clientWidth - current.offsetWidth) / 2;
    });
  }
  document.addEventListener("DOMContentLoaded", showCurrentMenuEntry);
  document.addEventListener("htmx:after:swap", showCurrentMenuEntry);
})();
