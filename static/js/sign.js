/* sign.js: enhances the signing form; needs the SignaturePad global (vendor
 * script loaded first, both defer). Without JS the typed name is posted.
 * DOM contract:
 *  form#sign-form POST; button#sign-submit; input[type=checkbox]#consent
 *  #sigpad.sigpad.hidden > canvas#sigpad-canvas, button#sigpad-undo,
 *    button#sigpad-clear (type=button). JS un-hides it and hides
 *    #typed-fallback-note (optional).
 *  input[type=hidden]#signature-strokes name=signature_strokes: on submit
 *    the pad's strokes in the compact format (docs/FORMATS.md, "Signature
 *    strokes"): "v1:" then x,y in tenths of a px, points split by a space,
 *    strokes by ";"; "" in typed mode. form[data-timing] (the organization
 *    keeps stroke timing): "v1t:" and a time per point, the stroke's first
 *    in ms since the epoch, later ones in ms since the point before.
 *    A value the server sends back (the form shown again after an error)
 *    is drawn on the pad at load, so a signature is never lost; so is the
 *    toData() JSON a page from before the compact format posted.
 *  input[type=checkbox]#use-typed (optional) toggles typed mode:
 *    #typed-block > input#typed-name name=typed_name. Typed mode: pad hidden
 *    and off, name required. Drawing mode: block hidden, input disabled.
 *  #sign-error role=alert (class hidden while empty): validation message;
 *    #sigpad-error (optional), next to the pad, takes the pad's own message,
 *    so an empty pad is reported where the finger must go, not below it.
 *  The form has novalidate: every message comes from here, in the page's
 *    language, never the browser's bubbles.
 *  Hapus (clear) can be undone: Urungkan after Hapus brings the strokes back.
 *  form data-msg-name, data-msg-draw, data-msg-consent, data-msg-sending:
 *    the messages in the page's language (Indonesian when absent)
 */
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var form = $('sign-form'), wrap = $('sigpad'), canvas = $('sigpad-canvas');
  if (!form || !wrap || !canvas || typeof window.SignaturePad !== 'function') return;
  var strokes = $('signature-strokes'), useTyped = $('use-typed'), block = $('typed-block'),
    name = $('typed-name'), consent = $('consent'), submit = $('sign-submit'), errBox = $('sign-error'),
    padErr = $('sigpad-error'), label = submit && submit.textContent, busy = false, lastW = 0, timer,
    cleared = null; // the strokes Hapus took away, for Urungkan
  function msg(key, fallback) { return form.getAttribute('data-msg-' + key) || fallback; }
  var pad = new window.SignaturePad(canvas, {
    minWidth: 0.7, maxWidth: 2.5, penColor: '#0b1f44', backgroundColor: 'rgba(0,0,0,0)'
  });

  // The compact format: the points and, where kept, their times; what the
  // certificate and the evidence need of toData(), a quarter of its size.
  function encode(data, timing) {
    return (timing ? 'v1t:' : 'v1:') + data.map(function (g) {
      var last = 0;
      return g.points.map(function (p, i) {
        var s = Math.round(p.x * 10) + ',' + Math.round(p.y * 10), t;
        if (timing) { // a clock that steps back must not void the drawing
          t = Math.max(Math.round(p.time) || 0, last);
          s += ',' + (i ? t - last : t);
          last = t;
        }
        return s;
      }).join(' ');
    }).join(';');
  }

  // encode's inverse, for the pad: untimed points get 16 ms steps so the
  // pen widths look as drawn.
  function decode(v) {
    var m = /^v1(t?):(.+)$/.exec(v), t = Date.now();
    if (!m) return null;
    return m[2].split(';').map(function (g) {
      return { points: g.split(' ').map(function (p, i) {
        var n = p.split(',').map(Number);
        t = m[1] ? (i ? t + n[2] : n[2]) : t + 16;
        return { x: n[0] / 10, y: n[1] / 10, pressure: 0.5, time: t };
      }) };
    });
  }

  function show(el, on) { if (el) el.classList.toggle('hidden', !on); }
  function on(el, type, fn) { if (el) el.addEventListener(type, fn); }
  function typed() { return !!(useTyped && useTyped.checked); }

  // Size the bitmap to CSS px * devicePixelRatio; keep (and rescale) strokes.
  function resize() {
    var w = canvas.offsetWidth;
    if (!w || w === lastW) return; // hidden, or only the height changed
    var r = Math.max(window.devicePixelRatio || 1, 1), k = lastW ? w / lastW : 1, data = pad.toData();
    data.forEach(function (g) { g.points.forEach(function (p) { p.x *= k; p.y *= k; }); });
    lastW = w;
    canvas.width = w * r;
    canvas.height = Math.round(w / 2) * r;
    canvas.getContext('2d').scale(r, r);
    pad.fromData(data);
  }

  function error(msg, el) {
    var box = el === canvas && padErr ? padErr : errBox;
    [errBox, padErr].forEach(function (b) { if (b) { b.textContent = b === box ? msg || '' : ''; show(b, b === box && !!msg); } });
    canvas.setAttribute('aria-invalid', String(!!msg && box === padErr));
    if (el) { el.focus({ preventScroll: true }); el.scrollIntoView({ block: 'center' }); }
  }

  function mode() {
    var t = typed();
    show(wrap, !t);
    show(block, t);
    if (name) { name.disabled = !t; name.required = t; }
    if (t) pad.off(); else { pad.on(); resize(); }
    error('');
  }

  function check() {
    if (typed()) {
      if (name && !name.value.trim()) return [msg('name', 'Tuliskan nama lengkap Anda.'), name];
    } else if (pad.toData().reduce(function (n, g) { return n + g.points.length; }, 0) < 10) {
      return [msg('draw', 'Silakan bubuhkan tanda tangan Anda pada kotak di atas.'), canvas];
    }
    if (consent && !consent.checked) return [msg('consent', 'Centang persetujuan terlebih dahulu.'), consent];
  }

  // Runs on the button's click (Enter fires it too), i.e. before the browser's
  // required-field bubbles, and again on submit.
  function guard(e) {
    var bad = busy ? [] : check();
    if (bad) { e.preventDefault(); if (bad[0]) error(bad[0], bad[1]); }
  }
  on(submit, 'click', guard);
  on(form, 'submit', function (e) {
    guard(e);
    if (e.defaultPrevented) return;
    if (strokes) strokes.value = typed() ? '' : encode(pad.toData(), form.hasAttribute('data-timing'));
    busy = true;
    // Later, so that a named submit button is still part of the form data.
    if (submit) setTimeout(function () { submit.disabled = true; submit.textContent = msg('sending', 'Mengirim\u2026'); }, 0);
  });
  on(window, 'pageshow', function () { // back/forward cache
    busy = false;
    if (submit) { submit.disabled = false; submit.textContent = label; }
  });
  on($('sigpad-clear'), 'click', function (e) {
    e.preventDefault();
    var d = pad.toData();
    if (d.length) cleared = d;
    pad.clear();
  });
  on($('sigpad-undo'), 'click', function (e) {
    e.preventDefault();
    var d = pad.toData();
    if (d.length) d.pop();
    else if (cleared) { d = cleared; cleared = null; }
    pad.fromData(d);
  });
  pad.addEventListener('endStroke', function () { error(''); });
  on(consent, 'change', function () { error(''); });
  on(useTyped, 'change', mode);
  function later() { clearTimeout(timer); timer = setTimeout(resize, 150); }
  on(window, 'resize', later);
  on(window, 'orientationchange', later);

  // Restore the strokes the server handed back, before the first resize.
  if (strokes && strokes.value) {
    try {
      var kept = strokes.value.charAt(0) === '[' ? JSON.parse(strokes.value) : decode(strokes.value);
      if (Array.isArray(kept)) pad.fromData(kept);
    } catch (ignore) { /* not strokes: start with an empty pad */ }
  }

  show($('typed-fallback-note'), false);
  mode();
})();
