// Tables of the site (csi_tool/site/tables.py): a page carries its first rows as HTML and all
// of them in a script file of its own; this filters, sorts and pages them, keeping the state in
// the URL so a filtered view can be shared. Cells are written with textContent only: record
// text never becomes markup. Without JavaScript the first rows show and the CSV has the rest.
(function () {
  "use strict";
  var PAGE = 100;

  function shown(value) {
    if (Array.isArray(value)) { return String(value[0]); }
    return value === null || value === undefined || value === "" ? "" : String(value);
  }

  function slug(value) {
    return String(value).toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "none";
  }

  function number(value) {
    return String(Number(Number(value).toPrecision(6)));
  }

  function cell(kind, value) {
    var td = document.createElement("td");
    if (kind === "number") { td.className = "csi-num"; }
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

  function compare(a, b) {  // numbers as numbers, the rest as text, empty cells last
    var emptyA = shown(a) === "", emptyB = shown(b) === "";
    if (emptyA || emptyB) { return emptyA === emptyB ? 0 : (emptyA ? 1 : -1); }
    if (Array.isArray(a) && Array.isArray(b)) { a = a[0]; b = b[0]; }
    var numbers = Number(a) === Number(a) && Number(b) === Number(b) && String(a).trim() && String(b).trim();
    if (numbers) { return Number(a) - Number(b); }
    return String(a).localeCompare(String(b), undefined, { numeric: true, sensitivity: "base" });
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
    var query = form.querySelector('input[name="q"]');
    var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
    var haystack = data.rows.map(function (row) {
      return row.map(shown).join(" ").toLowerCase();
    });
    var more = pager && pager.nextElementSibling;
    if (more && more.classList.contains("csi-more")) { more.hidden = true; }
    var state = { sort: "", desc: false, page: 1 };

    var params = new URLSearchParams(window.location.search);
    query.value = params.get("q") || "";
    selects.forEach(function (select) {
      var wanted = params.get(select.name);
      if (wanted !== null) { select.value = wanted; }
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
        var key = th.getAttribute("data-key");
        state.desc = state.sort === key ? !state.desc : false;
        state.sort = key;
        state.page = 1;
        render(true);
      });
    });

    function matching() {
      var terms = query.value.toLowerCase().split(/\s+/).filter(Boolean);
      var tests = selects.filter(function (s) { return s.value !== ""; }).map(function (s) {
        return { column: keys.indexOf(s.name), value: s.value };
      });
      var found = [];
      for (var i = 0; i < data.rows.length; i += 1) {
        var row = data.rows[i];
        var ok = terms.every(function (term) { return haystack[i].indexOf(term) >= 0; }) &&
          tests.every(function (test) { return shown(row[test.column]) === test.value; });
        if (ok) { found.push(i); }
      }
      if (state.sort) {
        var column = keys.indexOf(state.sort);
        found.sort(function (a, b) {
          var order = compare(data.rows[a][column], data.rows[b][column]);
          return state.desc ? -order : order;
        });
      }
      return found;
    }

    function remember() {
      var out = new URLSearchParams();
      if (query.value) { out.set("q", query.value); }
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
      tbody.replaceChildren(rows);
      heads.forEach(function (th) {
        var key = th.getAttribute("data-key");
        th.setAttribute("aria-sort", key !== state.sort ? "none" : (state.desc ? "descending" : "ascending"));
      });
      output.textContent = found.length === data.rows.length
        ? plural(found.length, data.noun)
        : found.length.toLocaleString("en") + " of " + plural(data.rows.length, data.noun);
      paging(pages);
      if (save) { remember(); }
    }

    function paging(pages) {
      if (!pager) { return; }
      pager.replaceChildren();
      if (pages < 2) { return; }
      function step(label, page) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = label;
        button.disabled = page < 1 || page > pages || page === state.page;
        button.addEventListener("click", function () { state.page = page; render(true); });
        pager.appendChild(button);
      }
      step("Previous", state.page - 1);
      var where = document.createElement("span");
      where.textContent = "Page " + state.page + " of " + pages;
      pager.appendChild(where);
      step("Next", state.page + 1);
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
