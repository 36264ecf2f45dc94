(function () {
  "use strict";
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input.filter-severity"));
  var select = document.getElementById("filter-table");
  var items = Array.prototype.slice.call(document.querySelectorAll("li.finding"));
  var counter = document.getElementById("shown-count");
  var noMatch = document.getElementById("no-match");

  function apply() {
    var off = {};
    boxes.forEach(function (b) { off[b.value] = !b.checked; });
    var table = select ? select.value : "";
    var shown = 0;
    items.forEach(function (li) {
      var tables = (li.getAttribute("data-tables") || "").split(" ");
      var ok = !off[li.getAttribute("data-severity")] && (!table || tables.indexOf(table) >= 0);
      li.hidden = !ok;
      if (ok) { shown += 1; }
    });
    if (counter) {
      counter.textContent = shown === items.length
        ? "共 " + items.length + " 条"
        : "显示 " + shown + " / " + items.length + " 条";
    }
    if (noMatch) { noMatch.hidden = shown > 0 || items.length === 0; }
  }

  function reveal(li) {
    // A cell links back to a finding the filters hide: widen the filters to show it.
    boxes.forEach(function (b) {
      if (b.value === li.getAttribute("data-severity")) { b.checked = true; }
    });
    if (select && select.value &&
        (li.getAttribute("data-tables") || "").split(" ").indexOf(select.value) < 0) {
      select.value = "";
    }
    apply();
  }

  function onTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var el = id ? document.getElementById(id) : null;
    if (!el) { return; }
    // a cell of a self-evaluation table folded away: unfold it
    for (var p = el; p; p = p.parentElement) {
      if (p.tagName === "DETAILS" && !p.open) { p.open = true; el.scrollIntoView({ block: "center" }); }
    }
    if (el.classList.contains("finding") && el.hidden) {
      reveal(el);
      el.scrollIntoView({ block: "start" });
    }
    el.classList.remove("flash");
    void el.offsetWidth;
    el.classList.add("flash");
  }

  boxes.forEach(function (b) { b.addEventListener("change", apply); });
  if (select) { select.addEventListener("change", apply); }
  window.addEventListener("hashchange", onTarget);
  apply();
})();
