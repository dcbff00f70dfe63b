/* Meja Redaksi: uploads with progress, photo and attachment lists, the body's toolbar, the live preview, the
   publish progress. Plain JavaScript; every page works without it except these conveniences. */
(function () {
  "use strict";
  var token = document.querySelector('meta[name="desk-token"]').content;
  var base = document.querySelector('meta[name="desk-base"]').content;
  var counter = 1000;

  function announce(list, text, isError) {
    var item = document.createElement("li");
    item.textContent = text;
    if (isError) { item.className = "problem"; }
    list.appendChild(item);
    return item;
  }

  function fillItem(kind, name, picture) {
    // the server's own item markup (a <template>), its ids numbered anew; the name is set as a value, never as HTML
    var template = document.getElementById(kind === "foto" ? "templat-foto" : "templat-lampiran");
    var holder = document.createElement("ol");
    holder.innerHTML = template.innerHTML.split("__N__").join(String(++counter));
    var item = holder.querySelector("li");
    item.dataset.name = name;
    item.querySelector('input[type="hidden"]').value = name;
    item.querySelector(".file-name").textContent = name;
    var radio = item.querySelector('input[type="radio"]');
    if (radio) { radio.value = name; }
    if (picture) {
      var img = document.createElement("img");
      img.src = picture; img.alt = ""; img.width = 96; img.height = 72;
      item.insertBefore(img, item.querySelector(".file-name"));
    }
    return item;
  }

  function upload(form, kind, file, done) {
    var list = form.querySelector('[data-uploads="' + kind + '"]');
    var row = announce(list, file.name + ": ");
    var bar = document.createElement("progress");
    bar.max = 100; bar.value = 0;
    bar.setAttribute("aria-label", "Mengunggah " + file.name);
    row.appendChild(bar);
    // the photo's place in the list is kept from the moment it is chosen: uploads end in any order
    var slot = document.createElement("li");
    slot.hidden = true;
    form.querySelector('[data-items="' + kind + '"]').appendChild(slot);
    var data = new FormData();
    data.append("key", form.elements.key.value);
    data.append("berkas", file, file.name);
    var request = new XMLHttpRequest();
    request.open("POST", base + "/unggah");
    request.setRequestHeader("X-Desk-Token", token);
    request.upload.onprogress = function (event) {
      if (event.lengthComputable) { bar.value = Math.round(100 * event.loaded / event.total); }
    };
    request.onload = function () {
      var answer = {};
      try { answer = JSON.parse(request.responseText); } catch (e) { answer = {galat: "Jawaban server tidak terbaca."}; }
      if (request.status !== 200) {
        slot.remove();
        row.textContent = file.name + ": " + (answer.galat || "gagal diunggah (" + request.status + ").");
        row.className = "problem";
        return;
      }
      row.remove();
      var picture = answer.jenis === "photo" ? answer.gambar : "";
      var landed = answer.jenis === "photo" ? "foto" : "lampiran";
      var item = fillItem(landed, answer.nama, picture);
      if (landed === kind) {
        slot.replaceWith(item);
      } else {
        slot.remove();
        form.querySelector('[data-items="' + landed + '"]').appendChild(item);
      }
      if (done && landed === "foto") { done(answer.nama); }     // a photo the server kept as a photo
      schedulePreview();
    };
    request.onerror = function () {
      slot.remove();
      row.textContent = file.name + ": sambungan ke server terputus; coba lagi.";
      row.className = "problem";
    };
    request.send(data);
  }

  function sendFiles(form, kind, files) {
    Array.prototype.forEach.call(files, function (file) { upload(form, kind, file); });
  }

  function setUpDrops(form) {
    form.querySelectorAll("[data-drop]").forEach(function (zone) {
      var kind = zone.dataset.drop;
      var input = zone.querySelector('input[type="file"]');
      input.addEventListener("change", function () {
        sendFiles(form, kind, input.files);
        input.value = "";
      });
      zone.addEventListener("dragover", function (event) { event.preventDefault(); zone.classList.add("over"); });
      zone.addEventListener("dragleave", function () { zone.classList.remove("over"); });
      zone.addEventListener("drop", function (event) {
        event.preventDefault();
        zone.classList.remove("over");
        sendFiles(form, kind, event.dataTransfer.files);
      });
    });
  }

  // A photo or document the text shows or links to would stay on the site (the save keeps a file the text names,
  // without its caption): removing it asks, then takes it out of the text too (a link keeps its words).
  function outOfBody(form, name) {
    var area = form.querySelector("#isi");
    if (!name || !area) { return true; }
    var file = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    var target = "\\(\\s*<?" + file + ">?(?:\\s+\"[^\"]*\")?\\s*\\)";
    var image = new RegExp("!\\[[^\\]]*\\]" + target + "(?:\\{[^}\\n]*\\})?", "g");
    var link = new RegExp("\\[([^\\]]*)\\]" + target, "g");
    if (!image.test(area.value) && !link.test(area.value)) { return true; }
    if (!window.confirm("Berkas " + name + " juga dipakai di isi berita. Hapus juga dari isi berita? " +
                        "(Batal: berkas tidak dihapus.)")) { return false; }
    area.value = area.value.replace(image, "").replace(link, "$1").replace(/\n{3,}/g, "\n\n");
    return true;
  }

  function setUpItems(form) {
    form.addEventListener("click", function (event) {
      var button = event.target.closest("[data-move], [data-remove]");
      if (!button) { return; }
      var item = button.closest(".item");
      if (button.hasAttribute("data-remove")) {
        if (!outOfBody(form, item.dataset.name || "")) { return; }
        var next = item.nextElementSibling || item.previousElementSibling;
        item.remove();
        var focus = next ? next.querySelector("[data-remove]") : form.querySelector('input[type="file"]');
        if (focus) { focus.focus(); }
      } else if (button.dataset.move === "-1" && item.previousElementSibling) {
        item.parentNode.insertBefore(item, item.previousElementSibling);
        button.focus();
      } else if (button.dataset.move === "1" && item.nextElementSibling) {
        item.parentNode.insertBefore(item.nextElementSibling, item);
        button.focus();
      }
      schedulePreview();
    });
  }

  var examples = {bold: "teks tebal", italic: "teks miring", heading: "Subjudul", list: "butir"};
  var formats = {
    bold: function (text) { return "**" + (text || examples.bold) + "**"; },
    italic: function (text) { return "*" + (text || examples.italic) + "*"; },
    heading: function (text) { return "\n## " + (text || examples.heading) + "\n"; },
    list: function (text) {
      return "\n" + (text || examples.list).split("\n").map(function (line) { return "- " + line; }).join("\n") + "\n";
    },
    link: function (text) {
      var address = window.prompt("Alamat tautan (https://…)", "https://");
      return address ? "[" + (text || address) + "](" + address + ")" : text;
    },
    photo: function (text, form) {
      var names = Array.prototype.map.call(form.querySelectorAll('input[name="foto"]'), function (el) { return el.value; });
      if (!names.length) { window.alert("Unggah foto dulu di bagian Foto."); return text; }
      var list = names.map(function (name, i) { return (i + 1) + ". " + name; }).join("\n");
      var chosen = names[parseInt(window.prompt("Nomor foto yang disisipkan:\n" + list, "1"), 10) - 1];
      return chosen ? "![" + (text || "") + "](" + chosen + ")" : text;
    }
  };

  function setUpToolbar(form) {
    var area = form.querySelector("#isi");
    area.addEventListener("keydown", function (event) {   // Ctrl+B and Ctrl+I, as in a word processor
      var key = (event.ctrlKey || event.metaKey) && !event.altKey ? event.key.toLowerCase() : "";
      var name = {b: "bold", i: "italic"}[key];
      if (name) {
        event.preventDefault();
        form.querySelector('[data-format="' + name + '"]').click();
      }
    });
    area.addEventListener("paste", function (event) { pasted(form, area, event); });
    area.addEventListener("dragover", function (event) { if (carriesFiles(event)) { event.preventDefault(); } });
    area.addEventListener("drop", function (event) { dropped(form, area, event, true); });
    // a file let go anywhere else on the page is taken too, where the browser would open it in place of the form
    document.addEventListener("dragover", function (event) { if (carriesFiles(event)) { event.preventDefault(); } });
    document.addEventListener("drop", function (event) {
      if (!event.defaultPrevented && carriesFiles(event)) { dropped(form, area, event, false); }
    });
    form.querySelectorAll("[data-format]").forEach(function (button) {
      button.addEventListener("click", function () {
        var start = area.selectionStart, end = area.selectionEnd;
        var chosen = area.value.slice(start, end);
        var made = formats[button.dataset.format](chosen, form);
        area.setRangeText(made, start, end, "end");
        area.focus();
        var example = chosen ? -1 : made.indexOf(examples[button.dataset.format]);
        if (example >= 0) {        // nothing was selected: the example word stays selected, so typing replaces it
          area.setSelectionRange(start + example, start + example + examples[button.dataset.format].length);
        }
        schedulePreview();
      });
    });
  }

  // Text copied from Word, Google Docs or a web page comes as Markdown (the server converts its HTML): bold, italic,
  // headings, lists, links and tables kept, as WordPress's editor keeps them. Plain text is pasted as it is. A photo
  // alone (a screenshot, a photo copied from another program) is uploaded as a photo and placed at the cursor.
  function pasted(form, area, event) {
    var data = event.clipboardData;
    var html = data ? data.getData("text/html") : "";
    var photos = data ? Array.prototype.filter.call(data.files || [], function (f) { return /^image\//.test(f.type); }) : [];
    if (!html && photos.length) {       // a screenshot or a copied photo: uploaded as a photo and shown at the cursor
      event.preventDefault();
      photos.forEach(function (file) {
        upload(form, "foto", file, function (name) {
          insertPasted(area, "![](" + name + ")", area.selectionStart, area.selectionEnd, true);
          schedulePreview();
        });
      });
      return;
    }
    if (!html) { return; }
    event.preventDefault();
    var plain = data.getData("text/plain");
    var start = area.selectionStart, end = area.selectionEnd, typed = area.value;
    var state = form.querySelector("[data-paste-state]");
    state.textContent = "Menempel…";
    var sent = new FormData();
    sent.append("html", html);
    fetch(base + "/tempel", {method: "POST", body: sent, headers: {"X-Desk-Token": token}, credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : {}; })
      .catch(function () { return {}; })
      .then(function (answer) {
        var converted = typeof answer.markdown === "string";
        var text = converted ? answer.markdown : plain;
        if (area.value !== typed) {     // typed on meanwhile: the paste goes where the cursor is now
          start = area.selectionStart;
          end = area.selectionEnd;
        }
        insertPasted(area, text, start, end, text.indexOf("\n") >= 0 || /^(#|- |\d+\. |\||> )/.test(text));
        state.textContent = converted ? (answer.catatan || []).join(" ") : "Ditempel sebagai teks biasa.";
        schedulePreview();
      });
  }

  function carriesFiles(event) {
    return !!event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types || [], "Files") >= 0;
  }

  // Files dropped on the body (as in WordPress's editor): photos are uploaded and placed at the cursor, documents and
  // videos join the attachments; dropped elsewhere on the page, each joins its list.
  function dropped(form, area, event, intoBody) {
    var files = event.dataTransfer.files;
    if (!files || !files.length) { return; }
    event.preventDefault();
    Array.prototype.forEach.call(files, function (file) {
      var photo = /^image\//.test(file.type) || /\.(heic|heif)$/i.test(file.name);
      upload(form, photo ? "foto" : "lampiran", file, photo && intoBody ? function (name) {
        insertPasted(area, "![](" + name + ")", area.selectionStart, area.selectionEnd, true);
        schedulePreview();
      } : null);
    });
  }

  function insertPasted(area, text, start, end, block) {
    var before = area.value.slice(0, start), after = area.value.slice(end);
    if (block) {                // paragraphs, a heading, a list, a photo: a blank line from the text around
      if (before && !/\n\n$/.test(before)) { text = (/\n$/.test(before) ? "\n" : "\n\n") + text; }
      if (after && !/^\n\n/.test(after)) { text += /^\n/.test(after) ? "\n" : "\n\n"; }
    }
    area.focus();
    area.setSelectionRange(start, end);
    // insertText keeps the paste in the browser's undo (Ctrl+Z); where it is not offered, setRangeText
    if (!document.execCommand || !document.execCommand("insertText", false, text)) {
      area.setRangeText(text, start, end, "end");
    }
  }

  var previewTimer = null;
  var previewForm = null;
  function schedulePreview() {
    if (!previewForm) { return; }
    window.clearTimeout(previewTimer);
    previewTimer = window.setTimeout(refreshPreview, 600);
  }

  function refreshPreview() {
    var section = document.querySelector("[data-preview]");
    var data = new FormData(previewForm);
    data.delete("foto_baru");
    data.delete("lampiran_baru");
    var state = document.getElementById("pratinjau-keadaan");
    state.textContent = "Memperbarui pratinjau…";
    fetch(section.dataset.preview, {method: "POST", body: data, headers: {"X-Desk-Token": token},
                                    credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        var problems = section.querySelector("[data-preview-problems]");
        problems.textContent = "";
        answer.masalah.forEach(function (message) {
          var line = document.createElement("p");
          line.className = "problem";
          line.textContent = message;
          problems.appendChild(line);
        });
        if (answer.html) { section.querySelector("[data-preview-frame]").srcdoc = answer.html; }
        state.textContent = answer.html ? "Pratinjau isian formulir (tidak menyimpan apa pun)." : "Pratinjau belum bisa dibuat:";
      })
      .catch(function () { state.textContent = "Pratinjau tidak dapat dimuat; periksa server pratinjau."; });
  }

  function setUpTabs() {
    var tabs = document.querySelector("[data-tabs]");
    if (!tabs) { return; }
    tabs.hidden = false;
    var buttons = tabs.querySelectorAll("[data-tab]");
    function show(name) {
      buttons.forEach(function (b) { b.setAttribute("aria-pressed", String(b.dataset.tab === name)); });
      document.querySelectorAll("[data-tab-panel]").forEach(function (panel) {
        panel.classList.toggle("tab-hidden", panel.dataset.tabPanel !== name);
      });
      if (name === "pratinjau") { refreshPreview(); }
    }
    buttons.forEach(function (b) { b.addEventListener("click", function () { show(b.dataset.tab); }); });
    show("tulis");
  }

  function setUpConfirm() {
    document.querySelectorAll("[data-confirm]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        if (!window.confirm(button.dataset.confirm)) { event.preventDefault(); }
      });
    });
  }

  function showJob(state, job) {
    var bar = state.querySelector("progress");
    bar.max = job.total || 1;
    bar.value = job.total ? job.sent : 0;
    bar.textContent = String(job.sent);
    state.querySelector("[data-count]").textContent = job.total === null
      ? (job.running ? "Membangun situs dan menyiapkan pengiriman…" : "")
      : job.sent + " dari " + job.total + " berkas terkirim";
    var lines = state.querySelector("[data-lines]");
    lines.textContent = "";
    job.lines.forEach(function (text) {
      var line = document.createElement("p");
      line.textContent = text;
      lines.appendChild(line);
    });
    if (!job.running && job.code === 0) {
      var done = document.createElement("p");
      done.className = "done";
      done.textContent = "Selesai: situs sudah diterbitkan.";
      lines.appendChild(done);
    } else if (!job.running && job.code !== null && !job.fingerprint) {
      var failed = document.createElement("p");
      failed.className = "failed";
      failed.textContent = "Belum terbit: pengiriman berhenti karena hal di atas. Perbaiki dulu (atau minta " +
        "bantuan pengelola situs), lalu tekan Terbitkan ke situs lagi; yang sudah terkirim tidak dikirim ulang.";
      lines.appendChild(failed);
    }
    var question = state.querySelector("[data-question]");
    question.hidden = !job.fingerprint || job.running;
    question.querySelector("[data-fingerprint]").value = job.fingerprint;
    question.querySelector("[data-fingerprint-text]").textContent = job.fingerprint;
    question.querySelector("[data-host]").textContent = job.host;
  }

  function poll(state) {
    fetch(state.dataset.status, {credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(function (job) {
        showJob(state, job);
        if (job.running) { window.setTimeout(function () { poll(state); }, 400); }
      });
  }

  function setUpPublish() {
    var state = document.querySelector("[data-publish-state]");
    if (!state) { return; }
    document.querySelectorAll('form[action$="/terbit"]').forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var data = new FormData(form);
        data.delete("csrf");
        var trust = data.get("percayai");
        var address = form.action + (trust ? "?percayai=" + encodeURIComponent(trust) : "");
        fetch(address, {method: "POST", headers: {"X-Desk-Token": token}, credentials: "same-origin"})
          .then(function (response) { return response.json(); })
          .then(function (job) { showJob(state, job); poll(state); });
      });
    });
    poll(state);
  }

  // Saving ten phone photos takes a while: the button says so, and a second click does not send the form twice.
  function setUpSaving(form) {
    var button = form.querySelector("[data-save]");
    var said = form.querySelector("[data-save-state]");
    var sending = false;
    form.addEventListener("submit", function (event) {
      if (sending) { event.preventDefault(); return; }
      sending = true;
      if (button) {
        button.setAttribute("aria-disabled", "true");
        button.textContent = "Menyimpan\u2026";
      }
      if (said) { said.textContent = "Menyimpan berita dan fotonya; foto besar dari ponsel bisa perlu setengah menit. Jangan tutup halaman ini."; }
    });
  }

  // What was typed is copied to this browser's storage as it is typed, so a tab closed, a browser that crashed or a
  // laptop whose battery ran out before Simpan loses nothing: the form offers it back (as WordPress's autosave
  // does). The copy goes once the save it was part of went through, or when the person throws it away.
  var BACKUP_FIELDS = ["judul", "tanggal", "menu", "kategori", "tag", "ringkasan", "acara_mulai", "acara_selesai",
                       "acara_tempat", "isi", "youtube", "utama_sampai"];
  var ITEM_FIELDS = ["keterangan", "alt", "kredit", "lampiran_judul", "lampiran_jenis", "lampiran_nomor",
                     "lampiran_tanggal", "lampiran_tentang", "lampiran_kip"];

  // A copy per tab (two tabs writing two new posts, or the same post, keep one each): "meja-redaksi:<file or
  // baru-post>:<tab>". The tab's id lives in sessionStorage, so a reload keeps writing the same copy.
  function backupPrefix(form) {
    return "meja-redaksi:" + (form.elements.key.value || "baru-" + form.elements.jenis.value) + ":";
  }

  function tabId(storage) {
    var id = window.sessionStorage.getItem("meja-redaksi:tab");
    if (!id || alive(storage, id)) {    // a duplicated tab copies sessionStorage: the original is still alive
      id = Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
      window.sessionStorage.setItem("meja-redaksi:tab", id);
    }
    return id;
  }

  // Each open form says every few seconds that its tab is alive, and takes that back when the tab closes: the copy
  // of a tab that is still open is not offered to another (a crashed tab's word runs out within seconds).
  var ALIVE = "meja-redaksi:hidup:";
  function keepAlive(storage, tab) {
    var beat = function () { try { storage.setItem(ALIVE + tab, String(Date.now())); } catch (e) { /* full */ } };
    beat();
    window.setInterval(beat, 4000);
    window.addEventListener("pagehide", function () { storage.removeItem(ALIVE + tab); });
  }

  function alive(storage, tab) {
    return Date.now() - Number(storage.getItem(ALIVE + tab) || 0) < 10000;
  }

  // The copy to offer: this tab's own, or one of a tab no longer open, newest first; none that says what the form
  // says already.
  function offered(storage, prefix, own, shown) {
    var best = null;
    for (var i = 0; i < storage.length; i++) {
      var name = storage.key(i);
      if (!name || name.indexOf(prefix) !== 0) { continue; }
      var kept = null;
      try { kept = JSON.parse(storage.getItem(name)); } catch (e) { kept = null; }
      if (!kept || !kept.values || JSON.stringify(kept.values) === shown) { continue; }
      if (name !== own && alive(storage, name.slice(prefix.length))) { continue; }
      if (!best || kept.at > best.kept.at) { best = {name: name, kept: kept}; }
    }
    return best;
  }

  function formValues(form) {
    var values = {fields: {}, items: {}};
    BACKUP_FIELDS.forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field && field.value !== undefined) { values.fields[name] = field.value; }
    });
    var status = form.querySelector('input[name="status"]:checked');
    values.fields.status = status ? status.value : "";
    var hidden = form.elements.namedItem("sampul_sembunyi");
    if (hidden) { values.fields.sampul_sembunyi = hidden.checked ? "1" : ""; }
    form.querySelectorAll(".item[data-name]").forEach(function (item) {
      var own = {};
      ITEM_FIELDS.forEach(function (name) {
        var field = item.querySelector('[name="' + name + '"]');
        if (field) { own[name] = field.value; }
      });
      values.items[item.dataset.name] = own;
    });
    return values;
  }

  function putValues(form, values) {
    Object.keys(values.fields).forEach(function (name) {
      if (name === "status") {
        var radio = form.querySelector('input[name="status"][value="' + values.fields.status + '"]');
        if (radio) { radio.checked = true; }
      } else if (name === "sampul_sembunyi") {
        var box = form.elements.namedItem(name);
        if (box) { box.checked = values.fields[name] === "1"; }
      } else {
        var field = form.elements.namedItem(name);
        if (field) { field.value = values.fields[name]; }
      }
    });
    form.querySelectorAll(".item[data-name]").forEach(function (item) {
      var own = values.items[item.dataset.name] || {};
      Object.keys(own).forEach(function (name) {
        var field = item.querySelector('[name="' + name + '"]');
        if (field) { field.value = own[name]; }
      });
    });
  }

  function setUpBackup(form) {
    var storage;
    try { storage = window.localStorage; storage.length; } catch (e) { return; }   // storage turned off
    var prefix = backupPrefix(form);
    var tab = tabId(storage);
    var key = prefix + tab;
    keepAlive(storage, tab);
    var params = new URLSearchParams(window.location.search);
    var sent = window.sessionStorage.getItem("meja-redaksi:dikirim");
    // the save went through (or its changes were thrown away for the version on disk): this tab's copy goes
    if (sent && (params.has("disimpan") || params.has("dibuang") || form.hasAttribute("data-saved"))) {
      storage.removeItem(sent);
    }
    window.sessionStorage.removeItem("meja-redaksi:dikirim");
    var found = offered(storage, prefix, key, JSON.stringify(formValues(form)));
    if (found) {          // restored, it becomes this tab's copy (and goes with this tab's save)
      offerBackup(form, storage, found.name, found.kept, function () {
        try { storage.setItem(key, storage.getItem(found.name)); } catch (e) { return; }
        if (found.name !== key) { storage.removeItem(found.name); }
      });
    }
    var timer = null;
    form.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        try {
          storage.setItem(key, JSON.stringify({at: new Date().toISOString(), version: form.elements.version.value,
                                               values: formValues(form)}));
        } catch (e) { /* storage full: the beforeunload question still guards */ }
      }, 800);
    });
    form.addEventListener("submit", function () {
      window.clearTimeout(timer);
      window.sessionStorage.setItem("meja-redaksi:dikirim", key);
    });
  }

  function offerBackup(form, storage, key, kept, adopt) {
    var when = new Date(kept.at);
    var box = document.createElement("div");
    box.className = "notice warning";
    box.setAttribute("role", "alert");
    var text = document.createElement("p");
    text.textContent = "Ada isian yang belum disimpan, diketik di peramban ini pada " +
      when.toLocaleString("id-ID", {dateStyle: "long", timeStyle: "short"}) +
      " (mungkin halaman tertutup atau laptop mati sebelum Simpan). Pulihkan isian itu ke formulir ini?";
    var here = formValues(form).items;
    var gone = Object.keys(kept.values.items || {}).filter(function (name) { return !(name in here); });
    if (gone.length) {
      text.textContent += " Berkas yang belum tersimpan bersama berita perlu diunggah lagi: " + gone.join(", ") + ".";
    }
    var restore = document.createElement("button");
    restore.type = "button";
    restore.textContent = "Pulihkan isian itu";
    var drop = document.createElement("button");
    drop.type = "button";
    drop.textContent = "Buang";
    var buttons = document.createElement("p");
    buttons.append(restore, " ", drop);
    box.append(text, buttons);
    form.insertBefore(box, form.firstChild);
    restore.addEventListener("click", function () {
      putValues(form, kept.values);
      adopt();                  // this tab goes on writing that copy, and takes it away once its save went through
      // the version the copy was typed over: a file changed since then is shown side by side on saving
      if (kept.version !== undefined) { form.elements.version.value = kept.version; }
      box.remove();
      form.dispatchEvent(new Event("input", {bubbles: true}));
      form.elements.namedItem("judul").focus();
    });
    drop.addEventListener("click", function () {
      storage.removeItem(key);
      box.remove();
      form.elements.namedItem("judul").focus();
    });
  }

  // The settings page's lists of links: "Tambah baris" adds an empty row (the page's own <template>, its ids numbered
  // anew), "Hapus baris" takes one out. Without JavaScript the page has two empty rows and a row is removed by
  // emptying it.
  function setUpRows(form) {
    form.querySelectorAll("[data-add-row], [data-remove-row]").forEach(function (button) { button.hidden = false; });
    form.querySelectorAll("[data-color-for]").forEach(function (picker) {     // the palette beside the colour's code
      var text = document.getElementById(picker.dataset.colorFor);
      picker.hidden = false;
      picker.addEventListener("input", function () { text.value = picker.value; });
      text.addEventListener("input", function () {
        if (/^#[0-9a-fA-F]{6}$/.test(text.value.trim())) { picker.value = text.value.trim().toLowerCase(); }
      });
    });
    form.addEventListener("click", function (event) {
      var add = event.target.closest("[data-add-row]");
      var remove = event.target.closest("[data-remove-row]");
      if (add) {
        var kind = add.getAttribute("data-add-row");
        var holder = document.createElement("ol");
        holder.innerHTML = document.getElementById("templat-" + kind).innerHTML.split("__N__").join(String(++counter));
        var row = holder.querySelector("li");
        row.querySelectorAll("[data-remove-row]").forEach(function (b) { b.hidden = false; });
        form.querySelector('[data-rows="' + kind + '"]').appendChild(row);
        row.querySelector("input").focus();
      } else if (remove) {
        var item = remove.closest("[data-row]");
        var list = item.parentNode;
        var next = item.nextElementSibling || item.previousElementSibling;
        item.remove();
        var focus = next ? next.querySelector("input") : list.parentNode.querySelector("[data-add-row]");
        if (focus) { focus.focus(); }
      }
    });
    form.addEventListener("submit", function () {
      var button = form.querySelector("[data-save]");
      button.setAttribute("aria-disabled", "true");
      button.textContent = "Menyimpan\u2026";
    });
  }

  function guardLeaving(form) {   // typed but not saved: the browser asks before leaving the page
    var dirty = false;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) { event.preventDefault(); event.returnValue = ""; }
    });
  }

  function setUp() {
    var settings = document.getElementById("pengaturan");
    if (settings) {
      setUpRows(settings);
      guardLeaving(settings);
      // a file let go beside the logo's field would be opened by the browser in place of the page
      document.addEventListener("dragover", function (event) { if (carriesFiles(event)) { event.preventDefault(); } });
      document.addEventListener("drop", function (event) {
        if (carriesFiles(event) && !(event.target instanceof HTMLInputElement && event.target.type === "file")) {
          event.preventDefault();
        }
      });
    }
    var form = document.getElementById("formulir");
    if (form) {
      previewForm = form;
      setUpDrops(form);
      setUpItems(form);
      setUpToolbar(form);
      form.addEventListener("input", schedulePreview);
      setUpSaving(form);
      setUpBackup(form);
      guardLeaving(form);
      form.addEventListener("change", schedulePreview);
      setUpTabs();
      refreshPreview();
    }
    setUpConfirm();
    setUpPublish();
  }

  setUp();
}());
