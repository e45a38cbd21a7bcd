// Accessible names for the admin's autocomplete widgets (select2). select2 replaces each
// <select> with a combobox whose name points at an element that is empty until a value
// is chosen, and adds search boxes with no label at all; screen readers then announce
// unnamed fields. Each gets the words of its field's label (or its column heading, in
// a tabular inline). Loaded from this site only (no inline script under the CSP).
(function () {
  "use strict";

  function labelText(select) {
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (label) return label.textContent.replace(/[:*]\s*$/, "").trim();
    var cell = select.closest("td");
    var table = select.closest("table");
    if (cell && table) {
      var column = Array.prototype.find.call(cell.classList, function (c) { return c.indexOf("field-") === 0; });
      var heading = column && table.querySelector("thead th.column-" + column.slice(6));
      if (heading) return heading.textContent.trim();
    }
    return (select.name || "").replace(/^.*-/, "").replace(/_/g, " ");
  }

  function nameWidgets() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var container = select.nextElementSibling;
      if (!container || !container.classList.contains("select2")) return;
      var text = labelText(select);
      var hiddenId = select.id + "-accessible-name";
      if (!document.getElementById(hiddenId)) {
        var hidden = document.createElement("span");
        hidden.id = hiddenId;
        hidden.hidden = true;
        hidden.textContent = text;
        container.appendChild(hidden);
      }
      container.querySelectorAll('[role="combobox"]').forEach(function (combobox) {
        var rendered = combobox.querySelector(".select2-selection__rendered");
        var ids = [hiddenId];
        if (rendered && rendered.id) ids.push(rendered.id);
        combobox.setAttribute("aria-labelledby", ids.join(" "));
      });
      // The chosen value is shown in a read-only "textbox": it is named after the field too.
      container.querySelectorAll('.select2-selection__rendered[role="textbox"]').forEach(function (shown) {
        shown.setAttribute("aria-label", text);
      });
      container.querySelectorAll(".select2-search__field").forEach(function (search) {
        search.setAttribute("aria-label", "Search: " + text);
      });
    });
    // The dropdown's own search box, open for one widget at a time.
    document.querySelectorAll(".select2-dropdown .select2-search__field:not([aria-label])").forEach(function (search) {
      search.setAttribute("aria-label", "Search");
    });
  }

  // select2 draws (and redraws) its widgets after the page loads, after a value is
  // chosen and when an inline row is added: name whatever appears.
  var pending = false;
  new MutationObserver(function () {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; nameWidgets(); });
  }).observe(document.documentElement, { childList: true, subtree: true });
  window.addEventListener("load", nameWidgets);
})();
