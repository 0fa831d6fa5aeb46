/* The quiz page: autosave each answer, keep unsent answers on the device while offline and
 * replay them, count down to the server's deadline, confirm before submitting.
 * Without this script the page still works: answers are posted with the form's buttons. */
(function () {
  "use strict";
  var form = document.getElementById("quiz-form");
  if (!form) return;
  var msgs = document.getElementById("quiz-messages").dataset;
  var statusEl = document.getElementById("save-status");
  var countEl = document.getElementById("answered-count");
  var saveUrl = form.dataset.saveUrl;
  var storeKey = "quizapp:attempt:" + form.dataset.attempt;
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var total = parseInt(form.dataset.total, 10);
  var closed = false, submitting = false, sending = false, offline = false;

  // --- local store: the highest sequence number used and answers not yet acknowledged ---
  function load() {
    try { return JSON.parse(localStorage.getItem(storeKey)) || {}; } catch (e) { return {}; }
  }
  var store = load();
  store.seq = Math.max(store.seq || 0, parseInt(form.dataset.lastSeq, 10) || 0);
  store.pending = store.pending || {};
  function persist() {
    try { localStorage.setItem(storeKey, JSON.stringify(store)); } catch (e) { /* private mode: memory only */ }
  }
  function nextSeq() {
    var shared = load().seq || 0;  // another tab may have moved on
    store.seq = Math.max(store.seq, shared) + 1;
    return store.seq;
  }

  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) { return values[k]; });
  }
  function say(text, kind) {
    statusEl.textContent = text;
    statusEl.className = "save-status" + (kind ? " save-" + kind : "");
  }
  function timeOf(iso) {
    return new Date(iso).toLocaleTimeString("vi-VN", { timeZone: "Asia/Ho_Chi_Minh", hour12: false });
  }

  function fieldset(pos) { return document.getElementById("q" + pos); }
  function selectedOf(pos) {
    var out = [];
    fieldset(pos).querySelectorAll("input:checked").forEach(function (i) { out.push(parseInt(i.value, 10)); });
    return out;
  }
  function apply(pos, selected) {
    fieldset(pos).querySelectorAll("input").forEach(function (i) {
      i.checked = selected.indexOf(parseInt(i.value, 10)) !== -1;
    });
  }
  function updateCount() {
    var n = 0;
    form.querySelectorAll("fieldset.question").forEach(function (f) { if (f.querySelector("input:checked")) n++; });
    countEl.textContent = fmt(msgs.answered, { n: n, total: total });
    form.querySelectorAll(".clear-answer").forEach(function (b) {
      b.hidden = !fieldset(b.dataset.position).querySelector("input:checked");
    });
    return n;
  }

  // --- sending ---
  function send(pos) {
    var entry = store.pending[pos];
    return fetch(saveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: JSON.stringify({ position: parseInt(pos, 10), selected: entry.selected, seq: entry.seq })
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) { return { status: r.status, body: body }; });
    }).then(function (res) {
      if (res.status >= 500 || res.status === 0) throw new Error("server");
      var current = store.pending[pos];
      if (current && current.seq === entry.seq) delete store.pending[pos];
      persist();
      if (res.status === 409 && res.body.closed) {
        closed = true;
        say(res.body.error || msgs.closed, "error");
        setTimeout(function () { window.location.reload(); }, 2500);
      } else if (!res.body.ok) {
        say(fmt(msgs.error, { error: res.body.error || res.status }), "error");
      } else if (res.body.saved_at) {
        say(fmt(msgs.saved, { time: timeOf(res.body.saved_at) }), "ok");
      }
    });
  }

  function flush() {
    if (sending || closed) return Promise.resolve();
    var positions = Object.keys(store.pending);
    if (!positions.length) return Promise.resolve();
    sending = true;
    say(msgs.saving);
    var chain = Promise.resolve();
    positions.forEach(function (pos) { chain = chain.then(function () { if (!closed) return send(pos); }); });
    return chain.then(function () {
      sending = false;
      if (offline) { offline = false; say(msgs.replayed, "ok"); }
    }, function () {
      sending = false;
      offline = true;
      say(msgs.offline, "offline");
    });
  }

  function changed(pos) {
    store.pending[pos] = { selected: selectedOf(pos), seq: nextSeq() };
    persist();
    updateCount();
    flush();
  }

  form.addEventListener("change", function (e) {
    var f = e.target.closest("fieldset.question");
    if (f && !closed) changed(f.dataset.position);
  });
  form.querySelectorAll(".clear-answer").forEach(function (b) {
    b.addEventListener("click", function () { apply(b.dataset.position, []); changed(b.dataset.position); });
  });

  // Answers left unsent by an earlier visit (closed tab, lost connection) are newer than the
  // server's copy when their sequence number is higher: show them and send them again.
  Object.keys(store.pending).forEach(function (pos) {
    var f = fieldset(pos);
    if (!f || store.pending[pos].seq <= parseInt(f.dataset.seq, 10)) { delete store.pending[pos]; return; }
    apply(pos, store.pending[pos].selected);
  });
  persist();
  updateCount();
  flush();
  window.addEventListener("online", flush);
  setInterval(function () { if (Object.keys(store.pending).length) flush(); }, 5000);

  // --- countdown to the server's deadline (not a client-side timer of its own) ---
  var clock = document.getElementById("countdown");
  var deadline = Date.parse(clock.dataset.deadline);
  var skew = Date.parse(clock.dataset.serverNow) - Date.now();
  var timeUp = false;
  function tick() {
    var left = Math.max(0, Math.round((deadline - (Date.now() + skew)) / 1000));
    clock.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
    clock.classList.toggle("urgent", left <= 60);
    if (left === 0 && !timeUp) {
      timeUp = true;
      say(msgs.timeUp, "error");
      flush().then(function () { submitting = true; form.requestSubmit ? form.requestSubmit() : form.submit(); });
    }
  }
  tick();
  setInterval(tick, 1000);

  // --- submit: confirm, then send the form once ---
  form.addEventListener("submit", function (e) {
    var viaSave = e.submitter && e.submitter.id === "save-button";
    if (viaSave || timeUp) { submitting = true; return; }
    var button = document.getElementById("submit-button");
    var unanswered = total - updateCount();
    var question = unanswered > 0 ? fmt(button.dataset.confirmUnanswered, { n: unanswered }) : button.dataset.confirm;
    if (!window.confirm(question)) { e.preventDefault(); return; }
    submitting = true;
    button.disabled = true;
  });
  window.addEventListener("beforeunload", function (e) {
    if (!submitting && Object.keys(store.pending).length) { e.preventDefault(); e.returnValue = ""; }
  });
})();
