// Progressive enhancement for questionnaire pages: save answers as soon as they change.
// Without JavaScript every page is still saved by its buttons.
(function () {
  "use strict";
  // A form that creates something (start, submit) is sent once: a double click would
  // otherwise start two drafts. The server stays safe without this (submit is idempotent).
  Array.prototype.forEach.call(document.querySelectorAll("form[data-send-once]"), function (f) {
    f.addEventListener("submit", function () {
      setTimeout(function () {
        Array.prototype.forEach.call(f.querySelectorAll("button, input[type=submit]"),
          function (button) { button.disabled = true; });
      }, 0);
    });
  });

  // After a refused form, the summary of what to fix takes the focus: it sits at the top,
  // where the eye is, and links to each field.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }

  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var status = form.querySelector(".autosave-status");
  var timer = null;
  // One save at a time, and the latest answers last: a second change while a save is on its
  // way waits for it, so an older snapshot can never arrive after a newer one.
  var inFlight = false;
  var pending = false;

  function show(text) { if (status) { status.textContent = text; } }

  function send() {
    inFlight = true;
    pending = false;
    var data = new FormData(form);
    data.delete("nav");
    return fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-Assess-Autosave": "1", "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) {
        if (body.saved && response.ok) { show("Saved."); }
        else if (body.saved) { show("Saved, except answers marked as not valid."); }
        else { show("Not saved automatically; use the button below."); }
      });
    }).catch(function () {
      show("Offline: your answers will be saved with the button below.");
    }).then(function () {
      inFlight = false;
      if (pending) { send(); }
    });
  }

  function save() {
    if (inFlight) { pending = true; return; }
    send();
  }

  form.addEventListener("change", save);
  form.addEventListener("input", function (event) {
    if (event.target.tagName !== "TEXTAREA") { return; }
    clearTimeout(timer);
    timer = setTimeout(save, 1500);
  });
  // The buttons post the page normally; a save still on its way must not land after them.
  form.addEventListener("submit", function () { clearTimeout(timer); pending = false; });
}());
