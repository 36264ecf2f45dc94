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
  // Finding filters: apply on change (the form also works without JavaScript).
  Array.prototype.forEach.call(document.querySelectorAll("form[data-autosubmit]"), function (form) {
    form.addEventListener("change", function () { form.submit(); });
  });
})();
