/* sw.js: keeps the certificate checker working without a network. Served
 * at /sw.js (scope /) by internal/web/offline.go, which puts before this
 * text: const VERSION = '<hash of what it caches>', SHELL = '/v/luring',
 * ASSETS = [<the shell's static files, content-hashed URLs>].
 *
 * Online every request goes to the network first; the cache answers only
 * when the network fails, so a current verdict is never replaced by a kept
 * one. Kept: the offline shell (the verification page without a record,
 * whose script checks a QR's signed claim), its static files, the
 * published keys, the signed revocation list and the latest checkpoint.
 * Offline, a navigation to a certificate URL (/v/CODE?... or
 * /V/CODE/CLAIM, any letter case) gets the shell. Records, proofs and
 * everything else are never kept.
 */
/* global VERSION, SHELL, ASSETS */
'use strict';
var CACHE = 'ikrar-verify-' + VERSION;
var DATA = ['/api/v1/log/key', '/api/v1/log/revocations', '/api/v1/log/checkpoint'];

function keep(cache, url) {
  return fetch(url, { cache: 'no-cache' }).then(function (res) {
    if (res.ok) return cache.put(url, res);
  }).catch(function () {});
}

self.addEventListener('install', function (e) {
  e.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll([SHELL].concat(ASSETS)).then(function () {
      return Promise.all(DATA.map(function (u) { return keep(cache, u); }));
    });
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (e) {
  e.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf('ikrar-verify-') === 0 && n !== CACHE; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

// A certificate's verification URL: /v/CODE, /v/CODE/CLAIM, any case.
var certificate = /^\/v\/[A-Za-z0-9-]{1,40}(\/[A-Za-z2-7]{1,200})?\/?$/i;

self.addEventListener('fetch', function (e) {
  var req = e.request, url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) return;
  var path = url.pathname;
  if (req.mode === 'navigate' && (certificate.test(path) || path === SHELL)) {
    e.respondWith(fetch(req).then(function (res) {
      // The shell kept follows the language chosen since, and the release.
      if (res.ok && path !== SHELL) e.waitUntil(caches.open(CACHE).then(function (c) { return keep(c, SHELL); }));
      return res;
    }, function () {
      return caches.open(CACHE).then(function (c) { return c.match(SHELL); }).then(function (r) { return r || Response.error(); });
    }));
  } else if (DATA.indexOf(path) >= 0 && !url.search) {
    e.respondWith(fetch(req).then(function (res) {
      if (res.ok) {
        var copy = res.clone();
        e.waitUntil(caches.open(CACHE).then(function (c) {
          var done = [c.put(path, copy)];
          // The checkpoint kept goes with the list kept.
          if (path === '/api/v1/log/revocations') done.push(keep(c, '/api/v1/log/checkpoint'));
          return Promise.all(done);
        }));
      }
      return res;
    }, function () {
      return caches.open(CACHE).then(function (c) { return c.match(path); }).then(function (r) { return r || Response.error(); });
    }));
  } else if (path.indexOf('/static/') === 0) {
    e.respondWith(fetch(req).catch(function () {
      return caches.open(CACHE).then(function (c) { return c.match(req); }).then(function (r) { return r || Response.error(); });
    }));
  }
});
