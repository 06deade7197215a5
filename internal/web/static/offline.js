// PPKS field work without a signal (issue 14), on a worker's pages:
//  - registers the service worker (sw.js), which keeps the application shell;
//  - keeps the worker's area in the browser (sync.js) and the sync bar up to date;
//  - sends the worker's forms (register a person, open a case, record an intervention,
//    correct a person or an intervention) through the queue: at once when the service
//    answers, later when it does not;
//  - draws the pages from the phone's data in the shell (/app/luring/...), when a page
//    cannot be loaded: people of the area, a person, the forms, the sync page and the
//    conflict screen;
//  - signs out by first deleting the area's data from the phone.
(function () {
  "use strict";
  var D = self.PPKSData;
  var body = document.body;
  if (!D || !window.indexedDB || !body || !body.dataset.luring) { return; }

  var P = "/app";
  var L = "/app/luring";
  var shellRoot = document.getElementById("luring");
  var serverUser = body.dataset.pengguna || ""; // a page of the service, signed in
  var state = { online: navigator.onLine, syncing: false, download: null, expired: false, error: "" };
  var session = null;

  // ---- Text in Bahasa Indonesia -------------------------------------------------------

  var MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"];
  // fieldName is a field's name as the service's pages write it (the session's fieldLabels).
  function fieldName(f) { return (session && session.fieldLabels && session.fieldLabels[f]) || f; }
  var VERIF = {
    VERIFICATION_STATE_PENDING: "menunggu verifikasi", VERIFICATION_STATE_VERIFIED: "terverifikasi",
    VERIFICATION_STATE_REJECTED: "ditolak supervisor"
  };

  function esc(s) {
    return String(s === undefined || s === null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }
  function num(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "."); }
  function fmtDate(d) {
    if (!d || !d.year) { return ""; }
    if (!d.month) { return String(d.year); }
    if (!d.day) { return MONTHS[d.month - 1] + " " + d.year; }
    return d.day + " " + MONTHS[d.month - 1] + " " + d.year;
  }
  // fmtTime writes a time in the office's time zone (WITA for Gowa), as the service does,
  // whatever the phone's own setting: "5 Juni 2025, 08.30", or "hari ini 08.30".
  function fmtTime(iso) {
    var t = new Date(iso);
    if (isNaN(t)) { return ""; }
    var parts = function (d) {
      var out = {};
      try {
        new Intl.DateTimeFormat("en-GB", { timeZone: (session && session.timeZone) || undefined, year: "numeric", month: "numeric",
          day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(d).forEach(function (p) { out[p.type] = p.value; });
      } catch (e) {
        out = { year: d.getFullYear(), month: d.getMonth() + 1, day: d.getDate(), hour: ("0" + d.getHours()).slice(-2), minute: ("0" + d.getMinutes()).slice(-2) };
      }
      return out;
    };
    var a = parts(t), now = parts(new Date());
    var clock = a.hour + "." + a.minute;
    if (a.year === now.year && a.month === now.month && a.day === now.day) { return "hari ini " + clock; }
    return (+a.day) + " " + MONTHS[+a.month - 1] + " " + a.year + ", " + clock;
  }
  function isoOf(d) {
    if (!d || !d.year || !d.month || !d.day) { return ""; }
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.year + "-" + two(d.month) + "-" + two(d.day);
  }
  function dateOf(s) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(s || "").trim());
    return m ? { year: +m[1], month: +m[2], day: +m[3] } : null;
  }
  function ref(list, code) {
    var hit = (session && session[list] || []).filter(function (x) { return x.code === code; })[0];
    return hit ? hit.name : code;
  }
  function sexLabel(s) { return { SEX_MALE: "Laki-laki", SEX_FEMALE: "Perempuan", MALE: "Laki-laki", FEMALE: "Perempuan" }[s] || "–"; }
  // value shows a field's value as the history and the conflicts write it.
  function value(field, v) {
    if (v === undefined || v === null || v === "") { return "(kosong)"; }
    switch (field) {
      case "sex": return sexLabel(v);
      case "kecamatan_code": return ref("allKecamatan", v);
      case "intervention_type": return ref("interventionTypes", v);
      case "ppks_type": return ref("ppksTypes", v);
      case "birth_date": case "delivered_on": case "opened_on":
        var p = String(v).split("-").map(Number);
        return fmtDate({ year: p[0], month: p[1] || 0, day: p[2] || 0 });
    }
    return String(v);
  }

  // The sync state of a record, in the words of the issue.
  function badge(entry) {
    if (!entry || entry.state === "sent") {
      return '<span class="badge sync sync-sent">terkirim</span>' + (entry && entry.note ? ' <span class="muted">' + esc(entry.note) + "</span>" : "");
    }
    switch (entry.state) {
      case "waiting":
        return '<span class="badge sync sync-waiting">menunggu dikirim</span>' + (entry.message ? ' <span class="muted">' + esc(entry.message) + "</span>" : "");
      case "conflict":
        return '<a class="badge sync sync-conflict" href="' + P + "/sinkron/konflik/" + entry.seq + '">konflik, perlu diselesaikan</a>';
      case "refused":
        return '<span class="badge sync sync-refused">ditolak: ' + esc(entry.message || "tidak diterima") + "</span>";
    }
    return "";
  }

  // ---- The flash message and the sync bar ---------------------------------------------

  function flash(msg) { try { sessionStorage.setItem("ppks-pesan", msg); } catch (e) { /* private mode */ } }
  function showFlash() {
    var msg = "";
    try { msg = sessionStorage.getItem("ppks-pesan") || ""; sessionStorage.removeItem("ppks-pesan"); } catch (e) { return; }
    if (!msg || document.querySelector("main .flash")) { return; }
    var div = document.createElement("div");
    div.className = "flash";
    div.setAttribute("role", "status");
    div.textContent = msg;
    var main = document.querySelector("main");
    main.insertBefore(div, main.firstChild);
  }

  var bar = document.createElement("div");
  bar.id = "status-sinkron";
  bar.className = "sync-bar";
  bar.setAttribute("role", "status");
  bar.setAttribute("aria-live", "polite");
  document.querySelector("main").insertBefore(bar, document.querySelector("main").firstChild);

  async function drawBar() {
    var c = await D.counts().catch(function () { return { waiting: 0, sent: 0, conflict: 0, refused: 0 }; });
    var last = await D.getMeta("lastPull").catch(function () { return ""; });
    var parts = [];
    parts.push('<span class="sync-net ' + (state.online ? "on" : "off") + '">' + (state.online ? "Tersambung" : "Tanpa sinyal") + "</span>");
    if (state.download) {
      parts.push("<span>Mengunduh data wilayah… " + num(state.download) + " data</span>");
    } else if (state.syncing) {
      parts.push("<span>Menyinkronkan…</span>");
    }
    parts.push('<span><strong id="jumlah-menunggu">' + c.waiting + "</strong> menunggu dikirim</span>");
    if (c.conflict) { parts.push('<span class="sync-conflict-text"><strong id="jumlah-konflik">' + c.conflict + "</strong> konflik, perlu diselesaikan</span>"); }
    if (c.refused) { parts.push('<span class="sync-refused-text"><strong id="jumlah-ditolak">' + c.refused + "</strong> ditolak</span>"); }
    parts.push('<span><strong id="jumlah-terkirim">' + c.sent + "</strong> terkirim</span>");
    if (state.expired) { parts.push('<span class="sync-refused-text">Sesi berakhir: <a href="' + P + '/masuk">masuk lagi</a> untuk mengirim</span>'); }
    if (state.error) { parts.push('<span class="sync-refused-text">' + esc(state.error) + "</span>"); }
    parts.push(last ? '<span class="muted">data wilayah ' + esc(fmtTime(last)) + "</span>" : '<span class="muted">data wilayah belum diunduh</span>');
    parts.push('<a href="' + P + '/sinkron">Sinkronisasi</a>');
    bar.innerHTML = parts.join(" · ");
    bar.dataset.menunggu = c.waiting;
    bar.dataset.terkirim = c.sent;
    bar.dataset.siap = last ? "1" : "";
  }

  // ---- Synchronising ------------------------------------------------------------------

  var retryTimer = null;
  var retryDelay = 5000;
  // sync sends the queue and then pulls what changed, and redraws.
  async function sync() {
    if (state.syncing) { return; }
    state.syncing = true;
    drawBar();
    try {
      if (!session || serverUser || !state.sessionChecked) {
        session = await D.refreshSession();
        state.sessionChecked = true;
      }
      state.expired = false;
      state.error = "";
      await D.push();
      state.online = true;
      await D.prune();
      await D.pull(function (n, more) { state.download = more ? n : null; drawBar(); });
      state.download = null;
      retryDelay = 5000;
    } catch (e) {
      state.download = null;
      if (e instanceof D.NetworkError) {
        state.online = false;
      } else if (e instanceof D.ApiError && e.status === 401) {
        state.online = true;
        state.expired = true;
      } else if (e instanceof D.ApiError) {
        state.online = true;
        state.error = e.message;
      } else {
        state.error = String(e && e.message || e);
      }
      scheduleRetry();
    } finally {
      state.syncing = false;
      await drawBar();
      if (shellRoot) { redraw(); } else { notePerson(); }
    }
  }

  // redraw draws the shell's page again after a sync when what it shows changed, and never
  // a form (it would drop what the user is typing).
  var shown = "";
  async function redraw() {
    var p = path();
    if (/\/(baru|ubah)$|^\/sinkron\/konflik\//.test(p)) { return; }
    var sig = await signature();
    if (sig !== shown) { route(); }
  }
  // signature sums up what the shell's pages show: the queue's states and how many records
  // the replica holds (a page is not redrawn for every pull: it would move under the
  // user's finger).
  async function signature() {
    var r = await Promise.all([D.outbox(), D.count("people"), D.count("cases"), D.count("interventions")]);
    return JSON.stringify([r[0].map(function (e) { return e.seq + e.state; }), r[1], r[2], r[3]]);
  }
  function scheduleRetry() {
    if (retryTimer) { return; }
    retryTimer = setTimeout(function () { retryTimer = null; sync(); }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 60000);
  }
  window.addEventListener("online", function () {
    state.online = true;
    retryDelay = 5000;
    clearTimeout(retryTimer);
    retryTimer = null;
    sync();
  });
  window.addEventListener("offline", function () { state.online = false; drawBar(); });
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { sync(); } });
  setInterval(function () { if (!document.hidden) { sync(); } }, 60000);

  // sendNow sends the queue after a form, and says whether the service answered.
  async function sendNow() {
    try {
      if (!session) { session = await D.refreshSession(); }
      await D.push();
      state.online = true;
      return true;
    } catch (e) {
      if (e instanceof D.NetworkError) { state.online = false; }
      if (e instanceof D.ApiError && e.status === 401) { state.expired = true; }
      scheduleRetry();
      return false;
    } finally {
      drawBar();
    }
  }

  // ---- The phone's view: the replica with the queue on top ----------------------------

  // view reads what a page shows: every person of the area, or one person with their
  // cases and interventions (an area holds tens of thousands of interventions: a page
  // reads only its person's, through the indexes).
  async function view(personId) {
    var r = personId
      ? await Promise.all([D.get("people", personId).then(function (b) { return b ? [b] : []; }),
        D.getAll("cases", "person", personId), D.getAll("interventions", "person", personId), D.outbox()])
      : await Promise.all([D.getAll("people"), [], [], D.outbox()]);
    var v = { people: {}, cases: {}, interventions: {}, outbox: r[3], bySeq: {} };
    r[0].forEach(function (x) { v.people[x.id] = x; });
    r[1].forEach(function (x) { v.cases[x.id] = x; });
    r[2].forEach(function (x) { v.interventions[x.id] = x; });
    r[3].forEach(function (e) {
      v.bySeq[e.seq] = e;
      var store = { createBeneficiary: "people", updateBeneficiary: "people", createCase: "cases", createIntervention: "interventions", updateIntervention: "interventions" }[e.kind];
      var map = v[store];
      if (e.kind.indexOf("create") === 0) {
        if (e.state !== "sent" || !map[e.recordId]) {
          map[e.recordId] = Object.assign({}, e.record, { id: e.recordId, personId: e.personId, caseId: e.caseId, _entry: e, _local: e.state !== "sent" });
        } else {
          map[e.recordId] = Object.assign({}, map[e.recordId], { _entry: e });
        }
      } else if (map[e.recordId] && e.state !== "sent") {
        map[e.recordId] = Object.assign({}, map[e.recordId], e.record, { _entry: e });
      }
    });
    return v;
  }
  function childrenOf(map, personId) {
    return Object.keys(map).map(function (k) { return map[k]; }).filter(function (x) { return x.personId === personId; });
  }

  // ---- Building the queue's entries from the forms ------------------------------------

  function trim(v) { return String(v === null || v === undefined ? "" : v).trim().replace(/\s+/g, " "); }
  function digits(v) { return String(v || "").replace(/\s+/g, ""); }

  // personOf reads the person form's fields (a FormData or a plain map).
  function personOf(get) {
    var b = {
      fullName: trim(get("full_name")), sex: { L: "SEX_MALE", P: "SEX_FEMALE" }[get("sex")] || "SEX_UNSPECIFIED",
      kecamatanCode: trim(get("kecamatan_code")), desa: trim(get("desa")), address: trim(get("address")),
      nik: digits(get("nik")), kkNumber: digits(get("kk_number"))
    };
    var d = dateOf(get("birth_date"));
    var y = trim(get("birth_year"));
    if (d) { b.birthDate = d; } else if (/^\d{4}$/.test(y)) { b.birthDate = { year: +y }; }
    return b;
  }
  function checkPerson(b, get) {
    var e = {};
    if (!b.fullName) { e.full_name = "Wajib diisi."; }
    if (b.sex === "SEX_UNSPECIFIED") { e.sex = "Wajib diisi."; }
    if (!b.kecamatanCode) { e.kecamatan_code = "Wajib diisi."; }
    if (trim(get("birth_date")) && !b.birthDate) { e.birth_date = "Tanggal tidak valid."; }
    if (!trim(get("birth_date")) && trim(get("birth_year")) && !/^\d{4}$/.test(trim(get("birth_year")))) { e.birth_date = "Tahun lahir tidak valid."; }
    return e;
  }
  function interventionOf(get) {
    var iv = { interventionType: trim(get("intervention_type")), unit: trim(get("unit")), notes: String(get("notes") || "").trim(),
      kecamatanCode: trim(get("kecamatan_code")) };
    var d = dateOf(get("delivered_on"));
    if (d) { iv.deliveredOn = d; }
    var q = trim(get("quantity")).replace(/\./g, "");
    iv.quantity = q === "" ? 0 : (/^-?\d+$/.test(q) ? parseInt(q, 10) : NaN);
    return iv;
  }
  function checkIntervention(iv) {
    var e = {};
    if (!iv.interventionType) { e.intervention_type = "Wajib diisi."; }
    if (!iv.deliveredOn) { e.delivered_on = "Tanggal tidak valid."; }
    if (isNaN(iv.quantity)) { e.quantity = "Harus berupa bilangan bulat."; }
    return e;
  }

  // The fields of a person and of an intervention a correction may change, as update
  // mask paths and as the JSON of the protocol.
  var PERSON_FIELDS = [["full_name", "fullName"], ["sex", "sex"], ["birth_date", "birthDate"], ["kecamatan_code", "kecamatanCode"],
    ["desa", "desa"], ["address", "address"], ["kk_number", "kkNumber"], ["nik", "nik"]];
  var IV_FIELDS = [["intervention_type", "interventionType"], ["delivered_on", "deliveredOn"], ["kecamatan_code", "kecamatanCode"],
    ["quantity", "quantity"], ["unit", "unit"], ["notes", "notes"]];
  function same(a, b) { return JSON.stringify(a === undefined ? null : a) === JSON.stringify(b === undefined ? null : b); }
  // changes lists the fields of patch that differ from base: a correction sends only what
  // the user changed, so a change made in the office to another field is kept.
  function changes(fields, patch, base) {
    return fields.filter(function (f) {
      if (f[0] === "nik" && !patch.nik) { return false; } // a masked NIK is never sent back
      var a = patch[f[1]], b = base[f[1]];
      if (f[1] === "birthDate" || f[1] === "deliveredOn") { return !same(a || null, b || null); }
      return String(a === undefined || a === null ? "" : a) !== String(b === undefined || b === null ? "" : b);
    });
  }

  // ---- Showing a form's errors ---------------------------------------------------------

  function clearErrors(form) {
    form.querySelectorAll(".field-error.luring").forEach(function (p) { p.remove(); });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    var top = form.querySelector(".notice.luring");
    if (top) { top.remove(); }
  }
  function showErrors(form, errors, message) {
    var first = null;
    Object.keys(errors).forEach(function (f) {
      var el = form.elements[f] || (f === "birth_date" ? form.elements.birth_date : null);
      var p = document.createElement("p");
      p.className = "field-error luring";
      p.id = f + "-galat";
      p.textContent = errors[f];
      var old = document.getElementById(p.id);
      if (old) { old.remove(); }
      var box = el && (el.length !== undefined && !el.tagName ? el[0] : el);
      var field = box ? box.closest(".field, fieldset") : null;
      if (field) {
        field.appendChild(p);
        if (box.setAttribute) { box.setAttribute("aria-invalid", "true"); box.setAttribute("aria-describedby", p.id); }
        first = first || box;
      } else {
        message = (message ? message + " " : "") + fieldName(f) + ": " + errors[f];
      }
    });
    if (message) {
      var n = document.createElement("div");
      n.className = "notice notice-error luring";
      n.setAttribute("role", "alert");
      n.textContent = message;
      form.insertBefore(n, form.firstChild);
      first = first || n;
    }
    if (first && first.focus) { first.focus(); }
  }

  // ---- Submitting a form through the queue ---------------------------------------------

  // submit queues the entry the form makes, sends the queue, and goes on as the result
  // says: to the record's page (the service's when it was sent, the phone's when it
  // waits), to the conflict screen, or back to the form with the refusal at its fields.
  async function submit(form, make) {
    clearErrors(form);
    var fd = new FormData(form);
    var get = function (k) { return fd.get(k); };
    var made = await make(get);
    if (!made) { return; }
    if (made.errors) { showErrors(form, made.errors, made.message); return; }
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    try {
      var entry = made.entry;
      if (made.replace) {
        Object.assign(made.replace, entry, { seq: made.replace.seq, state: "waiting", message: "", fields: null, conflicts: null });
        await D.putEntry(made.replace);
        entry = made.replace;
      } else {
        entry.seq = await D.enqueue(entry);
      }
      var answered = await sendNow();
      var now = await D.get("outbox", entry.seq);
      if (answered && now && now.state === "refused") {
        await D.deleteEntry(now.seq); // the form is still here: fix it and send again
        drawBar();
        if (serverUser && (now.reason === "NIK_EXISTS" || now.reason === "NIK_REGISTERED_ELSEWHERE")) {
          // The service's own page says what to do: open the record, or ask for a transfer.
          HTMLFormElement.prototype.submit.call(form);
          return;
        }
        showErrors(form, now.fields || {}, Object.keys(now.fields || {}).length ? "" : "Ditolak: " + now.message);
        return;
      }
      if (now && now.state === "conflict") {
        location.assign(P + "/sinkron/konflik/" + now.seq);
        return;
      }
      if (answered && now && now.state === "sent") {
        flash(made.done);
        location.assign(made.online);
        return;
      }
      flash(made.done.split(".")[0] + ". " + (state.expired ? "Tersimpan di perangkat ini; sesi Anda berakhir: masuk lagi agar terkirim."
        : "Tersimpan di perangkat ini dan dikirim otomatis saat ada sinyal."));
      location.assign(made.offline);
    } finally {
      buttons.forEach(function (b) { b.disabled = false; });
    }
  }

  // The forms of the worker's pages, by the path they post to.
  var FORMS = [
    [/^\/app\/(?:luring\/)?penerima\/baru$/, registerPerson],
    [/^\/app\/(?:luring\/)?penerima\/([^/]+)\/kasus$/, openCase],
    [/^\/app\/(?:luring\/)?penerima\/([^/]+)\/kasus\/([^/]+)\/intervensi\/baru$/, recordIntervention],
    [/^\/app\/(?:luring\/)?penerima\/([^/]+)\/ubah$/, correctPerson],
    [/^\/app\/(?:luring\/)?penerima\/([^/]+)\/kasus\/([^/]+)\/intervensi\/([^/]+)\/ubah$/, correctIntervention]
  ];
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (form.matches('form[action$="/keluar"]')) { signOut(ev, form); return; }
    if ((form.method || "").toLowerCase() !== "post") { return; }
    var action = new URL(form.action, location.href).pathname;
    for (var i = 0; i < FORMS.length; i++) {
      var m = FORMS[i][0].exec(action);
      if (m) {
        ev.preventDefault();
        var fn = FORMS[i][1];
        submit(form, function (get) { return fn(get, m.slice(1), form); }).catch(function (e) {
          showErrors(form, {}, "Tidak dapat menyimpan di perangkat ini: " + (e && e.message || e));
        });
        return;
      }
    }
  });

  async function registerPerson(get, _, form) {
    var b = personOf(get);
    var errors = checkPerson(b, get);
    if (Object.keys(errors).length) { return { errors: errors }; }
    var editing = +(form.dataset.ubah || 0);
    // A person without NIK may be registered already: the likely matches first.
    if (!b.nik && get("yakin") !== "1" && !editing) {
      var found = await likelyMatches(b, form);
      if (found) { return null; }
    }
    var id = D.uuid();
    var entry = {
      kind: "createBeneficiary", rid: D.uuid(), recordId: id, personId: id, label: b.fullName,
      record: Object.assign({ name: "beneficiaries/" + id }, b), item: null
    };
    var old = editing ? await D.get("outbox", editing) : null;
    if (old) { id = entry.recordId = entry.personId = old.recordId; entry.record.name = "beneficiaries/" + id; }
    entry.item = { createBeneficiary: { requestId: entry.rid, beneficiaryId: id, beneficiary: b } };
    return {
      entry: entry, replace: old, done: "Penerima sudah terdaftar. Buka kasus untuk mencatat layanan.",
      online: P + "/penerima/" + id, offline: L + "/penerima/" + id
    };
  }

  // likelyMatches shows the people this one may be: the service's search when it answers
  // (its own page, as without the script), else a search of the phone's data. It returns
  // true when the user is to look first.
  async function likelyMatches(b, form) {
    if (serverUser) {
      try {
        var r = await D.api("POST", "mirip", { beneficiary: b });
        if ((r.candidates || []).length) { HTMLFormElement.prototype.submit.call(form); return true; }
        return false;
      } catch (e) {
        if (!(e instanceof D.NetworkError)) { return false; }
      }
    }
    var v = await view();
    var key = fold(b.fullName);
    var hits = Object.keys(v.people).map(function (k) { return v.people[k]; }).filter(function (p) {
      var other = fold(p.fullName);
      return p.sex === b.sex && other && (other === key || other.indexOf(key) >= 0 || key.indexOf(other) >= 0);
    }).slice(0, 10);
    if (!hits.length) { return false; }
    var box = document.createElement("section");
    box.className = "notice luring";
    box.setAttribute("aria-labelledby", "mirip-judul");
    box.innerHTML = '<h2 id="mirip-judul">Mungkin orang ini sudah terdaftar</h2><p>Periksa data di perangkat ini; bila salah satunya orang yang sama, buka datanya dan catat layanan di sana.</p><ul class="plain">' +
      hits.map(function (p) {
        return '<li><a href="' + L + "/penerima/" + esc(p.id) + '">' + esc(p.fullName) + "</a>, " + esc(ref("allKecamatan", p.kecamatanCode)) +
          (p.birthDate ? ", lahir " + esc(fmtDate(p.birthDate)) : "") + "</li>";
      }).join("") + "</ul>";
    form.parentNode.insertBefore(box, form);
    var yakin = document.createElement("input");
    yakin.type = "hidden"; yakin.name = "yakin"; yakin.value = "1";
    form.appendChild(yakin);
    var btn = form.querySelector('button[type="submit"]');
    if (btn) { btn.textContent = "Bukan orang yang sama, daftarkan"; }
    box.scrollIntoView();
    return true;
  }
  // replaceOnce is Go's strings.Replacer: one pass from the left, the first pair (old,
  // new, old, new...) that matches at a position wins, and what it wrote is not looked at
  // again.
  function replaceOnce(s, pairs) {
    var out = "";
    for (var i = 0; i < s.length;) {
      var hit = -1;
      for (var j = 0; j + 1 < pairs.length; j += 2) {
        if (pairs[j] && s.startsWith(pairs[j], i)) { hit = j; break; }
      }
      if (hit < 0) { out += s[i]; i++; continue; }
      out += pairs[hit + 1];
      i += pairs[hit].length;
    }
    return out;
  }
  // fold is ppks.MatchKey, with the rules the session carries (nameFolding): lower case,
  // letters and digits only, titles dropped, spelling variants unified, old spellings
  // replaced and doubled letters collapsed.
  function fold(s) {
    var rules = (session && session.nameFolding) || { titles: [], variants: {}, oldSpellings: [] };
    var titles = {};
    rules.titles.forEach(function (t) { titles[t] = true; });
    return String(s || "").toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(function (t) { return t && !titles[t]; })
      .map(function (t) {
        if (Object.prototype.hasOwnProperty.call(rules.variants, t)) { return rules.variants[t]; }
        return replaceOnce(t, rules.oldSpellings).replace(/(.)\1+/gu, "$1");
      }).join(" ");
  }

  async function openCase(get, ids) {
    var personId = ids[0];
    var c = { ppksType: trim(get("ppks_type")), openedOn: dateOf(get("opened_on")) };
    var errors = {};
    if (!c.ppksType) { errors.ppks_type = "Wajib diisi."; }
    if (!c.openedOn) { errors.opened_on = "Tanggal tidak valid."; }
    if (Object.keys(errors).length) { return { errors: errors }; }
    var v = await view(personId);
    var person = v.people[personId];
    var id = D.uuid();
    var entry = {
      kind: "createCase", rid: D.uuid(), recordId: id, personId: personId, caseId: id,
      label: ref("ppksTypes", c.ppksType) + (person ? " · " + person.fullName : ""),
      parentSeq: person && person._local ? person._entry.seq : undefined,
      record: Object.assign({ name: "beneficiaries/" + personId + "/cases/" + id, state: "CASE_STATE_OPEN" }, c),
      item: { createCase: { requestId: "", parent: "beneficiaries/" + personId, caseId: id, "case": c } }
    };
    entry.item.createCase.requestId = entry.rid;
    return {
      entry: entry, done: "Kasus " + ref("ppksTypes", c.ppksType) + " dibuka. Catat intervensi yang diberikan.",
      online: P + "/penerima/" + personId + "/kasus/" + id + "/intervensi/baru",
      offline: L + "/penerima/" + personId + "/kasus/" + id + "/intervensi/baru"
    };
  }

  async function recordIntervention(get, ids) {
    var personId = ids[0], caseId = ids[1];
    var iv = interventionOf(get);
    var errors = checkIntervention(iv);
    if (Object.keys(errors).length) { return { errors: errors }; }
    var v = await view(personId);
    var kase = v.cases[caseId], person = v.people[personId];
    var parent = kase && kase._local ? kase._entry : person && person._local ? person._entry : null;
    var id = D.uuid();
    var entry = {
      kind: "createIntervention", rid: D.uuid(), recordId: id, personId: personId, caseId: caseId,
      label: ref("interventionTypes", iv.interventionType) + ", " + fmtDate(iv.deliveredOn) + (person ? " · " + person.fullName : ""),
      parentSeq: parent ? parent.seq : undefined,
      record: Object.assign({
        name: "beneficiaries/" + personId + "/cases/" + caseId + "/interventions/" + id, state: "INTERVENTION_STATE_ACTIVE",
        verification: "VERIFICATION_STATE_PENDING", worker: session ? session.username : ""
      }, iv, { quantity: iv.quantity || 1, kecamatanCode: iv.kecamatanCode || (person ? person.kecamatanCode : "") }),
      item: { createIntervention: { requestId: "", parent: "beneficiaries/" + personId + "/cases/" + caseId, interventionId: id, intervention: iv } }
    };
    entry.item.createIntervention.requestId = entry.rid;
    return {
      entry: entry, done: "Intervensi " + ref("interventionTypes", iv.interventionType) + " sudah dicatat dan menunggu verifikasi.",
      online: P + "/penerima/" + personId, offline: L + "/penerima/" + personId
    };
  }

  // formBase reads what a form showed when it was drawn (its fields' default values): the
  // record the correction is made against.
  function formBase(form) {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name) { return; }
      if (el.type === "radio" || el.type === "checkbox") { if (el.defaultChecked) { out[el.name] = el.value; } return; }
      if (el.tagName === "SELECT") {
        var sel = Array.prototype.filter.call(el.options, function (o) { return o.defaultSelected; })[0];
        out[el.name] = sel ? sel.value : (el.options[0] ? el.options[0].value : "");
        return;
      }
      out[el.name] = el.defaultValue;
    });
    return function (k) { return out[k] === undefined ? "" : out[k]; };
  }

  async function correctPerson(get, ids, form) {
    var personId = ids[0];
    var patch = personOf(get);
    var errors = checkPerson(patch, get);
    if (Object.keys(errors).length) { return { errors: errors }; }
    var v = await view(personId);
    var current = v.people[personId];
    // A person still waiting to be sent: the registration itself is corrected.
    if (current && current._local && current._entry.kind === "createBeneficiary") {
      form.dataset.ubah = current._entry.seq;
      var made = await registerPerson(get, [], form);
      made.done = made.done.replace("sudah terdaftar", "sudah dikoreksi");
      return made;
    }
    var base = serverUser ? personOf(formBase(form)) : shownPerson(current);
    var etag = get("etag") || (current && current.etag);
    base.nik = serverUser ? formBase(form)("masked_nik") : (current && current.nik) || "";
    var fields = changes(PERSON_FIELDS, patch, base);
    if (!fields.length) { return { errors: {}, message: "Tidak ada isian yang diubah." }; }
    var send = { name: "beneficiaries/" + personId, etag: etag };
    var record = {};
    fields.forEach(function (f) { send[f[1]] = patch[f[1]]; record[f[1]] = patch[f[1]]; });
    var rid = D.uuid();
    return {
      entry: {
        kind: "updateBeneficiary", rid: rid, recordId: personId, personId: personId, label: "Koreksi " + (patch.fullName || ""),
        record: record, base: Object.assign({ name: "beneficiaries/" + personId, etag: etag }, base),
        item: {
          updateBeneficiary: { requestId: rid, beneficiary: send, updateMask: fields.map(function (f) { return f[1]; }).join(",") },
          baseBeneficiary: Object.assign({ name: "beneficiaries/" + personId, etag: etag }, base)
        }
      },
      done: "Data penerima sudah dikoreksi.", online: P + "/penerima/" + personId, offline: L + "/penerima/" + personId
    };
  }
  function shownPerson(p) {
    var out = {};
    PERSON_FIELDS.forEach(function (f) { if (p && p[f[1]] !== undefined) { out[f[1]] = p[f[1]]; } });
    return out;
  }

  async function correctIntervention(get, ids, form) {
    var personId = ids[0], caseId = ids[1], id = ids[2];
    var patch = interventionOf(get);
    var errors = checkIntervention(patch);
    if (Object.keys(errors).length) { return { errors: errors }; }
    var base = interventionOf(formBase(form));
    var etag = get("etag");
    var fields = changes(IV_FIELDS, patch, base);
    if (!fields.length) { return { errors: {}, message: "Tidak ada isian yang diubah." }; }
    var name = "beneficiaries/" + personId + "/cases/" + caseId + "/interventions/" + id;
    var send = { name: name, etag: etag }, record = {};
    fields.forEach(function (f) { send[f[1]] = patch[f[1]]; record[f[1]] = patch[f[1]]; });
    var rid = D.uuid();
    return {
      entry: {
        kind: "updateIntervention", rid: rid, recordId: id, personId: personId, caseId: caseId, label: "Koreksi intervensi",
        record: record, base: Object.assign({ name: name, etag: etag }, base),
        item: {
          updateIntervention: { requestId: rid, intervention: send, updateMask: fields.map(function (f) { return f[1]; }).join(",") },
          baseIntervention: Object.assign({ name: name, etag: etag }, base)
        }
      },
      done: "Intervensi sudah dikoreksi.", online: P + "/penerima/" + personId, offline: L + "/penerima/" + personId
    };
  }

  // ---- Signing out --------------------------------------------------------------------

  async function signOut(ev, form) {
    ev.preventDefault();
    var c = await D.counts().catch(function () { return {}; });
    var left = (c.waiting || 0) + (c.conflict || 0) + (c.refused || 0);
    if (left && !window.confirm(left + " data belum terkirim ke kantor. Jika keluar sekarang, data itu dan seluruh data wilayah dihapus dari perangkat ini. Tetap keluar?")) {
      return;
    }
    var online = true;
    try {
      await fetch(P + "/sw.js", { method: "HEAD", cache: "no-store" });
    } catch (e) {
      online = false;
    }
    // Online the shell goes too; offline it stays (it holds nobody's data) to say what
    // happened.
    await D.wipe(!online).catch(function () { /* the service's Clear-Site-Data removes it too */ });
    if (!online) {
      // Without a signal the session cannot end at the office; the phone keeps nothing.
      // The shell stays cached to say so.
      location.assign(L + "/keluar");
      return;
    }
    if (navigator.serviceWorker) {
      var regs = await navigator.serviceWorker.getRegistrations().catch(function () { return []; });
      await Promise.all(regs.map(function (r) { return r.unregister(); }));
    }
    HTMLFormElement.prototype.submit.call(form);
  }

  // ---- A person's page of the service: what of them still waits on the phone ----------

  async function notePerson() {
    var m = /^\/app\/penerima\/([^/]+)$/.exec(location.pathname);
    if (!m || shellRoot) { return; }
    var pending = (await D.outbox()).filter(function (e) { return e.personId === m[1] && e.state !== "sent"; });
    var box = document.getElementById("antrean-penerima");
    if (!pending.length) { if (box) { box.remove(); } return; }
    if (!box) {
      box = document.createElement("section");
      box.id = "antrean-penerima";
      box.className = "notice";
      box.setAttribute("aria-label", "Data di perangkat ini");
      var anchor = document.querySelector("main .page-head") || document.querySelector("main h1");
      if (!anchor) { return; }
      anchor.after(box);
    }
    box.innerHTML = "<p><strong>Di perangkat ini:</strong></p><ul class=\"plain\">" + pending.map(function (e) {
      return "<li>" + esc(e.label) + " " + badge(e) + "</li>";
    }).join("") + '</ul><p><a href="' + P + '/sinkron">Buka sinkronisasi</a></p>';
  }

  // ---- The shell: pages drawn from the phone's data -----------------------------------

  function path() {
    var p = location.pathname.replace(/\/+$/, "");
    if (p.indexOf(L) === 0) { p = p.slice(L.length); } else if (p.indexOf(P) === 0) { p = p.slice(P.length); }
    return p || "/penerima";
  }

  var drawing = false;
  async function route() {
    if (!shellRoot || drawing) { return; }
    drawing = true;
    try {
      session = session || await D.getMeta("session");
      header();
      if (!session) {
        return draw("Data lapangan", '<div class="notice"><p>Belum ada data wilayah di perangkat ini. Saat ada sinyal, masuk lalu buka halaman Penerima: data wilayah Anda diunduh ke perangkat ini agar bisa dipakai tanpa sinyal.</p><p><a href="' + P + '/masuk">Masuk</a></p></div>');
      }
      if (session.expires && Date.now() > Date.parse(session.expires)) {
        return draw("Sesi berakhir", '<div class="notice notice-error"><p>Sesi Anda sudah berakhir, jadi data wilayah tidak ditampilkan. Data yang belum terkirim tetap tersimpan di perangkat ini. Saat ada sinyal, masuk lagi: data itu dikirim otomatis.</p><p><a href="' + P + '/masuk">Masuk lagi</a></p></div>');
      }
      var p = path(), m;
      shown = await signature();
      m = /^\/penerima\/([^/]+)(\/|$)/.exec(p);
      // Only the list and the register form (its duplicates check) need every person.
      var v = await view(m && m[1] !== "baru" ? m[1] : (p === "/penerima" || p === "/penerima/baru") ? "" : "-");
      if (p === "/penerima") { return drawPeople(v); }
      if (p === "/penerima/baru") { return drawPersonForm(v, null); }
      if ((m = /^\/penerima\/([^/]+)$/.exec(p))) { return drawPerson(v, m[1]); }
      if ((m = /^\/penerima\/([^/]+)\/ubah$/.exec(p))) { return drawPersonForm(v, m[1]); }
      if ((m = /^\/penerima\/([^/]+)\/kasus\/([^/]+)\/intervensi\/baru$/.exec(p))) { return drawInterventionForm(v, m[1], m[2]); }
      if (p === "/sinkron") { return drawSync(v); }
      if ((m = /^\/sinkron\/konflik\/(\d+)$/.exec(p))) { return drawConflict(v, +m[1]); }
      if (p === "/keluar") {
        return draw("Keluar", '<div class="notice"><p>Data wilayah sudah dihapus dari perangkat ini. Sesi Anda diakhiri di kantor saat perangkat tersambung lagi; atau masuk dan keluar lagi saat ada sinyal.</p></div>');
      }
      return draw("Perlu sinyal", '<div class="notice"><p>Halaman ini perlu sambungan ke kantor. Tanpa sinyal, Anda tetap bisa <a href="' + L + '/penerima">membuka data penerima</a>, mendaftarkan penerima, membuka kasus dan mencatat intervensi.</p></div>');
    } finally {
      drawing = false;
    }
  }

  // header gives the shell the top of the service's pages: the user and the menu (the
  // service draws them itself when it serves the shell).
  function header() {
    if (document.querySelector(".who") || !session) { return; }
    var bar = document.querySelector(".top .bar");
    var who = document.createElement("div");
    who.className = "who";
    who.innerHTML = '<span class="who-name">' + esc(session.displayName) + '</span><span class="who-role">Petugas lapangan</span>' +
      '<form method="post" action="' + P + '/keluar" class="inline"><input type="hidden" name="csrf" value="' + esc(session.csrf) +
      '"><button type="submit" class="link">Keluar</button></form>';
    bar.appendChild(who);
    var nav = document.createElement("nav");
    nav.setAttribute("aria-label", "Menu utama");
    var cur = path().indexOf("/sinkron") === 0 ? "s" : "p";
    nav.innerHTML = '<ul><li><a href="' + L + '/penerima"' + (cur === "p" ? ' aria-current="page"' : "") + '>Penerima</a></li><li><a href="' + P +
      '/sinkron"' + (cur === "s" ? ' aria-current="page"' : "") + ">Sinkronisasi</a></li></ul>";
    document.querySelector(".top").appendChild(nav);
  }

  function draw(title, html) {
    document.title = title + " · PPKS Dinas Sosial";
    shellRoot.innerHTML = html.indexOf("<h1") >= 0 ? html : "<h1>" + esc(title) + "</h1>" + html;
    showFlash();
  }

  // offlineNote says where the page comes from; online, it leads to the service's page.
  function offlineNote(server) {
    if (state.online) {
      return server ? '<p class="muted">Halaman ini dari data di perangkat. <a href="' + server + '">Buka halaman dari kantor</a>.</p>' : "";
    }
    return '<p class="notice">Tanpa sinyal: halaman ini dari data di perangkat. Yang Anda catat disimpan dan dikirim otomatis saat ada sinyal.</p>';
  }

  function drawPeople(v) {
    var q = new URLSearchParams(location.search).get("q") || "";
    var key = fold(q);
    var all = Object.keys(v.people).map(function (k) { return v.people[k]; });
    var list = all.filter(function (p) { return !key || fold(p.fullName).indexOf(key) >= 0 || String(p.nik || "").indexOf(q.trim()) >= 0; });
    list.sort(function (a, b) { return (b._local ? 1 : 0) - (a._local ? 1 : 0) || String(a.fullName).localeCompare(String(b.fullName), "id"); });
    var shown = list.slice(0, 100);
    var rows = shown.map(function (p) {
      return '<tr><th scope="row"><a href="' + L + "/penerima/" + esc(p.id) + '">' + esc(p.fullName) + "</a> " + badge(p._entry) + "</th><td class=\"nik\">" +
        (p.nik ? esc(p.nik) : '<span class="muted">tanpa NIK</span>') + "</td><td>" + esc(sexLabel(p.sex)) + "</td><td>" +
        (esc(p.desa) || "–") + "</td></tr>";
    }).join("");
    draw("Penerima", '<div class="page-head"><h1>Penerima</h1><a class="button-link primary" href="' + L + '/penerima/baru">Daftarkan penerima</a></div>' + offlineNote(P + "/penerima") +
      '<form method="get" action="' + L + '/penerima" class="filters" role="search" aria-label="Cari penerima"><div class="field grow"><label for="q">Nama atau NIK</label>' +
      '<input id="q" name="q" type="search" value="' + esc(q) + '" autocomplete="off"></div><button type="submit">Cari</button></form>' +
      (shown.length ? '<div class="table-wrap"><table class="data stack-phone" id="tabel-penerima"><caption class="sr-only">Penerima di perangkat ini</caption><thead><tr><th scope="col">Nama</th><th scope="col">NIK</th><th scope="col">Jenis kelamin</th><th scope="col">Desa/kelurahan</th></tr></thead><tbody>' +
        rows + "</tbody></table></div>" + (list.length > shown.length ? '<p class="muted">Menampilkan ' + num(shown.length) + " dari " + num(list.length) + " penerima; cari nama untuk mempersempit.</p>" : "")
        : '<div class="notice"><p>' + (q ? "Tidak ada penerima yang cocok di perangkat ini." : "Belum ada penerima di perangkat ini.") + "</p></div>"));
  }

  function drawPerson(v, id) {
    var b = v.people[id];
    if (!b) {
      return draw("Tidak ada di perangkat", '<div class="notice"><p>Penerima ini tidak ada di data perangkat (mungkin sudah pindah, digabung, atau bukan wilayah Anda).</p><p><a href="' + L + '/penerima">Kembali ke Penerima</a></p></div>');
    }
    var cases = childrenOf(v.cases, id).sort(function (a, x) { return isoOf(a.openedOn) < isoOf(x.openedOn) ? -1 : 1; });
    var ivs = childrenOf(v.interventions, id).sort(function (a, x) { return isoOf(a.deliveredOn) < isoOf(x.deliveredOn) ? 1 : -1; });
    var opts = (session.ppksTypes || []).map(function (t) { return '<option value="' + esc(t.code) + '">' + esc(t.name) + "</option>"; }).join("");
    var caseItems = cases.map(function (c) {
      var open = c.state === "CASE_STATE_OPEN";
      return '<li class="case"><p><strong>' + esc(ref("ppksTypes", c.ppksType)) + "</strong> · dibuka " + esc(fmtDate(c.openedOn)) + " · " +
        (open ? '<span class="badge badge-ok">terbuka</span>' : '<span class="badge">ditutup</span>') + " " + badge(c._entry) + "</p>" +
        (open ? '<p><a class="button-link primary" id="catat-' + esc(c.id) + '" href="' + L + "/penerima/" + esc(id) + "/kasus/" + esc(c.id) + '/intervensi/baru">Catat intervensi</a></p>' : "") + "</li>";
    }).join("");
    var timeline = ivs.map(function (iv) {
      return '<li id="i-' + esc(iv.id) + '" class="ev ev-iv"><p class="ev-date">' + esc(fmtDate(iv.deliveredOn)) + '</p><div class="ev-body"><p><strong>' +
        esc(ref("interventionTypes", iv.interventionType)) + "</strong> · " + esc(num(iv.quantity || 1)) + " " + esc(iv.unit || "") + " · dicatat " + esc(iv.worker || "") +
        "</p><p>" + (VERIF[iv.verification] ? '<span class="badge badge-pending">' + esc(VERIF[iv.verification]) + "</span> " : "") + badge(iv._entry) + "</p>" +
        (iv.notes ? '<p class="muted">' + esc(iv.notes) + "</p>" : "") + "</div></li>";
    }).join("");
    draw(b.fullName, '<p class="crumbs"><a href="' + L + '/penerima">← Penerima</a></p><div class="page-head"><h1>' + esc(b.fullName) + '</h1><a class="button-link" href="' +
      L + "/penerima/" + esc(id) + '/ubah">Koreksi data</a></div>' + offlineNote(b._local ? "" : P + "/penerima/" + esc(id)) +
      '<div class="grid-2"><section class="card" aria-labelledby="data-judul"><h2 id="data-judul" class="card-title">Data penerima</h2><p>' + badge(b._entry) + '</p><dl class="facts">' +
      "<dt>NIK</dt><dd class=\"nik\">" + (b.nik ? esc(b.nik) : "tanpa NIK") + "</dd><dt>Jenis kelamin</dt><dd>" + esc(sexLabel(b.sex)) + "</dd><dt>Tanggal lahir</dt><dd>" +
      (esc(fmtDate(b.birthDate)) || "–") + "</dd><dt>Kecamatan</dt><dd>" + esc(ref("allKecamatan", b.kecamatanCode)) + "</dd><dt>Desa/kelurahan</dt><dd>" + (esc(b.desa) || "–") +
      "</dd><dt>Alamat</dt><dd>" + (esc(b.address) || "–") + "</dd><dt>Nomor KK</dt><dd>" + (esc(b.kkNumber) || "–") + "</dd></dl></section>" +
      '<section class="card" aria-labelledby="kasus-judul"><h2 id="kasus-judul" class="card-title">Kasus</h2>' +
      (caseItems ? '<ul class="cases">' + caseItems + "</ul>" : '<p class="empty">Belum ada kasus. Buka kasus sesuai jenis PPKS orang ini untuk mulai mencatat layanan.</p>') +
      "<details" + (cases.some(function (c) { return c.state === "CASE_STATE_OPEN"; }) ? "" : " open") + '><summary>Buka kasus baru</summary><form method="post" action="' + L + "/penerima/" + esc(id) +
      '/kasus" class="stack"><div class="field"><label for="ppks_type">Jenis PPKS</label><select id="ppks_type" name="ppks_type" required><option value="">Pilih jenis PPKS</option>' + opts +
      '</select></div><div class="field"><label for="opened_on">Tanggal dibuka</label><input id="opened_on" name="opened_on" type="date" value="' + esc(session.today || "") +
      '"></div><button type="submit" class="primary">Buka kasus</button></form></details></section></div>' +
      '<section class="card" aria-labelledby="linimasa-judul"><h2 id="linimasa-judul" class="card-title">Linimasa layanan</h2>' +
      (timeline ? '<ol class="timeline">' + timeline + "</ol>" : '<p class="empty">Belum ada layanan tercatat.</p>') + "</section>");
  }

  function kecamatanOptions(chosen, first) {
    var own = session.kecamatan || [];
    return (first ? '<option value="">' + esc(first) + "</option>" : (own.length === 1 ? "" : '<option value="">Pilih kecamatan</option>')) +
      own.map(function (k) { return '<option value="' + esc(k.code) + '"' + (k.code === chosen || (!chosen && !first && own.length === 1) ? " selected" : "") + ">" + esc(k.name) + "</option>"; }).join("");
  }

  function drawPersonForm(v, id) {
    var edit = id ? v.people[id] : null;
    var fix = +(new URLSearchParams(location.search).get("perbaiki") || 0);
    var fixing = fix && v.bySeq[fix] && v.bySeq[fix].kind === "createBeneficiary" ? v.bySeq[fix] : null;
    var b = edit || (fixing ? fixing.record : {});
    if (id && !edit) { return drawPerson(v, id); }
    var sex = { SEX_MALE: "L", SEX_FEMALE: "P" }[b.sex] || "";
    var complete = b.birthDate && b.birthDate.day;
    draw(edit ? "Koreksi data penerima" : "Daftarkan penerima", '<p class="crumbs"><a href="' + L + "/penerima" + (edit ? "/" + esc(id) : "") + '">← ' +
      (edit ? esc(edit.fullName) : "Penerima") + "</a></p><h1>" + (edit ? "Koreksi data penerima" : "Daftarkan penerima") + "</h1>" + offlineNote() +
      (fixing ? '<div class="notice notice-error"><p>Ditolak: ' + esc(fixing.message) + "</p></div>" : "") +
      '<form method="post" action="' + L + "/penerima/" + (edit ? esc(id) + "/ubah" : "baru") + '" class="stack narrow" novalidate' + (fixing ? ' data-ubah="' + fixing.seq + '"' : "") + ">" +
      (edit ? '<input type="hidden" name="etag" value="' + esc(edit.etag || "") + '">' : "") +
      '<div class="field"><label for="nik">NIK <span class="opt">(boleh kosong)</span></label><input id="nik" name="nik" inputmode="numeric" maxlength="16" autocomplete="off" value="' +
      // A NIK kept on the service is shown masked and sent only when replaced; one typed
      // on this phone and not sent yet is the worker's own, shown as typed.
      esc(edit && !edit._local ? "" : b.nik || "") + '" aria-describedby="nik-bantuan"><p class="hint" id="nik-bantuan">' +
      (edit && !edit._local && edit.nik ? "NIK tersimpan: " + esc(edit.nik) + ". Isi hanya untuk menggantinya." : "16 digit dari KTP atau KK. Kosongkan bila belum punya NIK.") + "</p></div>" +
      '<div class="field"><label for="full_name">Nama lengkap</label><input id="full_name" name="full_name" required maxlength="200" autocomplete="off" value="' + esc(b.fullName || "") + '"></div>' +
      '<fieldset class="field"><legend>Jenis kelamin</legend><label class="choice"><input type="radio" name="sex" value="L"' + (sex === "L" ? " checked" : "") +
      '> Laki-laki</label><label class="choice"><input type="radio" name="sex" value="P"' + (sex === "P" ? " checked" : "") + "> Perempuan</label></fieldset>" +
      '<div class="field-row"><div class="field"><label for="birth_date">Tanggal lahir</label><input id="birth_date" name="birth_date" type="date" value="' + (complete ? esc(isoOf(b.birthDate)) : "") +
      '"></div><div class="field"><label for="birth_year">atau tahun lahir saja</label><input id="birth_year" name="birth_year" inputmode="numeric" maxlength="4" value="' +
      (b.birthDate && !complete ? esc(b.birthDate.year) : "") + '"></div></div>' +
      '<div class="field"><label for="kecamatan_code">Kecamatan</label><select id="kecamatan_code" name="kecamatan_code" required>' + kecamatanOptions(b.kecamatanCode) + "</select></div>" +
      '<div class="field"><label for="desa">Desa/kelurahan</label><input id="desa" name="desa" maxlength="100" value="' + esc(b.desa || "") + '"></div>' +
      '<div class="field"><label for="address">Alamat</label><textarea id="address" name="address" rows="2" maxlength="500">' + esc(b.address || "") + "</textarea></div>" +
      '<div class="field"><label for="kk_number">Nomor KK <span class="opt">(boleh kosong)</span></label><input id="kk_number" name="kk_number" inputmode="numeric" maxlength="16" value="' + esc(b.kkNumber || "") + '"></div>' +
      '<button type="submit" class="primary">' + (edit ? "Simpan koreksi" : "Daftarkan") + "</button></form>");
  }

  function drawInterventionForm(v, personId, caseId) {
    var b = v.people[personId], c = v.cases[caseId];
    if (!b || !c) { return drawPerson(v, personId); }
    var types = (session.interventionTypes || []).map(function (t) {
      return '<option value="' + esc(t.code) + '">' + esc(t.name + (t.counted ? " (terhitung IKU)" : "")) + "</option>";
    }).join("");
    draw("Catat intervensi", '<p class="crumbs"><a href="' + L + "/penerima/" + esc(personId) + '">← ' + esc(b.fullName) + "</a></p><h1>Catat intervensi</h1>" +
      '<p class="lead">' + esc(b.fullName) + " · kasus " + esc(ref("ppksTypes", c.ppksType)) + " (dibuka " + esc(fmtDate(c.openedOn)) + ")</p>" + offlineNote() +
      '<form method="post" action="' + L + "/penerima/" + esc(personId) + "/kasus/" + esc(caseId) + '/intervensi/baru" class="stack narrow" novalidate>' +
      '<div class="field"><label for="intervention_type">Jenis intervensi</label><select id="intervention_type" name="intervention_type" required><option value="">Pilih jenis intervensi</option>' + types + "</select></div>" +
      '<div class="field"><label for="delivered_on">Tanggal diberikan</label><input id="delivered_on" name="delivered_on" type="date" required value="' + esc(session.today || "") + '"></div>' +
      '<div class="field-row"><div class="field"><label for="quantity">Jumlah</label><input id="quantity" name="quantity" inputmode="numeric" value="1"></div>' +
      '<div class="field"><label for="unit">Satuan</label><input id="unit" name="unit" maxlength="50" placeholder="paket, sesi, unit"></div></div>' +
      '<div class="field"><label for="kecamatan_code">Kecamatan tempat diberikan</label><select id="kecamatan_code" name="kecamatan_code">' + kecamatanOptions("", "Sama dengan kecamatan penerima") + "</select></div>" +
      '<div class="field"><label for="notes">Catatan</label><textarea id="notes" name="notes" rows="3" maxlength="2000"></textarea></div>' +
      '<button type="submit" class="primary">Simpan intervensi</button><p class="hint">Disimpan di perangkat ini dan dikirim ke kantor saat ada sinyal; petugas yang tercatat adalah Anda.</p></form>');
  }

  // drawSync is the sync page: the queue by state, with what to do for each entry.
  async function drawSync(v) {
    var last = await D.getMeta("lastPull");
    var groups = { conflict: [], refused: [], waiting: [], sent: [] };
    v.outbox.slice().reverse().forEach(function (e) { (groups[e.state] || []).push(e); });
    var list = function (es, actions) {
      return '<ul class="queue">' + es.map(function (e) {
        return '<li class="queue-item" data-seq="' + e.seq + '"><p><strong>' + esc(kindLabel(e)) + "</strong>: " + esc(e.label || "") + "</p><p>" + badge(e) +
          ' <span class="muted">dibuat ' + esc(fmtTime(e.createdAt)) + (e.sentAt ? ", dikirim " + esc(fmtTime(e.sentAt)) : "") + "</span></p>" + (actions ? actions(e) : "") + "</li>";
      }).join("") + "</ul>";
    };
    var counts = await Promise.all([D.count("people"), D.count("cases"), D.count("interventions")]);
    draw("Sinkronisasi", "<h1>Sinkronisasi data lapangan</h1>" + offlineNote() +
      '<section class="card" aria-labelledby="wilayah-judul"><h2 id="wilayah-judul" class="card-title">Data wilayah di perangkat ini</h2><p>' + num(counts[0]) + " penerima, " +
      num(counts[1]) + " kasus, " + num(counts[2]) + " intervensi · " +
      (last ? "diperbarui " + esc(fmtTime(last)) : "belum diunduh") + '</p><p class="actions"><button type="button" class="primary" id="tombol-sinkron">Kirim dan perbarui sekarang</button> ' +
      '<button type="button" id="tombol-unduh-ulang">Unduh ulang data wilayah</button></p></section>' +
      (groups.conflict.length ? '<section aria-labelledby="konflik-judul"><h2 id="konflik-judul">Konflik, perlu diselesaikan</h2>' +
        list(groups.conflict, function (e) { return '<p><a class="button-link primary" href="' + P + "/sinkron/konflik/" + e.seq + '">Selesaikan</a></p>'; }) + "</section>" : "") +
      (groups.refused.length ? '<section aria-labelledby="ditolak-judul"><h2 id="ditolak-judul">Ditolak</h2>' + list(groups.refused, function (e) {
        return '<p class="actions">' + (e.kind === "createBeneficiary" ? '<a class="button-link" href="' + L + "/penerima/baru?perbaiki=" + e.seq + '">Perbaiki</a> ' : "") +
          '<button type="button" class="danger" data-hapus="' + e.seq + '">Hapus</button></p>';
      }) + "</section>" : "") +
      '<section aria-labelledby="menunggu-judul"><h2 id="menunggu-judul">Menunggu dikirim</h2>' + (groups.waiting.length ? list(groups.waiting) : '<p class="empty">Tidak ada data yang menunggu.</p>') + "</section>" +
      '<section aria-labelledby="terkirim-judul"><h2 id="terkirim-judul">Terkirim</h2>' + (groups.sent.length ? list(groups.sent.slice(0, 50)) : '<p class="empty">Belum ada yang dikirim dari perangkat ini.</p>') + "</section>");
    document.getElementById("tombol-sinkron").addEventListener("click", function () { sync(); });
    document.getElementById("tombol-unduh-ulang").addEventListener("click", async function () {
      await D.setMeta("cursor", "");
      sync();
    });
    shellRoot.querySelectorAll("[data-hapus]").forEach(function (btn) {
      btn.addEventListener("click", async function () {
        var seq = +btn.dataset.hapus;
        var deps = v.outbox.filter(function (e) { return dependsOn(v, e, seq); });
        if (!window.confirm("Hapus data ini dari perangkat" + (deps.length ? " beserta " + deps.length + " data yang bergantung padanya" : "") + "? Data itu tidak akan dikirim.")) { return; }
        await D.deleteEntry(seq);
        for (var i = 0; i < deps.length; i++) { await D.deleteEntry(deps[i].seq); }
        route();
        drawBar();
      });
    });
  }
  function dependsOn(v, e, seq) {
    for (var p = e.parentSeq, n = 0; p && n < 10; p = v.bySeq[p] && v.bySeq[p].parentSeq, n++) {
      if (p === seq) { return true; }
    }
    return false;
  }
  function kindLabel(e) {
    return {
      createBeneficiary: "Penerima baru", createCase: "Kasus baru", createIntervention: "Intervensi",
      updateBeneficiary: "Koreksi penerima", updateIntervention: "Koreksi intervensi"
    }[e.kind] || e.kind;
  }

  // drawConflict is the conflict screen: both versions of every field the correction
  // changed, the office's and the phone's, with the value both started from; the user
  // chooses, and the choice is sent as a new correction against the office's version.
  function drawConflict(v, seq) {
    var e = v.bySeq[seq];
    if (!e || e.state !== "conflict") {
      return draw("Konflik", '<div class="notice"><p>Konflik ini sudah diselesaikan.</p><p><a href="' + P + '/sinkron">Kembali ke sinkronisasi</a></p></div>');
    }
    var rows = (e.conflicts || []).map(function (c, i) {
      var changedHere = c.baseValue !== undefined && c.baseValue === c.serverValue; // only the phone changed it
      return '<fieldset class="conflict-field"><legend>' + esc(fieldName(c.field)) + "</legend>" +
        (c.baseValue !== undefined ? '<p class="muted">Sebelum diubah: ' + esc(value(c.field, c.baseValue)) + "</p>" : "") +
        '<div class="versions"><label class="version version-server"><input type="radio" name="f' + i + '" value="server"' + (changedHere ? "" : " checked") +
        '><span><span class="version-title">Di kantor (server)</span><span class="version-value">' + esc(value(c.field, c.serverValue)) + "</span></span></label>" +
        '<label class="version version-client"><input type="radio" name="f' + i + '" value="client"' + (changedHere ? " checked" : "") +
        '><span><span class="version-title">Isian Anda (di perangkat)</span><span class="version-value">' + esc(value(c.field, c.clientValue)) + "</span></span></label></div></fieldset>";
    }).join("");
    var who = e.server && (e.server.fullName || ref("interventionTypes", e.server.interventionType)) || e.label;
    draw("Selesaikan konflik", '<p class="crumbs"><a href="' + P + '/sinkron">← Sinkronisasi</a></p><h1>Selesaikan konflik: ' + esc(who) + "</h1>" +
      '<p class="lead">Data ini sudah diubah di kantor sejak Anda mengoreksinya di lapangan. Tidak ada yang ditimpa. Pilih nilai yang benar untuk setiap isian.</p>' +
      '<form id="form-konflik" class="stack">' + rows + '<p class="actions"><button type="submit" class="primary" id="tombol-selesaikan">Simpan pilihan</button> ' +
      '<button type="button" id="tombol-pakai-server">Pakai data kantor semuanya</button></p></form>');
    var form = document.getElementById("form-konflik");
    var finish = async function (choice) {
      var patchKey = e.kind === "updateBeneficiary" ? "beneficiary" : "intervention";
      var req = e.item[e.kind];
      var fields = e.kind === "updateBeneficiary" ? PERSON_FIELDS : IV_FIELDS;
      var send = { name: e.server.name, etag: e.server.etag };
      var paths = [];
      (e.conflicts || []).forEach(function (c, i) {
        if (choice(i) !== "client") { return; }
        var f = fields.filter(function (x) { return x[0] === c.field; })[0];
        if (f) { send[f[1]] = req[patchKey][f[1]]; paths.push(f[1]); }
      });
      if (!paths.length) {
        await D.deleteEntry(e.seq);
        flash("Data kantor dipakai; koreksi Anda tidak dikirim.");
        location.assign(P + "/sinkron");
        return;
      }
      var rid = D.uuid();
      var base = Object.assign({}, e.server);
      var item = {};
      item[e.kind] = { requestId: rid };
      item[e.kind][patchKey] = send;
      item[e.kind].updateMask = paths.join(",");
      item[e.kind === "updateBeneficiary" ? "baseBeneficiary" : "baseIntervention"] = base;
      Object.assign(e, { rid: rid, item: item, state: "waiting", conflicts: null, message: "", base: base });
      e.record = {};
      paths.forEach(function (p) { e.record[p] = send[p]; });
      await D.putEntry(e);
      var answered = await sendNow();
      var now = await D.get("outbox", e.seq);
      flash(answered && now && now.state === "sent" ? "Pilihan Anda sudah disimpan di kantor." : "Pilihan Anda tersimpan dan dikirim saat ada sinyal.");
      location.assign(answered && now && now.state === "conflict" ? P + "/sinkron/konflik/" + e.seq : P + "/sinkron");
    };
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      finish(function (i) { var c = form.querySelector('input[name="f' + i + '"]:checked'); return c ? c.value : "server"; });
    });
    document.getElementById("tombol-pakai-server").addEventListener("click", function () { finish(function () { return "server"; }); });
  }

  // ---- Start ----------------------------------------------------------------------------

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(P + "/sw.js", { scope: P + "/" }).catch(function () { /* works online without it */ });
  }
  showFlash();
  (async function () {
    if (serverUser) {
      var owner = await D.getMeta("owner").catch(function () { return ""; });
      if (owner && owner !== serverUser) { await D.clearData(); }
    } else {
      session = await D.getMeta("session").catch(function () { return null; });
    }
    await drawBar();
    if (shellRoot) { await route(); } else { notePerson(); }
    sync();
  })();

  self.PPKSOffline = { sync: sync, view: view };
})();
