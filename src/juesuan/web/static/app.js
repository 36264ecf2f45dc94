(function () {
  "use strict";
  // Upload: show a spinner while the server parses and checks the file.
  Array.prototype.forEach.call(document.querySelectorAll("form[data-busy]"), function (form) {
    form.addEventListener("submit", function () {
      var spinner = form.querySelector(".spinner");
      var button = form.querySelector("button[type=submit]");
      if (spinner) {
        spinner.querySelector(".busy-text").textContent = form.getAttribute("data-busy");
        spinner.hidden = false;
      }
      if (button) { window.setTimeout(function () { button.disabled = true; }, 0); }
    });
  });
  // A jump to a collapsed note (a rounding note, a closed 绩效 table): open it. A jump to a table
  // cell: the table's box at the top of the window and the cell under its sticky header row and
  // beside its sticky row names, so that the cell's row and column stay in view.
  function showCell(cell) {
    var box = cell.closest(".table-box");
    if (!box) { return; }
    var head = box.querySelector("thead");
    var label = cell.parentElement.querySelector("th.label");
    var headH = head ? head.getBoundingClientRect().height : 0;
    var labelW = label ? label.getBoundingClientRect().width : 0;
    var c = cell.getBoundingClientRect(), b = box.getBoundingClientRect();
    box.scrollTop += c.top - b.top - headH - Math.max(0, (box.clientHeight - headH - c.height) / 3);
    if (c.left - b.left < labelW || c.right > b.left + box.clientWidth) {
      box.scrollLeft += c.left - b.left - labelW - 8;
    }
    var top = box.getBoundingClientRect().top + window.pageYOffset - 8;
    window.scrollTo({ top: top, behavior: "instant" });
  }
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (!el) { return; }
    var details = el.tagName === "DETAILS" ? el : el.querySelector(":scope > details");
    if (details && !details.open) { details.open = true; }
    for (var p = el.parentElement; p; p = p.parentElement) {
      if (p.tagName === "DETAILS" && !p.open) { p.open = true; }
    }
    if (el.tagName === "TD") { showCell(el); }
  }
  window.addEventListener("hashchange", openTarget);
  if (location.hash) { window.addEventListener("load", openTarget); }
  // Finding filters: apply on change (the form also works without JavaScript).
  Array.prototype.forEach.call(document.querySelectorAll("form[data-autosubmit]"), function (form) {
    form.addEventListener("change", function () { form.submit(); });
  });
})();
