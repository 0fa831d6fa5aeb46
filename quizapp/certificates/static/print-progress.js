// Bulk certificate downloads: show that the server is working while it renders the file.
// Without JavaScript the links download normally.
(function () {
  "use strict";
  var status = document.getElementById("print-status");
  var bar = document.getElementById("print-progress");
  if (!status || !bar || !window.fetch || !window.URL) return;
  var busy = false;

  function say(text) { status.hidden = false; status.textContent = text; }

  document.querySelectorAll("a[data-progress]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      if (busy) return;
      busy = true;
      var started = Date.now();
      var n = link.getAttribute("data-progress");
      var tick = function () {
        var seconds = Math.round((Date.now() - started) / 1000);
        say(status.dataset.working.replace("{n}", n).replace("{s}", seconds));
      };
      tick();
      bar.hidden = false;
      var timer = setInterval(tick, 1000);
      fetch(link.href, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) throw new Error(response.status);
        var name = (response.headers.get("Content-Disposition") || "").match(/filename="([^"]+)"/);
        return response.blob().then(function (blob) {
          var url = URL.createObjectURL(blob);
          var a = document.createElement("a");
          a.href = url;
          a.download = name ? name[1] : "";
          document.body.appendChild(a);
          a.click();
          a.remove();
          setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
          say(status.dataset.done);
        });
      }).catch(function () {
        say(status.dataset.failed);
      }).finally(function () {
        clearInterval(timer);
        bar.hidden = true;
        busy = false;
      });
    });
  });
})();
