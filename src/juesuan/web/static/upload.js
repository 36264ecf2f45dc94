(function () {
  "use strict";
  // The upload form: drop files (or a zip) anywhere on the form to choose them, then submit.
  var form = document.querySelector("form.upload");
  var input = form && form.querySelector("input[type=file]");
  if (!form || !input) { return; }
  var shown = document.querySelector(".chosen");
  function say() {
    if (!shown) { return; }
    var names = Array.prototype.map.call(input.files || [], function (f) { return f.name; });
    shown.textContent = names.length ? "已选择 " + names.length + " 个文件：" + names.join("、") : "";
  }
  input.addEventListener("change", say);
  ["dragenter", "dragover"].forEach(function (type) {
    form.addEventListener(type, function (e) { e.preventDefault(); form.classList.add("dropping"); });
  });
  ["dragleave", "drop"].forEach(function (type) {
    form.addEventListener(type, function () { form.classList.remove("dropping"); });
  });
  form.addEventListener("drop", function (e) {
    e.preventDefault();
    if (!e.dataTransfer || !e.dataTransfer.files.length) { return; }
    input.files = e.dataTransfer.files;
    say();
  });
})();
