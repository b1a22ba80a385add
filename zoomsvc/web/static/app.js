// Small progressive touches; every page works without them.
document.addEventListener("submit", function (event) {
  var button = event.submitter;
  var message = button && button.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
    return;
  }
  // One click, one request: a double click must not submit a form twice.
  if (button) {
    window.setTimeout(function () { button.disabled = true; }, 0);
  }
});

// Copy buttons (e.g. the agency's download link): shown only where the browser can copy.
if (navigator.clipboard) {
  Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () {
        button.textContent = "Tersalin";
      }, function () {
        button.textContent = "Gagal menyalin";
      });
    });
  });
}
