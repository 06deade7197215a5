// PPKS offline data (issue 14): the worker's area kept in the browser's IndexedDB from the
// sync feed, and the queue of records made on the phone, sent with BatchSync. The JSON is
// the API's sync protocol (README, "Offline field apps"), through the web application's
// endpoints under /app/sinkron/ (the session cookie, and the CSRF token in a header).
// offline.js draws the pages from it. Plain JavaScript, no build step.
(function () {
  "use strict";

  var DB_NAME = "ppks-lapangan";
  var DB_VERSION = 1;
  var API = "/app/sinkron/";
  var TIMEOUT_MS = 20000;
  var dbPromise = null;

  // The database: the replica (people, cases, interventions, as the feed sends them, keyed
  // by id), the queue (outbox) and what the pages need to know (meta: the owner, the
  // cursor, the session, the reference lists).
  function openDB() {
    if (dbPromise) { return dbPromise; }
    dbPromise = new Promise(function (resolve, reject) {
      var r = indexedDB.open(DB_NAME, DB_VERSION);
      r.onupgradeneeded = function () {
        var db = r.result;
        db.createObjectStore("meta", { keyPath: "key" });
        db.createObjectStore("people", { keyPath: "id" });
        db.createObjectStore("cases", { keyPath: "id" }).createIndex("person", "personId");
        var ivs = db.createObjectStore("interventions", { keyPath: "id" });
        ivs.createIndex("person", "personId");
        db.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
      };
      r.onsuccess = function () {
        var db = r.result;
        // Another tab deleting the database (a sign-out) must not wait on this one.
        db.onversionchange = function () { db.close(); dbPromise = null; };
        resolve(db);
      };
      r.onerror = function () { dbPromise = null; reject(r.error); };
      r.onblocked = function () { dbPromise = null; reject(new Error("IndexedDB blocked")); };
    });
    return dbPromise;
  }

  function req(r) {
    return new Promise(function (resolve, reject) {
      r.onsuccess = function () { resolve(r.result); };
      r.onerror = function () { reject(r.error); };
    });
  }

  // withTx runs fn in one transaction and resolves with its result once the transaction
  // has committed. fn may await IndexedDB requests of the transaction, nothing else.
  async function withTx(stores, mode, fn) {
    var db = await openDB();
    var t = db.transaction(stores, mode);
    var done = new Promise(function (resolve, reject) {
      t.oncomplete = resolve;
      t.onabort = t.onerror = function () { reject(t.error || new Error("IndexedDB transaction aborted")); };
    });
    var result = await fn(t);
    await done;
    return result;
  }

  function getAll(store, index, key) {
    return withTx([store], "readonly", function (t) {
      var s = t.objectStore(store);
      return req(index ? s.index(index).getAll(key) : s.getAll());
    });
  }
  function count(store) {
    return withTx([store], "readonly", function (t) { return req(t.objectStore(store).count()); });
  }
  function get(store, key) {
    return withTx([store], "readonly", function (t) { return req(t.objectStore(store).get(key)); });
  }
  async function getMeta(key) {
    var m = await get("meta", key);
    return m ? m.value : undefined;
  }
  function setMeta(key, value) {
    return withTx(["meta"], "readwrite", function (t) { return req(t.objectStore("meta").put({ key: key, value: value })); });
  }

  // Names and ids: beneficiaries/{b}/cases/{c}/interventions/{i}.
  function segments(name) { return String(name || "").split("/"); }
  function lastID(name) { var s = segments(name); return s[s.length - 1]; }

  // stamp adds the keys the stores index to a record of the feed.
  function stamp(store, rec) {
    var out = Object.assign({}, rec);
    var s = segments(rec.name);
    out.personId = s[1];
    out.id = store === "people" ? s[1] : store === "cases" ? s[3] : s[5];
    if (store === "interventions") { out.caseId = s[3]; }
    return out;
  }

  function uuid() {
    if (self.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // NetworkError: the service could not be reached (no signal, a timeout). The queue
  // waits; nothing is lost.
  function NetworkError(msg) { this.name = "NetworkError"; this.message = msg; }
  NetworkError.prototype = Object.create(Error.prototype);

  // ApiError: the service answered with an error (its google.rpc.Status).
  function ApiError(status, body) {
    this.name = "ApiError";
    this.status = status;
    this.body = body || {};
    this.message = localized(this.body) || ("HTTP " + status);
  }
  ApiError.prototype = Object.create(Error.prototype);

  // localized returns the Indonesian message of a google.rpc.Status.
  function localized(st) {
    var msg = "";
    (st && st.details || []).forEach(function (d) {
      if (d["@type"] === "type.googleapis.com/google.rpc.LocalizedMessage" && !msg) { msg = d.message; }
    });
    return msg || (st && st.message) || "";
  }

  // reasonOf returns the ErrorInfo reason of a status.
  function reasonOf(st) {
    var r = "";
    (st && st.details || []).forEach(function (d) {
      if (d["@type"] === "type.googleapis.com/google.rpc.ErrorInfo" && !r) { r = d.reason; }
    });
    return r;
  }

  // violations returns the field violations of a status: field (last part) -> message.
  function violations(st) {
    var out = {};
    (st && st.details || []).forEach(function (d) {
      if (d["@type"] !== "type.googleapis.com/google.rpc.BadRequest") { return; }
      (d.fieldViolations || []).forEach(function (v) {
        var f = String(v.field || "").split(".").pop();
        var m = (v.localizedMessage && v.localizedMessage.message) || v.description || "";
        out[f] = out[f] ? out[f] + " " + m : m;
      });
    });
    return out;
  }

  var csrf = "";

  async function api(method, path, body) {
    var ctl = new AbortController();
    var timer = setTimeout(function () { ctl.abort(); }, TIMEOUT_MS);
    var resp;
    try {
      var headers = { "Accept": "application/json" };
      if (body !== undefined) { headers["Content-Type"] = "application/json"; }
      if (method !== "GET") { headers["X-CSRF-Token"] = csrf || (await getMeta("session") || {}).csrf || ""; }
      resp = await fetch(API + path, {
        method: method, headers: headers, credentials: "same-origin", cache: "no-store", signal: ctl.signal,
        body: body === undefined ? undefined : JSON.stringify(body)
      });
    } catch (e) {
      throw new NetworkError(String(e && e.message || e));
    } finally {
      clearTimeout(timer);
    }
    var json = null;
    try { json = await resp.json(); } catch (e) { json = null; }
    if (!resp.ok) { throw new ApiError(resp.status, json); }
    return json;
  }

  // session asks the service who is signed in (and the CSRF token, the session's end,
  // the reference lists) and keeps it. Data of another user on this browser is dropped
  // first: the phone shows one user's area only.
  async function refreshSession() {
    var s = await api("GET", "sesi");
    csrf = s.csrf;
    var owner = await getMeta("owner");
    if (owner && owner !== s.username) { await clearData(); }
    await setMeta("owner", s.username);
    await setMeta("session", s);
    return s;
  }

  // The feed: pull asks for what changed since the cursor (everything, the first time)
  // until nothing more is ready, and applies each page in one transaction with its
  // cursor, so that an interrupted download goes on where it stopped.
  var pulling = null;
  function pull(progress) {
    if (!pulling) {
      pulling = doPull(progress).finally(function () { pulling = null; });
    }
    return pulling;
  }
  async function doPull(progress) {
    var cursor = await getMeta("cursor");
    if (!cursor) {
      await withTx(["people", "cases", "interventions"], "readwrite", function (t) {
        ["people", "cases", "interventions"].forEach(function (s) { t.objectStore(s).clear(); });
      });
    }
    var records = 0;
    for (var i = 0; i < 10000; i++) {
      var page;
      try {
        page = await api("GET", "tarik?pageSize=1000" + (cursor ? "&cursor=" + encodeURIComponent(cursor) : ""));
      } catch (e) {
        // A cursor the service does not take (another user's, another database's): download afresh.
        if (!(e instanceof ApiError) || e.status !== 400 || !cursor) { throw e; }
        await setMeta("cursor", "");
        return doPull(progress);
      }
      records += await applyPage(page);
      cursor = page.nextCursor;
      if (progress) { progress(records, page.hasMore); }
      if (!page.hasMore) { break; }
    }
    await setMeta("lastPull", new Date().toISOString());
    return records;
  }

  // applyPage applies one answer of the feed: the kecamatan no longer in the area, the
  // tombstones, then the records, and the cursor, together.
  function applyPage(page) {
    return withTx(["meta", "people", "cases", "interventions", "outbox"], "readwrite", async function (t) {
      var people = t.objectStore("people");
      var removed = page.removedKecamatanCodes || [];
      if (removed.length) {
        var all = await req(people.getAll());
        for (var i = 0; i < all.length; i++) {
          if (removed.indexOf(all[i].kecamatanCode) >= 0) { await dropPerson(t, all[i].id); }
        }
      }
      var tombstones = page.tombstones || [];
      for (var j = 0; j < tombstones.length; j++) {
        var ts = tombstones[j], s = segments(ts.name), id = s[s.length - 1];
        if (s.length === 2) { await dropPerson(t, id); }
        if (s.length === 4) { t.objectStore("cases").delete(id); }
        if (s.length === 6) { t.objectStore("interventions").delete(id); }
      }
      if (tombstones.length) { await noteTombstones(t, tombstones); }
      (page.beneficiaries || []).forEach(function (b) { people.put(stamp("people", b)); });
      (page.cases || []).forEach(function (c) { t.objectStore("cases").put(stamp("cases", c)); });
      (page.interventions || []).forEach(function (iv) { t.objectStore("interventions").put(stamp("interventions", iv)); });
      t.objectStore("meta").put({ key: "cursor", value: page.nextCursor });
      return (page.beneficiaries || []).length + (page.cases || []).length + (page.interventions || []).length + tombstones.length;
    });
  }

  // dropPerson removes a person with their cases and interventions (each also has its own
  // entry in the feed; removing them here keeps the replica whole whatever the order).
  async function dropPerson(t, id) {
    t.objectStore("people").delete(id);
    var stores = ["cases", "interventions"];
    for (var i = 0; i < stores.length; i++) {
      var keys = await req(t.objectStore(stores[i]).index("person").getAllKeys(id));
      keys.forEach(function (k) { t.objectStore(stores[i]).delete(k); });
    }
  }

  // noteTombstones tells the queue's sent records what became of them on the server: a
  // rejection with its reason, a void, a merge.
  async function noteTombstones(t, tombstones) {
    var out = t.objectStore("outbox");
    var items = await req(out.getAll());
    var why = {
      TOMBSTONE_REASON_VOIDED: "Dibatalkan di server",
      TOMBSTONE_REASON_REJECTED: "Ditolak supervisor",
      TOMBSTONE_REASON_MERGED: "Digabung dengan data lain",
      TOMBSTONE_REASON_MOVED: "Pindah ke luar wilayah Anda"
    };
    tombstones.forEach(function (ts) {
      var id = lastID(ts.name);
      items.forEach(function (it) {
        if (it.recordId === id && it.state === "sent") {
          it.note = why[ts.reason] + (ts.detail ? ": " + ts.detail : "");
          out.put(it);
        }
      });
    });
  }

  // The queue. An entry holds the BatchSync item as it will be sent (with its request id
  // and the ids the phone chose), the record as the phone shows it meanwhile, and its
  // state: waiting (to send), sent, conflict (to resolve) or refused (with the reason).
  function enqueue(entry) {
    entry.state = "waiting";
    entry.createdAt = new Date().toISOString();
    return withTx(["outbox"], "readwrite", function (t) { return req(t.objectStore("outbox").add(entry)); });
  }
  function putEntry(entry) {
    return withTx(["outbox"], "readwrite", function (t) { return req(t.objectStore("outbox").put(entry)); });
  }
  function deleteEntry(seq) {
    return withTx(["outbox"], "readwrite", function (t) { return req(t.objectStore("outbox").delete(seq)); });
  }
  function outbox() { return getAll("outbox"); }

  // push sends the waiting entries, in the order they were made, in batches of 500, and
  // records each result as the protocol's action says: done, retry (stays waiting),
  // fix or drop (refused, with the reason), resolve a conflict. Entries that depend on
  // one not sent yet (a case of a person still waiting or refused) stay waiting.
  var pushing = null;
  function push() {
    if (pushing) { return pushing; }
    var run = function () { return doPush(); };
    pushing = (navigator.locks ? navigator.locks.request("ppks-kirim", run) : run()).finally(function () { pushing = null; });
    return pushing;
  }
  async function doPush() {
    var all = await outbox();
    var waiting = all.filter(function (e) { return e.state === "waiting"; }).slice(0, 500);
    if (!waiting.length) { return { sent: 0 }; }
    var resp = await api("POST", "kirim", { items: waiting.map(function (e) { return e.item; }) });
    var bySeq = {};
    all.forEach(function (e) { bySeq[e.seq] = e; });
    var sent = 0;
    await withTx(["outbox", "people", "cases", "interventions"], "readwrite", function (t) {
      (resp.results || []).forEach(function (r, i) {
        var e = waiting[i];
        if (!e) { return; }
        e.tries = (e.tries || 0) + 1;
        e.lastAt = new Date().toISOString();
        var rec = r.beneficiary || r["case"] || r.intervention;
        switch (r.action) {
          case "SYNC_ACTION_DONE":
            e.state = "sent";
            e.sentAt = e.lastAt;
            e.status = r.status;
            e.message = "";
            sent++;
            if (rec) {
              var store = r.beneficiary ? "people" : r["case"] ? "cases" : "interventions";
              t.objectStore(store).put(stamp(store, rec));
            }
            break;
          case "SYNC_ACTION_RESOLVE_CONFLICT":
            e.state = "conflict";
            e.conflicts = r.conflicts || [];
            e.server = rec;
            e.message = localized(r.error) || "Data sudah diubah di kantor sejak Anda mengoreksinya.";
            break;
          case "SYNC_ACTION_RETRY":
            e.message = localized(r.error);
            break;
          default: // FIX, DROP
            var parent = e.parentSeq && bySeq[e.parentSeq];
            var code = r.error && r.error.code;
            if (parent && parent.state !== "sent" && (code === 5 || code === 7)) {
              e.message = "Menunggu data induknya terkirim.";
              break;
            }
            e.state = "refused";
            e.action = r.action;
            e.reason = reasonOf(r.error);
            e.message = localized(r.error);
            e.fields = violations(r.error);
        }
        t.objectStore("outbox").put(e);
      });
    });
    return { sent: sent };
  }

  // prune forgets the entries sent more than a week ago: the phone keeps what it needs.
  function prune() {
    var before = new Date(Date.now() - 7 * 24 * 3600 * 1000).toISOString();
    return withTx(["outbox"], "readwrite", async function (t) {
      var all = await req(t.objectStore("outbox").getAll());
      all.forEach(function (e) { if (e.state === "sent" && e.sentAt && e.sentAt < before) { t.objectStore("outbox").delete(e.seq); } });
    });
  }

  // counts counts the queue's entries by state.
  async function counts() {
    var c = { waiting: 0, sent: 0, conflict: 0, refused: 0 };
    (await outbox()).forEach(function (e) { c[e.state] = (c[e.state] || 0) + 1; });
    return c;
  }

  // clearData drops everything of the area kept here: the replica, the queue, the
  // cursor, the session.
  function clearData() {
    return withTx(["meta", "people", "cases", "interventions", "outbox"], "readwrite", function (t) {
      ["meta", "people", "cases", "interventions", "outbox"].forEach(function (s) { t.objectStore(s).clear(); });
    });
  }

  // wipe deletes the database and every cache of this site (but the shell's, with
  // keepShell): what signing out leaves.
  async function wipe(keepShell) {
    try {
      if (dbPromise) { (await dbPromise).close(); }
    } catch (e) { /* not open */ }
    dbPromise = null;
    await new Promise(function (resolve) {
      var r = indexedDB.deleteDatabase(DB_NAME);
      r.onsuccess = r.onerror = r.onblocked = function () { resolve(); };
    });
    if (self.caches) {
      var keys = await caches.keys();
      await Promise.all(keys.filter(function (k) { return !(keepShell && k.indexOf("ppks-shell-") === 0); })
        .map(function (k) { return caches.delete(k); }));
    }
  }

  // What the offline pages (offline.js) and the browser tests use.
  self.PPKSData = {
    getAll: getAll, get: get, count: count, getMeta: getMeta, setMeta: setMeta, uuid: uuid,
    api: api, refreshSession: refreshSession, pull: pull, push: push, prune: prune,
    enqueue: enqueue, putEntry: putEntry, deleteEntry: deleteEntry, outbox: outbox, counts: counts,
    clearData: clearData, wipe: wipe, NetworkError: NetworkError, ApiError: ApiError
  };
})();
