// The verification page: the reader picks the PDF they received; the browser computes its
// SHA-256 (WebCrypto) and compares it with the hash on record. The file never leaves the page.
(function () {
  "use strict";
  var box = document.getElementById("verify-file");
  if (!box) {
    return;
  }
  var input = document.getElementById("verify-pdf");
  var result = document.getElementById("verify-result");
  var expected = box.getAttribute("data-expected");
  box.hidden = false;

  function say(text, kind) {
    result.textContent = text;
    result.className = "verify-result" + (kind ? " " + kind : "");
  }
  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (byte) {
      return (byte < 16 ? "0" : "") + byte.toString(16);
    }).join("");
  }

  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    if (!file) {
      say("", "");
      return;
    }
    if (!window.crypto || !window.crypto.subtle) {
      say("Peramban ini tidak dapat menghitung sidik berkas (halaman harus dibuka lewat https).",
          "mismatch");
      return;
    }
    say("Menghitung sidik berkas…", "");
    file.arrayBuffer()
      .then(function (content) { return window.crypto.subtle.digest("SHA-256", content); })
      .then(function (digest) {
        var actual = hex(digest);
        if (actual === expected) {
          say("Cocok: berkas " + file.name + " sama persis dengan surat yang ditandatangani.",
              "match");
        } else {
          say("Tidak cocok: berkas " + file.name + " bukan surat yang ditandatangani ini " +
              "(SHA-256 " + actual + ").", "mismatch");
        }
      })
      .catch(function () {
        say("Berkas tidak dapat dibaca.", "mismatch");
      });
  });
}());
