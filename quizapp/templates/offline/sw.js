/* quizapp service worker: the app shell and the lessons a trainee opened, readable with no network.
 *
 * Static files: cache first (their cache is renamed whenever one changes). Lessons and the dashboard:
 * network first, with a stored copy when the network fails or is too slow; the copy is marked so the page
 * says it is an offline copy and when it was stored. Anything else that needs the server (starting or
 * submitting a quiz, reports) gets the offline page instead of the browser's error. Saves from the quiz page
 * are not touched: quiz.js keeps them on the device and replays them itself.
 */
"use strict";
const CONFIG = {{ config|tojson }};
const SHELL = "quizapp-shell-" + CONFIG.version;
const PAGES = "quizapp-pages-" + CONFIG.version;
const PAGE_PATTERN = new RegExp(CONFIG.pagePattern);
const SLOW_NETWORK_MS = 6000;

function storable(path) {
  return CONFIG.pages.indexOf(path) !== -1 || PAGE_PATTERN.test(path);
}

async function store(cache, path) {
  const response = await fetch(path, {credentials: "same-origin", cache: "no-store"});
  // A redirect (to the login page, when the session has ended) or an error is not the lesson.
  if (!response.ok || response.redirected || response.type !== "basic") {
    throw new Error("not stored: " + path);
  }
  await cache.put(path, await marked(response));
  return response;
}

async function marked(response) {
  const headers = new Headers(response.headers);
  headers.set("X-Stored-At", new Date().toISOString());
  return new Response(await response.clone().blob(), {status: response.status, headers: headers});
}

async function storedCopy(path) {
  const cache = await caches.open(PAGES);
  const copy = await cache.match(path);
  if (!copy) return null;
  const html = (await copy.text()).replace('data-offline-at=""', 'data-offline-at="' + copy.headers.get("X-Stored-At") + '"');
  return new Response(html, {headers: {"Content-Type": "text/html; charset=utf-8"}});
}

async function offlinePage() {
  return (await caches.match(CONFIG.offline)) || new Response("Offline", {status: 503});
}

async function networkFirst(request, path) {
  const network = fetch(request).then(async function (response) {
    if (response.ok && !response.redirected && response.type === "basic") {
      const cache = await caches.open(PAGES);
      await cache.put(path, await marked(response));
    }
    return response;
  });
  const slow = new Promise(function (resolve) { setTimeout(resolve, SLOW_NETWORK_MS, null); });
  try {
    const first = await Promise.race([network, slow]);
    if (first) return first;
    return (await storedCopy(path)) || (await network);  // too slow: the copy now, the network updates it
  } catch (err) {
    return (await storedCopy(path)) || offlinePage();
  }
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL)
      .then(function (cache) { return cache.addAll(CONFIG.shell.concat([CONFIG.offline])); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil((async function () {
    for (const name of await caches.keys()) {
      if (!name.startsWith("quizapp-") || name === SHELL || name === PAGES) continue;
      if (name.startsWith("quizapp-pages-")) {
        // A new course version: store fresh copies of the pages the trainee had, then drop the old ones.
        const fresh = await caches.open(PAGES);
        for (const request of await (await caches.open(name)).keys()) {
          try { await store(fresh, new URL(request.url).pathname); } catch (err) { /* kept out; read online */ }
        }
      }
      await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", function (event) {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method !== "GET") {
    if (request.mode === "navigate") {
      event.respondWith(fetch(request).catch(offlinePage));
    }
    return;  // saves and other requests from scripts handle their own failures
  }
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request, {ignoreSearch: true}).then(function (hit) { return hit || fetch(request); }));
  } else if (request.mode === "navigate") {
    event.respondWith(storable(url.pathname) ? networkFirst(request, url.pathname) : fetch(request).catch(offlinePage));
  }
});

self.addEventListener("message", function (event) {
  const data = event.data || {};
  const port = event.ports[0];
  if (data.type === "store-pages" && Array.isArray(data.paths)) {
    const paths = data.paths.filter(function (p) { return typeof p === "string" && storable(p); });
    event.waitUntil((async function () {
      const cache = await caches.open(PAGES);
      let done = 0, failed = 0;
      for (const path of paths) {
        try { await store(cache, path); done += 1; } catch (err) { failed += 1; }
        if (port) port.postMessage({done: done, failed: failed, total: paths.length});
      }
    })());
  }
});
