/* Gallery lightbox: plain JavaScript, no dependencies. Without it, every thumbnail links to its photo. */
(function () {
  "use strict";
  var groups = document.querySelectorAll("[data-lightbox]");
  if (!groups.length) return;

  var box = document.createElement("div");
  box.className = "lightbox";
  box.hidden = true;
  box.setAttribute("role", "dialog");
  box.setAttribute("aria-modal", "true");
  box.setAttribute("aria-label", "Foto kegiatan");
  box.innerHTML =
    '<button type="button" class="lb-close" aria-label="Tutup">\u00d7</button>' +
    '<button type="button" class="lb-prev" aria-label="Foto sebelumnya">\u2039</button>' +
    '<img alt="">' +
    '<p class="lb-caption" aria-live="polite"></p><p class="lb-count"></p>' +
    '<button type="button" class="lb-next" aria-label="Foto berikutnya">\u203a</button>';
  document.body.appendChild(box);
  var img = box.querySelector("img");
  var caption = box.querySelector(".lb-caption");
  var count = box.querySelector(".lb-count");
  var buttons = box.querySelectorAll("button");
  var links = [], index = 0, opener = null, touchX = null;

  function show(i) {
    index = (i + links.length) % links.length;
    var link = links[index];
    var thumb = link.querySelector("img");
    var srcset = link.getAttribute("data-srcset");
    if (srcset) { img.srcset = srcset; img.sizes = "100vw"; } else { img.removeAttribute("srcset"); }
    img.src = link.getAttribute("data-full") || link.href;
    img.alt = thumb ? thumb.alt : "";
    box.setAttribute("data-index", String(index + 1));
    preload(index + 1);
    preload(index - 1);
    caption.textContent = link.getAttribute("data-caption") || "";
    count.textContent = (index + 1) + " / " + links.length;
  }
  function preload(i) {
    var link = links[(i + links.length) % links.length];
    if (!link || links.length < 2) return;
    var next = new Image();
    if (link.getAttribute("data-srcset")) { next.sizes = "100vw"; next.srcset = link.getAttribute("data-srcset"); }
    next.src = link.getAttribute("data-full") || link.href;
  }
  function open(groupLinks, i, from) {
    links = groupLinks;
    opener = from;
    buttons[1].hidden = buttons[2].hidden = links.length < 2;
    show(i);
    box.hidden = false;
    document.documentElement.style.overflow = "hidden";
    buttons[0].focus();
  }
  function close() {
    box.hidden = true;
    img.removeAttribute("srcset");
    img.removeAttribute("src");
    document.documentElement.style.overflow = "";
    if (opener) opener.focus();
  }

  Array.prototype.forEach.call(groups, function (group) {
    var groupLinks = Array.prototype.slice.call(group.querySelectorAll("a[data-full]"));
    groupLinks.forEach(function (link, i) {
      link.addEventListener("click", function (event) {
        if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        open(groupLinks, i, link);
      });
    });
  });
  buttons[0].addEventListener("click", close);
  buttons[1].addEventListener("click", function () { show(index - 1); });
  buttons[2].addEventListener("click", function () { show(index + 1); });
  box.addEventListener("click", function (event) { if (event.target === box) close(); });
  document.addEventListener("keydown", function (event) {
    if (box.hidden) return;
    if (event.key === "Escape") { event.preventDefault(); close(); }
    else if (event.key === "ArrowRight") { event.preventDefault(); show(index + 1); }
    else if (event.key === "ArrowLeft") { event.preventDefault(); show(index - 1); }
    else if (event.key === "Tab") {
      var order = Array.prototype.filter.call(buttons, function (b) { return !b.hidden; });
      var at = order.indexOf(document.activeElement);
      event.preventDefault();
      var next = event.shiftKey ? (at <= 0 ? order.length - 1 : at - 1) : (at + 1) % order.length;
      order[next].focus();
    }
  });
  box.addEventListener("touchstart", function (event) { touchX = event.touches[0].clientX; }, { passive: true });
  box.addEventListener("touchend", function (event) {
    if (touchX === null) return;
    var dx = event.changedTouches[0].clientX - touchX;
    touchX = null;
    if (Math.abs(dx) > 40) show(index + (dx < 0 ? 1 : -1));
  });
})();
