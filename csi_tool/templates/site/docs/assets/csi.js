// Tables of the site (csi_tool/site/tables.py): a page carries its first rows as HTML and all
// of them in a script file of its own; this filters, sorts and pages them, keeping the state in
// the URL so a filtered view can be shared. Cells are written with textContent only: record
// text never becomes markup. Without JavaScript the first rows show and the CSV has the rest.
(function () {
  "use strict";
  var PAGE = 100;
  var FILTER = "filter";  // not "q": the theme opens its search box for ?q=
  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

  function shown(value) {
    if (Array.isArray(value)) { return String(value[0]); }
    return value === null || value === undefined || value === "" ? "" : String(value);
  }

  function slug(value) {
    return String(value).toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "none";
  }

  function number(value) {
    return Number(Number(value).toPrecision(6)).toLocaleString("en", { maximumFractionDigits: 6 });
  }

  function cell(kind, value) {
    var td = document.createElement("td");
    if (kind === "number") { td.className = "csi-num"; }
    if (kind === "record" || kind === "date") { td.className = "csi-nowrap"; }
    if (shown(value) === "") {
      td.textContent = "\u2014";
    } else if (kind === "number") {
      td.textContent = typeof value === "number" ? number(value) : String(value);
    } else if (kind === "record") {
      var link = document.createElement("a");
      link.href = "records/" + encodeURIComponent(String(value)) + ".html";
      link.textContent = String(value);
      td.appendChild(link);
    } else if (kind === "link") {
      if (/^https?:\/\/[^\s<>"']+$/i.test(String(value[1]))) {  // never javascript: or data:
        var out = document.createElement("a");
        out.href = String(value[1]);
        out.rel = "noopener noreferrer nofollow";
        out.textContent = String(value[0]);
        td.appendChild(out);
      } else {
        td.textContent = String(value[0]);
      }
    } else if (kind === "disclosed") {
      var details = document.createElement("details");
      var summary = document.createElement("summary");
      summary.textContent = String(value[0]);
      details.appendChild(summary);
      details.appendChild(document.createTextNode(String(value[1])));
      td.appendChild(details);
    } else if (kind === "badge") {
      var badge = document.createElement("span");
      badge.className = "csi-badge csi-badge--" + slug(value);
      badge.textContent = String(value);
      td.appendChild(badge);
    } else {
      td.textContent = String(value);
    }
    return td;
  }

  // A sort key per cell, made once per sort: numbers as numbers, the rest as text, empty last.
  function key(value) {
    var text = shown(value);
    if (text === "") { return null; }
    var n = typeof value === "number" ? value : Number(text);
    return n === n && text.trim() !== "" ? n : text;
  }

  function compare(a, b) {
    if (a === null || b === null) { return a === b ? 0 : (a === null ? 1 : -1); }
    if (typeof a === "number" && typeof b === "number") { return a - b; }
    return collator.compare(String(a), String(b));
  }

  function plural(count, noun) {
    return count.toLocaleString("en") + " " + noun + (count === 1 ? "" : "s");
  }

  function setup(form) {
    var name = form.getAttribute("data-table");
    var data = (window.csiTables || {})[name];
    var box = document.getElementById("csi-table-" + name);
    if (!data || !box) { return; }
    var heads = Array.prototype.slice.call(box.querySelectorAll("thead th"));
    var keys = data.columns;
    // Some columns are only filtered by; the table shows those with a heading, in order.
    var shownColumns = heads.map(function (th) { return keys.indexOf(th.getAttribute("data-key")); });
    var kinds = {};
    heads.forEach(function (th, i) { kinds[shownColumns[i]] = th.getAttribute("data-kind"); });
    var tbody = box.querySelector("tbody");
    var pager = box.nextElementSibling;
    var output = form.querySelector("output");
    var query = form.querySelector('input[name="' + FILTER + '"]');
    var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
    var haystack = data.rows.map(function (row) {
      // composed (NFC): an accent written as a combining mark is found by typing the letter
      return row.map(shown).join(" ").normalize("NFC").toLowerCase();
    });
    var more = pager && pager.nextElementSibling;
    if (more && more.classList.contains("csi-more")) { more.hidden = true; }
    var state = { sort: "", desc: false, page: 1 };

    var params = new URLSearchParams(window.location.search);
    query.value = params.get(FILTER) || "";
    selects.forEach(function (select) {
      var wanted = params.get(select.name);
      if (wanted === null) { return; }
      var known = Array.prototype.some.call(select.options, function (o) { return o.value === wanted; });
      if (!known) {  // a value no row has today: kept and shown, so the list is honestly empty
        var option = document.createElement("option");
        option.value = wanted;
        option.textContent = wanted;
        select.appendChild(option);
      }
      select.value = wanted;
    });
    state.sort = keys.indexOf(params.get("sort")) >= 0 ? params.get("sort") : "";
    state.desc = params.get("desc") === "1";
    state.page = Math.max(1, parseInt(params.get("page") || "1", 10) || 1);

    heads.forEach(function (th) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "csi-sort";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var column = th.getAttribute("data-key");
        state.desc = state.sort === column ? !state.desc : false;
        state.sort = column;
        state.page = 1;
        render(true);
      });
    });

    function matching() {
      var terms = query.value.normalize("NFC").toLowerCase().split(/\s+/).filter(Boolean);
      var tests = selects.filter(function (s) { return s.value !== ""; }).map(function (s) {
        return { column: keys.indexOf(s.name), value: s.value, tokens: s.hasAttribute("data-tokens") };
      });
      var found = [];
      for (var i = 0; i < data.rows.length; i += 1) {
        var row = data.rows[i];
        var ok = terms.every(function (term) { return haystack[i].indexOf(term) >= 0; }) &&
          tests.every(function (test) {
            var value = shown(row[test.column]);
            return test.tokens ? value.split(" ").indexOf(test.value) >= 0 : value === test.value;
          });
        if (ok) { found.push(i); }
      }
      if (state.sort) {
        var column = keys.indexOf(state.sort);
        var sortKeys = {};
        found.forEach(function (index) { sortKeys[index] = key(data.rows[index][column]); });
        found.sort(function (a, b) {
          var order = compare(sortKeys[a], sortKeys[b]);
          return state.desc && sortKeys[a] !== null && sortKeys[b] !== null ? -order : order;
        });
      }
      return found;
    }

    function remember() {
      var out = new URLSearchParams();
      if (query.value) { out.set(FILTER, query.value); }
      selects.forEach(function (s) { if (s.value) { out.set(s.name, s.value); } });
      if (state.sort) { out.set("sort", state.sort); }
      if (state.sort && state.desc) { out.set("desc", "1"); }
      if (state.page > 1) { out.set("page", String(state.page)); }
      var search = out.toString();
      window.history.replaceState(null, "", window.location.pathname + (search ? "?" + search : "") + window.location.hash);
    }

    function render(save) {
      var found = matching();
      var pages = Math.max(1, Math.ceil(found.length / PAGE));
      state.page = Math.min(state.page, pages);
      var rows = document.createDocumentFragment();
      found.slice((state.page - 1) * PAGE, state.page * PAGE).forEach(function (index) {
        var tr = document.createElement("tr");
        shownColumns.forEach(function (column) {
          tr.appendChild(cell(kinds[column], data.rows[index][column]));
        });
        rows.appendChild(tr);
      });
      if (!found.length) {
        var empty = document.createElement("tr");
        var note = document.createElement("td");
        note.colSpan = shownColumns.length;
        note.textContent = data.rows.length ? "Nothing matches this filter." : "None yet.";
        empty.appendChild(note);
        rows.appendChild(empty);
      }
      tbody.replaceChildren(rows);
      heads.forEach(function (th) {
        var column = th.getAttribute("data-key");
        th.setAttribute("aria-sort", column !== state.sort ? "none" : (state.desc ? "descending" : "ascending"));
      });
      output.textContent = found.length === data.rows.length
        ? plural(found.length, data.noun)
        : found.length.toLocaleString("en") + " of " + plural(data.rows.length, data.noun);
      paging(pages);
      if (save) { remember(); }
    }

    function paging(pages) {
      if (!pager) { return; }
      var focused = pager.contains(document.activeElement) ? document.activeElement.textContent : null;
      pager.replaceChildren();
      if (pages < 2) { return; }
      function step(label, page) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = label;
        button.disabled = page < 1 || page > pages || page === state.page;
        button.addEventListener("click", function () { state.page = page; render(true); });
        pager.appendChild(button);
        return button;
      }
      var previous = step("Previous", state.page - 1);
      var where = document.createElement("span");
      where.textContent = "Page " + state.page + " of " + pages;
      pager.appendChild(where);
      var next = step("Next", state.page + 1);
      // a keyboard user paging on stays on the pager (its buttons were just made anew)
      if (focused === "Next") { (next.disabled ? previous : next).focus(); }
      if (focused === "Previous") { (previous.disabled ? next : previous).focus(); }
    }

    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("input", function () { state.page = 1; render(true); });
    form.addEventListener("change", function () { state.page = 1; render(true); });
    render(false);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.csi-filters[data-table]").forEach(setup);
  });

  // The theme wraps wide tables in a scrolling box and opens search in a dialog: a box a
  // keyboard user can scroll needs focus, and a dialog needs a name (axe-core's checks).
  function accessible() {
    document.querySelectorAll(".md-typeset__scrollwrap, .csi-figure").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth) { box.setAttribute("tabindex", "0"); }
    });
    document.querySelectorAll('[role="dialog"]:not([aria-label])').forEach(function (dialog) {
      dialog.setAttribute("aria-label", "Search");
    });
  }
  window.addEventListener("load", accessible);
})();
