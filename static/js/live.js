/* live.js: SSE client (admin dashboard, projector). DOM contract:
 * each [data-live-url=URL] opens one EventSource and updates itself and its
 * descendants: [data-live=signed|eligible|pending] (number, grouped in the
 * page's language), [data-live=percent] (string as sent),
 * progress[data-live=progress] (value=signed, max=eligible or 1),
 * ul[data-live=latest] (rebuilt as li > span.name + span.unit + time),
 * ol[data-live=units] (rebuilt as li > span.name + span.count + progress),
 * svg[data-live=curve] (its rects, one per minute in order, get y and height
 * from data-base and data-height, their title "minute: count"; texts
 * [data-live=curve-from|curve-to] the first and last minute), optional
 * [data-live=status] (data-live-open / data-live-lost on the root give its
 * text); all text set with textContent; sets data-live-state=open|error.
 * Events: unnamed or "stats"; data {"eligible":N,"signed":N,"pending":N,
 * "percent":"12,3","units":[{"unit":"..","signed":N,"eligible":N,
 * "percent":"12,3"}],"curve":[{"minute":"09.01","count":N}],
 * "latest":[{"name":"..","unit":"..","time":"09.01"}]}; any may be missing.
 * On error: reopen after 1 s doubling to 30 s, reset by a message; the
 * lost state shows from the second failure on.
 */
(function () {
  'use strict';
  if (!window.EventSource) return;
  var locale = document.documentElement.lang === 'en' ? 'en' : 'id-ID';
  function num(n) { return typeof n === 'number' ? n.toLocaleString(locale) : String(n); }

  function each(root, key, fn) {
    var sel = '[data-live="' + key + '"]';
    if (root.matches(sel)) fn(root);
    root.querySelectorAll(sel).forEach(fn);
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  // list rebuilds each list of key from items, one li each by fill.
  function list(root, key, items, fill) {
    if (!Array.isArray(items)) return;
    each(root, key, function (ul) {
      var frag = document.createDocumentFragment();
      items.forEach(function (it) {
        var li = document.createElement('li');
        fill(li, it);
        frag.appendChild(li);
      });
      ul.textContent = '';
      ul.appendChild(frag);
    });
  }

  function bar(max, value) {
    var p = document.createElement('progress');
    p.max = Math.max(+max || 0, 1);
    p.value = Math.min(+value || 0, p.max);
    return p;
  }

  function render(root, d) {
    ['signed', 'eligible', 'pending'].forEach(function (k) {
      if (d[k] != null) each(root, k, function (e) { e.textContent = num(d[k]); });
    });
    if (d.percent != null) each(root, 'percent', function (e) { e.textContent = d.percent; });
    each(root, 'progress', function (e) {
      e.max = Math.max(+d.eligible || 0, 1);
      e.value = Math.min(+d.signed || 0, e.max);
    });
    list(root, 'latest', d.latest, function (li, it) {
      li.appendChild(el('span', 'name', it.name));
      li.appendChild(el('span', 'unit', it.unit));
      li.appendChild(el('time', '', it.time));
    });
    list(root, 'units', d.units, function (li, u) {
      li.appendChild(el('span', 'name', u.unit));
      li.appendChild(document.createTextNode(' '));
      li.appendChild(el('span', 'count', num(u.signed) + ' / ' + num(u.eligible) + ' \u00b7 ' + u.percent + '%'));
      li.appendChild(bar(u.eligible, u.signed));
    });
    if (Array.isArray(d.curve) && d.curve.length) each(root, 'curve', function (svg) {
      var base = +svg.getAttribute('data-base'), height = +svg.getAttribute('data-height');
      var top = Math.max.apply(null, d.curve.map(function (m) { return m.count; }).concat(1));
      svg.querySelectorAll('rect').forEach(function (r, i) {
        var m = d.curve[i];
        if (!m) return;
        var h = Math.ceil(height * m.count / top);
        r.setAttribute('y', base - h);
        r.setAttribute('height', h);
        var t = r.querySelector('title');
        if (t) t.textContent = m.minute + ': ' + m.count;
      });
      each(svg, 'curve-from', function (e) { e.textContent = d.curve[0].minute; });
      each(svg, 'curve-to', function (e) { e.textContent = d.curve[d.curve.length - 1].minute; });
    });
  }

  function state(root, s, attr, text) {
    root.setAttribute('data-live-state', s);
    if (root.hasAttribute(attr)) text = root.getAttribute(attr);
    each(root, 'status', function (e) { e.textContent = text; });
  }

  function connect(root, delay) {
    var es = new EventSource(root.getAttribute('data-live-url'));
    var onMsg = function (e) {
      var d;
      try { d = JSON.parse(e.data); } catch (_) { return; }
      delay = 1000;
      if (d && typeof d === 'object') render(root, d);
    };
    es.onopen = function () { state(root, 'open', 'data-live-open', 'Terhubung'); };
    es.onmessage = onMsg;
    es.addEventListener('stats', onMsg);
    es.onerror = function () {
      es.close();
      // The server ends streams now and then; a first retry goes unannounced.
      if (delay > 1000) state(root, 'error', 'data-live-lost', 'Koneksi terputus, menyambung ulang\u2026');
      setTimeout(function () { connect(root, Math.min(delay * 2, 30000)); },
        delay * (0.75 + Math.random() / 2));
    };
  }

  document.querySelectorAll('[data-live-url]').forEach(function (root) { connect(root, 1000); });
})();
