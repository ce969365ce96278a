// Progressive enhancement for questionnaire pages: save answers as soon as they change.
// Without JavaScript every page is still saved by its buttons.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var status = form.querySelector(".autosave-status");
  var timer = null;
  function save() {
    var data = new FormData(form);
    data.delete("nav");
    fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-Assess-Autosave": "1", "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!status) { return; }
        if (body.saved && response.ok) { status.textContent = "Saved."; }
        else if (body.saved) { status.textContent = "Saved, except answers marked as not valid."; }
        else { status.textContent = "Not saved automatically; use the button below."; }
      });
    }).catch(function () {
      if (status) { status.textContent = "Offline: your answers will be saved with the button below."; }
    });
  }
  form.addEventListener("change", function () { save(); });
  form.addEventListener("input", function (event) {
    if (event.target.tagName !== "TEXTAREA") { return; }
    clearTimeout(timer);
    timer = setTimeout(save, 1500);
  });
}());
