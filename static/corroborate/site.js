// Small enhancements of pages that work without JavaScript. Loaded from this site only
// (the Content-Security-Policy allows no inline script).
(function () {
  "use strict";

  // --- After an htmx swap, keyboard focus stays on the control that was used --------------
  // Controls that htmx may replace carry an id; the replacement carries the same id (or
  // the id of what stands in for it). Without one, focus goes to the first error or
  // message the swap brought, so it never falls back to the top of the page.
  var lastFocusId = null;

  document.addEventListener("htmx:beforeRequest", function () {
    var active = document.activeElement;
    lastFocusId = active && active !== document.body && active.id ? active.id : null;
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var target = lastFocusId && document.getElementById(lastFocusId);
    lastFocusId = null;
    if (!target || target.disabled) {
      var swapped = event.detail && event.detail.elt;
      target = swapped && swapped.querySelector && swapped.querySelector(".form-errors, .messages, [data-focus]");
    }
    if (target) {
      if (!target.matches("a, button, input, select, textarea, [tabindex]")) {
        target.setAttribute("tabindex", "-1");
      }
      target.focus({ preventScroll: false });
    }
  });

  // --- A live region reads out what an in-place update did ---------------------------------
  // The server names it in an HX-Trigger event: {"announce": {"message": "…"}}.
  function announce(message) {
    var region = document.getElementById("announcer");
    if (!region || !message) return;
    region.textContent = "";
    // A change after a tick is announced even when the same words come twice.
    window.setTimeout(function () { region.textContent = message; }, 50);
  }
  document.body.addEventListener("announce", function (event) {
    announce(event.detail && event.detail.message);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var swapped = event.detail && event.detail.elt;
    if (!swapped || !swapped.querySelector) return;
    // What the new content says about itself: a count of results, or the page's messages.
    var note = swapped.querySelector("[data-announce]");
    if (note) {
      announce(note.getAttribute("data-announce"));
      return;
    }
    var messages = swapped.querySelector(".messages");
    if (messages) announce(messages.textContent.replace(/\s+/g, " ").trim());
  });

  // --- On a phone, long filter panels start folded ----------------------------------------
  function fold() {
    document.querySelectorAll("details[data-fold-below]").forEach(function (details) {
      var width = parseInt(details.getAttribute("data-fold-below"), 10);
      if (window.innerWidth < width && !details.hasAttribute("data-folded")) {
        details.setAttribute("data-folded", "");
        details.open = false;
      }
    });
  }
  fold();
})();
