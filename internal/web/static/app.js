// PPKS web application: small progressive enhancements. Every page works without this
// file; with it, filters apply on change, a bulk verification reports its progress record
// by record, and long requests (a report build, a year lock) say that they are working.
(function () {
  "use strict";

  // Filters that apply as soon as a choice changes.
  document.querySelectorAll("form.auto-submit select").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  });

  // "Select all on this page".
  document.querySelectorAll("button.select-all").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var boxes = btn.form.querySelectorAll('input[type="checkbox"][name="' + btn.dataset.target + '"]');
      var all = Array.prototype.every.call(boxes, function (b) { return b.checked; });
      boxes.forEach(function (b) { b.checked = !all; });
      btn.textContent = all ? "Pilih semua di halaman ini" : "Batalkan pilihan";
    });
  });

  // Bulk verification: one request per record, with a progress bar; the form posts as a
  // whole when scripts are off.
  var bulk = document.getElementById("form-massal");
  if (bulk && window.fetch && window.FormData) {
    bulk.addEventListener("submit", function (ev) {
      var chosen = Array.prototype.filter.call(bulk.querySelectorAll('input[name="pilih"]'), function (b) { return b.checked; });
      if (chosen.length === 0) { return; } // the server says what to do
      ev.preventDefault();
      var bar = document.getElementById(bulk.dataset.progress);
      var text = document.getElementById(bulk.dataset.progress + "-teks");
      var csrf = bulk.querySelector('input[name="csrf"]').value;
      var back = bulk.querySelector('input[name="kembali"]').value;
      bar.hidden = false; bar.max = chosen.length; bar.value = 0;
      bulk.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
      var done = 0, failed = 0, firstError = "";
      var next = function (i) {
        if (i >= chosen.length) {
          text.textContent = "Selesai: " + done + " diverifikasi" + (failed ? ", " + failed + " gagal (" + firstError + ")" : "") + ".";
          window.setTimeout(function () { window.location = bulk.action.replace(/\/massal$/, "") + (back ? "?" + back : ""); }, 900);
          return;
        }
        var body = new FormData();
        body.append("csrf", csrf);
        fetch(chosen[i].dataset.verify, { method: "POST", body: body, credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (r) { return r.json().then(function (j) { return { ok: r.ok && j.ok, message: j.message }; }); })
          .catch(function () { return { ok: false, message: "jaringan terputus" }; })
          .then(function (res) {
            if (res.ok) { done++; chosen[i].closest("tr").classList.add("done"); } else { failed++; firstError = firstError || res.message; }
            bar.value = i + 1;
            text.textContent = (i + 1) + " dari " + chosen.length + " diproses…";
            next(i + 1);
          });
      };
      next(0);
    });
  }

  // Long requests: say that the work is under way.
  document.querySelectorAll("form[data-busy]").forEach(function (f) {
    f.addEventListener("submit", function () {
      var busy = f.querySelector(".busy");
      if (busy) { busy.hidden = false; busy.querySelector("span").textContent = f.dataset.busy; }
    });
  });
  document.querySelectorAll("a.download[data-busy]").forEach(function (a) {
    a.addEventListener("click", function () {
      var busy = document.getElementById("unduh-sibuk");
      if (!busy) { return; }
      busy.hidden = false;
      busy.querySelector("span").textContent = a.dataset.busy + " Unduhan mulai sebentar lagi.";
      window.setTimeout(function () { busy.hidden = true; }, 8000);
    });
  });

  document.querySelectorAll("button.print-button").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
})();
