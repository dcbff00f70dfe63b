// Click-to-load YouTube players: each video link of a post becomes a button; only when it is pressed does the page
// load the player, from youtube-nocookie.com. Until then the page asks nothing of any other host.
(function () {
  "use strict";
  function play(button) {
    var frame = document.createElement("iframe");
    var start = button.getAttribute("data-start");
    frame.src = "https://www.youtube-nocookie.com/embed/" + encodeURIComponent(button.getAttribute("data-video")) +
      "?autoplay=1" + (start ? "&start=" + encodeURIComponent(start) : "");
    frame.title = button.getAttribute("data-title") || "Video YouTube";
    frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
    frame.allowFullscreen = true;
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    button.replaceWith(frame);
    frame.focus();
  }
  document.querySelectorAll("a.video-facade[data-video]").forEach(function (link) {
    var button = document.createElement("button");
    button.type = "button";
    Array.prototype.forEach.call(link.attributes, function (attribute) {
      if (attribute.name !== "href") button.setAttribute(attribute.name, attribute.value);
    });
    while (link.firstChild) button.appendChild(link.firstChild);
    button.addEventListener("click", function () { play(button); });
    link.replaceWith(button);
  });
})();
