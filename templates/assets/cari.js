/* Site search on /cari/: loads the Pagefind index made at build time and lists title, date and snippet. */
(function () {
  "use strict";
  var form = document.querySelector("[data-search]");
  if (!form) return;
  var input = form.querySelector("input[type=search]");
  var status = document.querySelector("[data-status]");
  var list = document.querySelector("[data-results]");
  var more = document.querySelector("[data-more]");
  var text = form.dataset;
  var PAGE = 10;
  var engine = null, found = [], shown = 0, asked = 0, timer = null;

  function say(template, count, query) {
    return template.replace("%n", count).replace("%q", query);
  }

  function load() {
    if (!engine) {
      engine = import(text.bundle + "pagefind.js").then(function (pagefind) {
        return Promise.resolve(pagefind.options({ baseUrl: text.base, excerptLength: 30 }))
          .then(function () { return pagefind; });
      });
    }
    return engine;
  }

  /* The snippet from Pagefind is HTML with <mark> around the words found: keep only its text and marks. */
  function snippet(html) {
    var parsed = document.createElement("template");
    parsed.innerHTML = html;
    var out = document.createElement("p");
    parsed.content.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.appendChild(mark);
      } else {
        out.appendChild(document.createTextNode(node.textContent));
      }
    });
    return out;
  }

  function item(data) {
    var li = document.createElement("li");
    var heading = document.createElement("h2");
    var link = document.createElement("a");
    link.href = data.url;
    link.textContent = (data.meta && data.meta.title) || data.url;
    heading.appendChild(link);
    li.appendChild(heading);
    if (data.meta && data.meta.date) {
      var meta = document.createElement("p");
      meta.className = "meta";
      var time = document.createElement("time");
      if (data.meta.iso) time.setAttribute("datetime", data.meta.iso);
      time.textContent = data.meta.date;
      meta.appendChild(time);
      li.appendChild(meta);
    }
    li.appendChild(snippet(data.excerpt || ""));
    return li;
  }

  function showMore(ask) {
    var next = found.slice(shown, shown + PAGE);
    shown += next.length;
    return Promise.all(next.map(function (result) { return result.data(); })).then(function (rows) {
      if (ask !== asked) return;
      rows.forEach(function (data) { list.appendChild(item(data)); });
      more.hidden = shown >= found.length;
    });
  }

  function run(query) {
    var ask = ++asked;
    query = query.trim();
    list.textContent = "";
    more.hidden = true;
    if (!query) { status.textContent = ""; list.removeAttribute("aria-busy"); return; }
    status.textContent = text.textSearching;
    list.setAttribute("aria-busy", "true");
    load().then(function (pagefind) { return pagefind.search(query); }).then(function (search) {
      if (ask !== asked) return;
      found = search.results;
      shown = 0;
      status.textContent = found.length ? say(text.textFound, found.length, query) : say(text.textNone, 0, query);
      return showMore(ask);
    }).catch(function () {
      if (ask !== asked) return;
      engine = null;
      status.textContent = text.textUnavailable;
    }).then(function () {
      if (ask === asked) list.removeAttribute("aria-busy");
    });
  }

  more.textContent = text.textMore;
  more.addEventListener("click", function () {
    var first = list.children.length;
    showMore(asked).then(function () {
      var link = list.children[first] && list.children[first].querySelector("a");
      if (link) link.focus();
    });
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var params = new URLSearchParams(location.search);
    params.set("q", input.value);
    history.replaceState(null, "", "?" + params.toString());
    clearTimeout(timer);
    run(input.value);
  });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { run(input.value); }, 350);
  });
  var initial = new URLSearchParams(location.search).get("q");
  if (initial) {
    input.value = initial;
    run(initial);
  }
})();
