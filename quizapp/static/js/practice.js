/* Practice without page reloads: forms and links marked data-practice-nav inside #practice are sent with
 * fetch and the new page's #practice replaces the old one. Anything unexpected (no network, an error page,
 * a redirect elsewhere) falls back to a normal page load, so the plain-form path is always there. */
(function () {
  "use strict";
  var root = document.getElementById("practice");
  if (!root || !window.fetch || !window.DOMParser) return;

  function swap(html, url, push) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var next = doc.getElementById("practice");
    if (!next) return false;
    root.replaceWith(next);
    root = next;
    document.title = doc.title;
    var flashes = document.querySelector(".flashes");
    var newFlashes = doc.querySelector(".flashes");
    if (flashes) flashes.remove();
    if (newFlashes) root.parentNode.insertBefore(newFlashes, root);
    if (push) history.pushState({practice: true}, "", url);
    var heading = root.querySelector("h2, h1");
    if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
    return true;
  }

  function go(url, options, push) {
    return fetch(url, options).then(function (response) {
      // An error, or a page without practice in it (the login page after a session ended): load it normally.
      if (!response.ok || new URL(response.url).origin !== location.origin) throw new Error("leave");
      return response.text().then(function (html) {
        if (!swap(html, response.url, push)) throw new Error("leave");
      });
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("#practice form[data-practice-nav]")) return;
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    go(form.action, {method: "POST", body: new FormData(form), credentials: "same-origin"}, true)
      .catch(function () { form.submit(); });
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("#practice a[data-practice-nav]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    go(link.href, {credentials: "same-origin"}, true).catch(function () { location.href = link.href; });
  });

  window.addEventListener("popstate", function () { location.reload(); });
})();
