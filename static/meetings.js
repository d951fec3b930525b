// Liaison meeting: the Cancel button of an inline form empties its slot (no inline scripts under the CSP).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-clear]");
    if (!button) return;
    var slot = document.querySelector(button.getAttribute("data-clear"));
    if (slot) slot.replaceChildren();
  });

  // A move sends only the items whose position changed; each screen then puts its agenda lists back in
  // order by data-position. Existing nodes are moved, not re-created, so text typed in an edit slot stays.
  function position(li) {
    var view = li.querySelector(".item-view");
    return view ? Number(view.getAttribute("data-position")) : 0;
  }
  function agendaItems(list) {
    return Array.prototype.filter.call(list.children, function (li) { return li.classList.contains("agenda-item"); });
  }
  function sortAgenda() {
    document.querySelectorAll("ol.agenda").forEach(function (list) {
      var items = agendaItems(list);
      var sorted = items.slice().sort(function (a, b) { return position(a) - position(b); });
      sorted.forEach(function (li, index) {
        if (items[index] === li) return;
        list.insertBefore(li, items[index]);
        items = agendaItems(list);
      });
    });
  }
  // "Show more" asks for the rows after the last one this screen drew; if a row moved across that edge in
  // between (an item moved up or down, a deadline changed), the page may bring a row already shown. The one
  // already here stays: the poll keeps it current, and its edit slot may hold typing.
  function dropDuplicates() {
    var seen = {};
    document.querySelectorAll("#agenda-list > li.agenda-item, #followups li.row-card").forEach(function (li) {
      if (seen[li.id]) li.remove();
      else seen[li.id] = true;
    });
  }
  // An edit conflict arrives inside the item's edit slot, often above the visible window: bring it to where
  // the person is looking and focus it (role=alert announces it), once per note.
  function showConflict() {
    var note = document.querySelector(".conflict[autofocus]:not([data-shown])");
    if (!note) return;
    note.setAttribute("data-shown", "");
    note.scrollIntoView({block: "start"});
    note.focus({preventScroll: true});
  }

  // The poll's own partial replaces the element that sent it, so htmx's swap events do not reach the
  // document; watching the page for changes (one sort per burst of changes) does not depend on that.
  var scheduled = false;
  new MutationObserver(function (records) {
    if (records.some(changesTheMeeting)) lastChange = Date.now();
    if (scheduled) return;
    scheduled = true;
    // A timeout, not requestAnimationFrame: a screen in a background tab must still be in order.
    window.setTimeout(function () { scheduled = false; dropDuplicates(); sortAgenda(); showConflict(); }, 0);
  }).observe(document.body, {childList: true, subtree: true});

  // The live screen's poll (#live-poll, hx-trigger "poll"): every second while the meeting changes, every
  // 2 s after 30 s without a change, every 4 s after two minutes, every 15 s in a background tab; at once when
  // the tab comes back, and this screen's own saves still ask straight away (meeting-changed). Thirty screens
  // on a quiet meeting cost the server a quarter of what a fixed second did. bench/watchers.py plays the same.
  var lastChange = Date.now();
  // A change is what the poll (or this screen's own save or edit form) draws in the agenda or the follow-ups;
  // the presence list and the form's character counters redraw on their own and are not news.
  function changesTheMeeting(record) {
    var node = record.target.nodeType === 1 ? record.target : record.target.parentElement;
    return !!node && !!node.closest("#meeting-live, #followups") && !node.closest("#presence, .counter");
  }
  function pollDelay() {
    if (document.hidden) return 15000;
    var quiet = Date.now() - lastChange;
    return quiet < 30000 ? 1000 : quiet < 120000 ? 2000 : 4000;
  }
  // A move can carry an item across the edge of what this screen has drawn (the first 40 items and each "show
  // more"): the poll then sends an update for an item this screen never drew, which has nowhere to land. Such a
  // screen asks for everything since the start (since=0) until that answer arrives: it redraws the agenda in
  // its new order.
  var redrawAll = false;
  var SINCE = /([?&]since=)\d+/;
  document.addEventListener("htmx:before:swap", function (event) {
    var ctx = event.detail && event.detail.ctx;
    if (!ctx || !ctx.sourceElement || ctx.sourceElement.id !== "live-poll" || !ctx.text) return;
    if (/[?&]since=0(&|$)/.test(ctx.request.action)) {
      redrawAll = false;
      return;
    }
    var target = /hx-target="#item-(\d+)-view"/g, match;
    while ((match = target.exec(ctx.text))) {
      if (!document.getElementById("item-" + match[1] + "-view")) redrawAll = true;
    }
  });
  function poll() {
    var element = document.getElementById("live-poll");
    if (!element || !element.hasAttribute("hx-get")) return;
    if (redrawAll) {
      element.setAttribute("hx-get", element.getAttribute("hx-get").replace(SINCE, function (_all, name) {
        return name + "0";
      }));
    }
    element.dispatchEvent(new CustomEvent("poll"));
  }
  var timer = null;
  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { poll(); schedule(); }, pollDelay());
  }
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) poll();
    schedule();
  });
  // Always running (a look-up every few seconds): a boosted navigation can bring a live screen in later.
  schedule();
})();
