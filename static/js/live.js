/* live.js: SSE client (admin dashboard, projector). DOM contract:
 * each [data-live-url=URL] opens one EventSource and updates itself and its
 * descendants: [data-live=signed|eligible|pending] (number, id-ID grouping),
 * [data-live=percent] (string as sent), progress[data-live=progress]
 * (value=signed, max=eligible or 1), ul[data-live=latest] (rebuilt as
 * li > span.name + span.unit + time, textContent only), optional
 * [data-live=status]; sets data-live-state=open|error.
 * Events: unnamed or "stats"; data {"eligible":N,"signed":N,"pending":N,
 * "percent":"12,3","latest":[{"name":"B*** S***","unit":"..","time":"09.01"}]}
 * On error: reopen after 1 s doubling to 30 s, reset by a message.
 */
(function () {
  'use strict';
  if (!window.EventSource) return;
  function num(n) { return typeof n === 'number' ? n.toLocaleString('id-ID') : String(n); }

  function each(root, key, fn) {
    var sel = '[data-live="' + key + '"]';
    if (root.matches(sel)) fn(root);
    root.querySelectorAll(sel).forEach(fn);
  }

  function render(root, d) {
    ['signed', 'eligible', 'pending'].forEach(function (k) {
      if (d[k] != null) each(root, k, function (el) { el.textContent = num(d[k]); });
    });
    if (d.percent != null) each(root, 'percent', function (el) { el.textContent = d.percent; });
    each(root, 'progress', function (el) {
      el.max = Math.max(+d.eligible || 0, 1);
      el.value = Math.min(+d.signed || 0, el.max);
    });
    if (Array.isArray(d.latest)) each(root, 'latest', function (ul) {
      var frag = document.createDocumentFragment();
      d.latest.forEach(function (it) {
        var li = document.createElement('li');
        [['span', 'name', it.name], ['span', 'unit', it.unit], ['time', '', it.time]].forEach(function (c) {
          if (c[2] == null || c[2] === '') return;
          var el = document.createElement(c[0]);
          if (c[1]) el.className = c[1];
          el.textContent = c[2];
          li.appendChild(el);
        });
        frag.appendChild(li);
      });
      ul.textContent = '';
      ul.appendChild(frag);
    });
  }

  function state(root, s, text) {
    root.setAttribute('data-live-state', s);
    each(root, 'status', function (el) { el.textContent = text; });
  }

  function connect(root, delay) {
    var es = new EventSource(root.getAttribute('data-live-url'));
    var onMsg = function (e) {
      var d;
      try { d = JSON.parse(e.data); } catch (_) { return; }
      delay = 1000;
      if (d && typeof d === 'object') render(root, d);
    };
    es.onopen = function () { state(root, 'open', 'Terhubung'); };
    es.onmessage = onMsg;
    es.addEventListener('stats', onMsg);
    es.onerror = function () {
      es.close();
      state(root, 'error', 'Koneksi terputus, menyambung ulang\u2026');
      setTimeout(function () { connect(root, Math.min(delay * 2, 30000)); },
        delay * (0.75 + Math.random() / 2));
    };
  }

  document.querySelectorAll('[data-live-url]').forEach(function (root) { connect(root, 1000); });
})();
