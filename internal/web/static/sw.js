// PPKS service worker (issue 14). It keeps the application shell and the static files,
// and serves the shell when a page of the application cannot be loaded (no signal, or no
// answer within a few seconds): the shell draws the page from the worker's data on the
// phone (offline.js, sync.js). It keeps no page of the service and no personal data:
// those are in IndexedDB, which signing out deletes (with this worker's caches).
"use strict";
var VERSION = "__VERSION__";
var ASSETS = "__ASSETS__";
var SHELL = "__SHELL__";
var CACHE = "ppks-shell-" + VERSION;
var SCOPE = "/app/";
var WAIT_MS = 4000; // a page slower than this is drawn from the phone's data

self.addEventListener("install", function (ev) {
  ev.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll([SHELL].concat(ASSETS).map(function (u) {
      return new Request(u, { cache: "reload", credentials: "same-origin" });
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (ev) {
  ev.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (ev) {
  var req = ev.request;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin || url.pathname.indexOf(SCOPE) !== 0 || req.method !== "GET") {
    return; // the network, as without a worker: forms, the sync protocol, other sites
  }
  if (url.pathname.indexOf(SCOPE + "static/") === 0) {
    ev.respondWith(caches.match(req).then(function (hit) { return hit || fetch(req); }));
    return;
  }
  if (url.pathname === SHELL || url.pathname.indexOf(SHELL + "/") === 0) {
    ev.respondWith(shell().then(function (hit) { return hit || fetch(req); }));
    return;
  }
  if (req.mode === "navigate") {
    ev.respondWith(page(req));
  }
});

// page answers a navigation from the network, or with the shell when the network fails
// or keeps the phone waiting.
function page(req) {
  return new Promise(function (resolve) {
    var settled = false;
    var fallback = function () {
      if (settled) { return; }
      settled = true;
      resolve(shell().then(function (hit) { return hit || offlinePage(); }));
    };
    var timer = setTimeout(fallback, WAIT_MS);
    fetch(req).then(function (resp) {
      clearTimeout(timer);
      if (!settled) { settled = true; resolve(resp); }
    }, function () {
      clearTimeout(timer);
      fallback();
    });
  });
}

function shell() { return caches.open(CACHE).then(function (c) { return c.match(SHELL); }); }

function offlinePage() {
  return new Response('<!doctype html><html lang="id"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    "<title>Tanpa sinyal · PPKS</title><main><h1>Tanpa sinyal</h1><p>Halaman ini belum tersimpan di perangkat. Sambungkan ke internet lalu muat ulang.</p></main></html>",
    { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}
