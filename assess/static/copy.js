// Progressive enhancement for the page that shows a new set-password link: a "Copy link"
// button next to the read-only field. Without JavaScript the button stays hidden and the link
// can be selected and copied by hand.
(function () {
  "use strict";

  function copied(field, status, ok) {
    if (!ok) { field.select(); }
    if (status) {
      status.textContent = ok ? "Link copied."
        : "Copying is not allowed here: the link is selected, press Ctrl+C to copy it.";
    }
  }

  function fallback(field) {
    field.select();
    try { return document.execCommand("copy"); } catch (e) { return false; }
  }

  Array.prototype.forEach.call(document.querySelectorAll("button[data-copy-target]"),
    function (button) {
      var field = document.getElementById(button.getAttribute("data-copy-target"));
      if (!field) { return; }
      var status = button.parentNode.querySelector(".copy-status");
      button.hidden = false;
      button.addEventListener("click", function () {
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(field.value).then(function () {
            copied(field, status, true);
          }, function () { copied(field, status, fallback(field)); });
        } else {
          copied(field, status, fallback(field));
        }
      });
    });

  Array.prototype.forEach.call(document.querySelectorAll("input[readonly].link"),
    function (field) { field.addEventListener("focus", function () { field.select(); }); });
}());
