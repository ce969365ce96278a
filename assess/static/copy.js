// Progressive enhancement: a "Copy" button next to a read-only field (a set-password link).
// Without JavaScript (or without the Clipboard API) the button stays hidden and the field
// can be selected and copied by hand.
(function () {
  "use strict";
  if (!navigator.clipboard || !navigator.clipboard.writeText) { return; }
  Array.prototype.forEach.call(document.querySelectorAll("button[data-copy-target]"),
    function (button) {
      var field = document.getElementById(button.getAttribute("data-copy-target"));
      if (!field) { return; }
      var status = button.parentNode.querySelector(".copy-status");
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(field.value).then(function () {
          if (status) { status.textContent = "Copied."; }
        }, function () {
          field.select();
          if (status) { status.textContent = "Select the link and copy it by hand."; }
        });
      });
    });
  Array.prototype.forEach.call(document.querySelectorAll("input[readonly].link"),
    function (field) { field.addEventListener("focus", function () { field.select(); }); });
}());
