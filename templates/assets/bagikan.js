// "Salin tautan" under a post: shows the button (hidden without script) and copies the post's address on a click.
// Nothing is loaded from anywhere; the status line tells screen readers that it worked.
(function () {
  "use strict";
  function fallback(text) {
    var field = document.createElement("textarea");
    field.value = text;
    field.setAttribute("readonly", "");
    field.className = "visually-hidden";
    document.body.appendChild(field);
    field.select();
    var done = false;
    try { done = document.execCommand("copy"); } catch (e) { done = false; }
    field.remove();
    return done ? Promise.resolve() : Promise.reject(new Error("copy"));
  }
  document.querySelectorAll("button.copy-link[data-url]").forEach(function (button) {
    var status = button.parentNode.querySelector(".copy-status");
    button.hidden = false;
    button.addEventListener("click", function () {
      var url = button.getAttribute("data-url");
      var copy = navigator.clipboard && window.isSecureContext ? navigator.clipboard.writeText(url) : fallback(url);
      copy.catch(function () { return fallback(url); }).then(function () {
        if (status) status.textContent = "Tautan disalin.";
      }, function () {
        if (status) status.textContent = "Tidak bisa menyalin; salin alamat ini: " + url;
      });
    });
  });
})();
