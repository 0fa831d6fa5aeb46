/* quizapp on every page: install the service worker (lessons readable offline), say when a page is a stored
 * offline copy, store every lesson on request, and forget stored pages at logout (shared ward-office PCs). */
(function () {
  "use strict";
  var PAGE_CACHES = "quizapp-pages-";

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return String(values[key]); });
  }

  function localTime(iso) {
    var d = new Date(iso);
    if (isNaN(d)) return "";
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return two(d.getHours()) + ":" + two(d.getMinutes()) + " " + two(d.getDate()) + "/" + two(d.getMonth() + 1) + "/" + d.getFullYear();
  }

  // A page that answers a POST (the new paper after Start) names its own
  // address: show that one, so that a reload or a bookmark asks for the page instead of posting again.
  var canonical = document.querySelector("link[rel=canonical]");
  if (canonical && window.history && history.replaceState && window.URL) {
    var own = new URL(canonical.href);
    if (own.pathname !== location.pathname) history.replaceState(null, "", own.pathname + location.search);
  }

  // A page the service worker served from its store carries the time it was stored.
  var main = document.getElementById("main");
  var note = document.getElementById("offline-note");
  if (main && note && main.getAttribute("data-offline-at")) {
    note.textContent = format(note.getAttribute("data-text"), {time: localTime(main.getAttribute("data-offline-at"))});
    note.hidden = false;
  }

  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register("/sw.js").catch(function () { /* the site works without it */ });
  }

  // "Download all lessons": the worker fetches and stores each lesson, reporting progress.
  var button = document.getElementById("store-lessons");
  var status = document.getElementById("store-lessons-status");
  if (button && status) {
    if (!("serviceWorker" in navigator) || !window.isSecureContext) {
      status.textContent = button.getAttribute("data-unsupported");
      button.disabled = true;
    }
    button.addEventListener("click", function () {
      button.disabled = true;
      status.textContent = button.getAttribute("data-working");
      var paths = JSON.parse(button.getAttribute("data-paths"));
      navigator.serviceWorker.ready.then(function (registration) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function (event) {
          var p = event.data;
          if (p.done + p.failed < p.total) {
            status.textContent = format(button.getAttribute("data-progress"), p);
          } else {
            status.textContent = format(button.getAttribute(p.failed ? "data-failed" : "data-done"), p);
            button.disabled = false;
          }
        };
        registration.active.postMessage({type: "store-pages", paths: paths}, [channel.port2]);
      });
    });
  }

  // The offline page lists only the lessons this device has stored.
  var stored = document.getElementById("stored-lessons");
  if (stored && window.caches) {
    caches.keys().then(function (names) {
      var name = names.filter(function (n) { return n.indexOf(PAGE_CACHES) === 0; })[0];
      return name ? caches.open(name).then(function (c) { return c.keys(); }) : [];
    }).then(function (requests) {
      var have = requests.map(function (r) { return new URL(r.url).pathname; });
      var shown = 0;
      Array.prototype.forEach.call(stored.querySelectorAll("li[data-path]"), function (li) {
        var ok = have.indexOf(li.getAttribute("data-path")) !== -1;
        li.hidden = !ok;
        shown += ok ? 1 : 0;
      });
      document.getElementById("no-stored-lessons").hidden = shown > 0;
    });
  }

  // Logging out forgets the stored pages: the next person at a shared PC must not read them.
  Array.prototype.forEach.call(document.querySelectorAll("form[data-forget-offline]"), function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.caches || form.dataset.forgotten) return;
      event.preventDefault();
      caches.keys().then(function (names) {
        return Promise.all(names.filter(function (n) { return n.indexOf(PAGE_CACHES) === 0; }).map(function (n) { return caches.delete(n); }));
      }).finally(function () { form.dataset.forgotten = "1"; form.submit(); });
    });
  });
})();
