/* Preview only: added to pages by `python -m generator serve` as they are served; never written to output/. */
(function () {
  "use strict";
  var live = window.__kpuLive;
  if (!live || !window.EventSource) { return; }
  var box = null;

  function items(list, texts, name, css) {
    texts.forEach(function (text) {
      var item = document.createElement("li");
      item.className = name;
      item.style.cssText = css + "white-space:pre-wrap;word-break:break-word;font-family:ui-monospace,monospace;";
      item.textContent = text;
      list.appendChild(item);
    });
  }

  function button(action) {
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Tutup";
    close.style.cssText = "font:inherit;padding:.3rem 1rem;cursor:pointer;";
    close.onclick = action;
    return close;
  }

  function show(problems) {
    if (!box) {
      box = document.createElement("div");
      box.id = "kpu-build-error";
      box.setAttribute("role", "alertdialog");
      box.setAttribute("aria-labelledby", "kpu-build-error-title");
      // An opaque sheet: see-through, the site's masthead (red, white letters) showed behind the title on phones.
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:#fff;" +
        "color:#1a1a1a;font:16px/1.5 system-ui,sans-serif;padding:2rem 1rem;box-sizing:border-box;";
      document.documentElement.appendChild(box);
    }
    box.textContent = "";
    var wrap = document.createElement("div");
    wrap.style.cssText = "max-width:60rem;margin:0 auto;";
    var title = document.createElement("h1");
    title.id = "kpu-build-error-title";
    title.textContent = "Pembangunan gagal";
    title.style.cssText = "color:#b00020;font-size:1.6rem;line-height:1.25;margin:0 0 .5rem;";
    var note = document.createElement("p");
    note.textContent = "Perbaiki " + (problems.length > 1 ? problems.length + " masalah" : "masalah") +
      " di bawah ini lalu simpan berkasnya; halaman akan dimuat ulang sendiri. " +
      "Di belakang layar ini masih tampil hasil terakhir yang berhasil.";
    var list = document.createElement("ul");
    list.style.cssText = "padding:0;list-style:none;";
    items(list, problems, "kpu-build-problem", "margin:.75rem 0;padding:.75rem 1rem;border-left:4px solid #b00020;" +
      "background:#fdf0f2;font-size:15px;");
    var close = button(hide);
    wrap.appendChild(title);
    wrap.appendChild(note);
    wrap.appendChild(list);
    wrap.appendChild(close);
    box.appendChild(wrap);
  }

  function hide() {
    if (box) { box.remove(); box = null; }
  }

  // Warnings do not stop the build: a bar at the foot of the page lists them until they are fixed or closed.
  var bar = null;
  var closedWarnings = "";
  function warn(warnings) {
    var key = JSON.stringify(warnings);
    if (bar) { bar.remove(); bar = null; }
    if (!warnings.length || key === closedWarnings) { return; }
    bar = document.createElement("div");
    bar.id = "kpu-build-warnings";
    bar.setAttribute("role", "status");
    bar.style.cssText = "position:fixed;left:0;right:0;bottom:0;z-index:2147483646;max-height:40vh;overflow:auto;" +
      "background:#fff8e1;color:#1a1a1a;border-top:4px solid #8a6d00;font:15px/1.5 system-ui,sans-serif;" +
      "padding:.75rem 1rem;";
    var title = document.createElement("strong");
    title.textContent = "Peringatan (" + warnings.length + "): halaman tetap dibuat, tetapi sebaiknya diperbaiki.";
    var list = document.createElement("ul");
    list.style.cssText = "margin:.4rem 0;padding-left:1.2rem;";
    items(list, warnings, "kpu-build-warning", "");
    var close = button(function () { closedWarnings = key; warn([]); });
    bar.appendChild(title);
    bar.appendChild(list);
    bar.appendChild(close);
    document.documentElement.appendChild(bar);
  }

  function update(state) {
    if (state.version !== live.version) { window.location.reload(); return; }
    if (state.problems.length) { show(state.problems); } else { hide(); }
    warn(state.warnings || []);
  }

  if (live.problems.length) { show(live.problems); }
  warn(live.warnings || []);
  // Browsers allow about six connections per server; a hidden tab gives its stream back and, when shown
  // again, reconnects: the server's "hello" then says whether the page is still current.
  var source = null;
  function connect() {
    if (source) { return; }
    source = new EventSource(live.events);
    ["hello", "reload", "failed"].forEach(function (name) {
      source.addEventListener(name, function (event) { update(JSON.parse(event.data)); });
    });
  }
  function disconnect() {
    if (source) { source.close(); source = null; }
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { disconnect(); } else { connect(); }
  });
  window.addEventListener("pagehide", disconnect);
  window.addEventListener("pageshow", function () { if (document.visibilityState !== "hidden") { connect(); } });
  if (document.visibilityState !== "hidden") { connect(); }
})();
