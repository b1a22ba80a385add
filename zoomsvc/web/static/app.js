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
