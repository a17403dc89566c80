// Filters the register table by state, service and owner. Everything else on the site
// works without JavaScript; without it, the table simply shows every record.
(function () {
  "use strict";
  function apply() {
    var form = document.getElementById("csi-filters");
    var table = document.getElementById("csi-register");
    if (!form || !table) { return; }
    var wanted = {};
    form.querySelectorAll("select[data-filter]").forEach(function (select) {
      wanted[select.getAttribute("data-filter")] = select.value;
    });
    var shown = 0;
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var match = Object.keys(wanted).every(function (key) {
        return !wanted[key] || row.getAttribute("data-" + key) === wanted[key];
      });
      row.hidden = !match;
      if (match) { shown += 1; }
    });
    var count = document.getElementById("csi-count");
    if (count) { count.textContent = shown + " shown"; }
  }
  document.addEventListener("change", function (event) {
    if (event.target && event.target.matches("#csi-filters select")) { apply(); }
  });
  document.addEventListener("DOMContentLoaded", apply);

  // The theme wraps wide tables in a scrolling box and opens search in a dialog: a box a
  // keyboard user can scroll needs focus, and a dialog needs a name (axe-core's checks).
  function accessible() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth) { box.setAttribute("tabindex", "0"); }
    });
    document.querySelectorAll('[role="dialog"]:not([aria-label])').forEach(function (dialog) {
      dialog.setAttribute("aria-label", "Search");
    });
  }
  window.addEventListener("load", accessible);
})();
