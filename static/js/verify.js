/* verify.js: drag-and-drop for the PDF check. Without JS the form posts normally.
 * DOM contract: form#pdf-check-form (POST, enctype=multipart/form-data)
 *  containing input[type=file]#pdf-file and the drop target #pdf-drop.dropzone
 *  (.dragover is toggled while a file hovers). Dropping a PDF puts it into
 *  #pdf-file and submits the form; #pdf-drop-msg (optional, role=status)
 *  shows "Memeriksa <nama>…" or "Berkas harus PDF.", or the form's
 *  data-msg-checking (with %s for the name) and data-msg-not-pdf in the
 *  page's language.
 */
(function () {
  'use strict';
  var form = document.getElementById('pdf-check-form'),
    input = document.getElementById('pdf-file'),
    zone = document.getElementById('pdf-drop'),
    msg = document.getElementById('pdf-drop-msg');
  if (!form || !input || !zone || !window.DataTransfer) return;

  function say(t) { if (msg) msg.textContent = t; }
  function text(key, fallback) { return form.getAttribute('data-msg-' + key) || fallback; }
  function on(t, f) { zone.addEventListener(t, f); }
  var stop = function (e) { e.preventDefault(); };
  // A file dropped beside the zone must not navigate away to the PDF.
  window.addEventListener('dragover', stop);
  window.addEventListener('drop', stop);

  on('dragover', function (e) { e.preventDefault(); e.dataTransfer.dropEffect = 'copy'; zone.classList.add('dragover'); });
  on('dragleave', function (e) { if (!zone.contains(e.relatedTarget)) zone.classList.remove('dragover'); });
  on('drop', function (e) {
    e.preventDefault();
    zone.classList.remove('dragover');
    var f = e.dataTransfer.files && e.dataTransfer.files[0];
    if (!f) return;
    if (f.type !== 'application/pdf' && !/\.pdf$/i.test(f.name)) { say(text('not-pdf', 'Berkas harus PDF.')); return; }
    var dt = new DataTransfer();
    dt.items.add(f);
    input.files = dt.files;
    say(text('checking', 'Memeriksa %s\u2026').replace('%s', function () { return f.name; }));
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  });
})();

/* The browser's own check: a second implementation of the verification in
 * docs/FORMATS.md and docs/TRUST.md, with WebCrypto (Ed25519, SHA-256).
 * Online it fetches the published keys, the record (with its leaf's exact
 * bytes and the signed checkpoint), the inclusion proof and the signed
 * revocation list, and checks every signature and hash itself. Offline (the
 * service worker answered a certificate URL with the page shell,
 * section[data-shell]) it checks the QR's signed claim with the keys and the
 * revocation list the service worker kept.
 * DOM contract: section#browser-check (hidden until this runs) with
 *  data-t-* texts in the page's language, .verdict > strong + span,
 *  ul.checks and p.bc-note. It sets data-result (valid|revoked|invalid|
 *  notfound|offline-valid|offline-revoked|offline-invalid|unchecked) and
 *  data-failed (the name of the first failed check).
 */
(function () {
  'use strict';
  if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(function () {});
  var box = document.getElementById('browser-check');
  if (!box || !window.crypto || !crypto.subtle) return;

  var enc = new TextEncoder();
  function t(k) { return box.getAttribute('data-t-' + k) || k; }
  function fill(s, v) { return s.replace('%s', function () { return v; }); }
  function b64(s) { return Uint8Array.from(atob(s), function (c) { return c.charCodeAt(0); }); }
  function b64url(s) { return b64(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice(0, (4 - s.length % 4) % 4)); }
  function b32(s) { // RFC 4648 base32, no padding
    var out = [], bits = 0, n = 0;
    for (var i = 0; i < s.length; i++) {
      var v = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'.indexOf(s[i]);
      if (v < 0) throw new Error('base32');
      n = n << 5 | v; bits += 5;
      if (bits >= 8) { bits -= 8; out.push(n >> bits & 255); }
    }
    return Uint8Array.from(out);
  }
  function b64of(b) { return btoa(String.fromCharCode.apply(null, b)); }
  function hex(b) { return Array.from(b, function (x) { return (x < 16 ? '0' : '') + x.toString(16); }).join(''); }
  function cat() {
    var parts = Array.from(arguments), n = 0, o = 0;
    parts.forEach(function (p) { n += p.length; });
    var out = new Uint8Array(n);
    parts.forEach(function (p) { out.set(p, o); o += p.length; });
    return out;
  }
  function same(a, b) { return a.length === b.length && a.every(function (x, i) { return x === b[i]; }); }
  async function sha256(b) { return new Uint8Array(await crypto.subtle.digest('SHA-256', b)); }
  async function node(l, r) { return sha256(cat([1], l, r)); }
  function u64(n) { var b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, BigInt(n)); return b; }
  function ms(s) { return Date.parse(s); }

  // Verifier keys: name+hash+base64(0x01 || 32-byte Ed25519 key), the hash
  // being the first 4 bytes of SHA-256(name "\n" 0x01 key).
  async function keys(text) {
    var out = [];
    for (var line of text.split('\n')) {
      if (!line.trim()) continue;
      var p = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+=*)$/.exec(line.trim()) || [], raw = b64(p[3] || '');
      p.shift();
      if (raw.length !== 33 || raw[0] !== 1) throw new Error('key');
      var h = hex((await sha256(cat(enc.encode(p[0] + '\n'), raw))).slice(0, 4));
      if (h !== p[1]) throw new Error('key hash');
      out.push({ name: p[0], hash: h, key: await crypto.subtle.importKey('raw', raw.slice(1), { name: 'Ed25519' }, false, ['verify']) });
    }
    if (!out.length) throw new Error('no keys');
    return out;
  }
  function ed(k, sig, msg) { return crypto.subtle.verify({ name: 'Ed25519' }, k.key, sig, msg); }

  // Witness keys (c2sp.org/tlog-cosignature): name+hash+base64(0x04 ||
  // 32-byte Ed25519 key), the hash the first 4 bytes of SHA-256(name "\n"
  // 0x04 key), as /api/v1/log/witnesses lists them.
  async function witnessKeys(list) {
    var out = [];
    for (var w of list) {
      var p = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+=*)$/.exec(w.verifier_key || '') || [], raw = b64(p[3] || '');
      if (raw.length !== 33 || raw[0] !== 4) throw new Error('witness key');
      if (hex((await sha256(cat(enc.encode(p[1] + '\n'), raw))).slice(0, 4)) !== p[2]) throw new Error('witness key hash');
      out.push({ name: p[1], hash: p[2], key: await crypto.subtle.importKey('raw', raw.slice(1), { name: 'Ed25519' }, false, ['verify']) });
    }
    return out;
  }

  // The trusted witnesses that cosigned a signed note, with the time each
  // says it did: a cosignature line is "— name base64(key hash || 8-byte
  // time || signature)", the signature over "cosignature/v1\ntime T\n"
  // and the note's text. A bad cosignature by a trusted key refuses the
  // note, as a bad log signature does.
  async function cosigners(msg, ws) {
    var i = msg.lastIndexOf('\n\n'), text = msg.slice(0, i + 1), found = {};
    for (var line of msg.slice(i + 2, -1).split('\n')) {
      var m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
      if (!m) continue;
      var raw = b64(m[2]);
      if (raw.length !== 76) continue;
      for (var w of ws) {
        if (w.name !== m[1] || w.hash !== hex(raw.slice(0, 4))) continue;
        var at = new DataView(raw.buffer, raw.byteOffset + 4, 8).getBigUint64(0);
        if (!await ed(w, raw.slice(12), cat(enc.encode('cosignature/v1\ntime ' + at + '\n'), enc.encode(text)))) throw new Error('bad cosignature');
        found[w.name] = new Date(Number(at) * 1000).toISOString().replace('.000Z', 'Z');
      }
    }
    return found;
  }

  // A C2SP signed note: the text up to and including the newline before
  // the last blank line, then lines "— name base64(key hash || signature)".
  // Returns the text's lines if a known key named as its first line signed
  // it; a bad signature by a known key refuses the note.
  async function openNote(msg, ks) {
    var i = msg.lastIndexOf('\n\n');
    if (i < 0 || !msg.endsWith('\n')) throw new Error('note');
    var text = msg.slice(0, i + 1), lines = text.slice(0, -1).split('\n'), ok = false;
    for (var line of msg.slice(i + 2, -1).split('\n')) {
      var m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
      if (!m) throw new Error('note signature line');
      var raw = b64(m[2]);
      if (raw.length !== 68) continue;
      for (var k of ks) {
        if (k.name !== m[1] || k.hash !== hex(raw.slice(0, 4))) continue;
        if (!await ed(k, raw.slice(4), enc.encode(text))) throw new Error('bad note signature');
        if (k.name === lines[0]) ok = true;
      }
    }
    if (!ok) throw new Error('note not signed by the log');
    return lines;
  }

  // A leaf's "key value" lines, values percent-unescaped (only ASCII bytes
  // are ever escaped, so unescaping the decoded text is exact).
  function leafFields(bytes, kind) {
    var lines = new TextDecoder('utf-8', { fatal: true }).decode(bytes).split('\n'), f = {};
    if (lines.pop() !== '') throw new Error('leaf');
    var v = new RegExp('^ikrar-' + (kind || 'leaf') + '/v(\\d+)$').exec(lines.shift() || '');
    if (!v) throw new Error('leaf version');
    lines.forEach(function (l) {
      var i = l.indexOf(' ');
      f[l.slice(0, i)] = l.slice(i + 1).replace(/%([0-9A-Fa-f]{2})/g, function (_, h) { return String.fromCharCode(parseInt(h, 16)); });
    });
    f.version = +v[1];
    return f;
  }

  // Where each leaf field is in the API's record (the first name present);
  // times compare as instants. A field without a counterpart is proved by
  // the inclusion proof but shown nowhere, so it is not compared.
  var counterparts = {
    code: ['code'], event: ['event_id'], pledge: ['pledge_hash'], signed: ['signed_at'], channel: ['channel'],
    identity: ['identity_hash'], 'event-title': ['event_title', 'event'], 'event-place': ['event_place'],
    'event-starts': ['event_starts_at', 'event_starts'], 'event-org': ['event_organization', 'event_org'],
    org: ['organization'], holder: ['holder_hash', 'holder_commitment'], scan: ['scan_sha256']
  };
  var times = { signed: 1, 'event-starts': 1 };
  function differs(f, rec) {
    return Object.keys(f).filter(function (k) {
      var name = (counterparts[k] || []).find(function (n) { return typeof rec[n] === 'string' || typeof rec[n] === 'number'; });
      if (!name) return false;
      return times[k] ? ms(f[k]) !== ms(rec[name]) : f[k] !== String(rec[name]);
    });
  }

  // RFC 9162 §2.1.3.2: the root an inclusion proof gives for leaf index of size.
  async function proofRoot(index, size, leaf, path) {
    if (index >= size) return null;
    var fn = index, sn = size - 1, r = leaf;
    for (var p of path) {
      if (sn === 0) return null;
      if (fn % 2 === 1 || fn === sn) {
        r = await node(p, r);
        if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
      } else r = await node(r, p);
      fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
    }
    return sn === 0 ? r : null;
  }

  // RFC 9162 §2.1.4.2: does proof show the tree (size m, root a) to be the
  // beginning of the tree (size n, root b)?
  async function extends_(m, a, n, b, proof) {
    if (m === n) return proof.length === 0 && same(a, b);
    if (m === 0 || m > n || !proof.length) return m === 0;
    if (Number.isInteger(Math.log2(m))) proof = [a].concat(proof);
    var fn = m - 1, sn = n - 1;
    while (fn % 2 === 1) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    var fr = proof[0], sr = proof[0];
    for (var c of proof.slice(1)) {
      if (sn === 0) return false;
      if (fn % 2 === 1 || fn === sn) {
        fr = await node(c, fr); sr = await node(c, sr);
        if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
      } else sr = await node(sr, c);
      fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
    }
    return sn === 0 && same(fr, a) && same(sr, b);
  }

  // The log only grows: the checkpoint this device last verified must be
  // the beginning of today's. It is kept (origin, size, root; nothing
  // personal) only once verified, and not replaced by one that fails.
  async function consistent(cp) {
    var seen = null, key = 'ikrar-checkpoint', root = b64of(cp.root);
    try { seen = JSON.parse(localStorage.getItem(key) || 'null'); } catch (e) { seen = null; }
    if (seen && seen.origin === cp.origin) {
      var ok = seen.size <= cp.size;
      if (ok && seen.size < cp.size) {
        var pr = await get('/api/v1/log/proof/consistency?from=' + seen.size + '&to=' + cp.size, true);
        ok = !!pr && await extends_(seen.size, b64(seen.root), cp.size, cp.root, (pr.proof || []).map(b64));
      } else if (ok) ok = seen.root === root;
      if (!check('consistency', ok, fill(t('since'), seen.size))) return false;
    }
    try { localStorage.setItem(key, JSON.stringify({ origin: cp.origin, size: cp.size, root: root })); } catch (e) { /* storage off */ }
    return true;
  }

  // The QR claim the page was opened with: v1 in the query, v2 in the path.
  function claimOf(code) {
    var q = new URLSearchParams(location.search), m = /^\/v\/([A-Z0-9]+)\/([A-Z2-7]+)$/i.exec(location.pathname);
    if (m) {
      var raw = b32(m[2].toUpperCase());
      if (raw.length !== 86) throw new Error('claim length');
      var t = 0;
      for (var i = 0; i < 6; i++) t = t * 256 + raw[i];
      return { v: 2, code: m[1].toUpperCase(), t: t, leaf: hex(raw.slice(6, 22)), sig: raw.slice(22) };
    }
    if (!q.has('s')) return null;
    var p = b64url(q.get('p') || ''), id = b64url(q.get('i') || ''), tok = b64url(q.get('s') || '');
    if (p.length !== 16 || id.length !== 16 || tok.length !== 68 || !/^\d+$/.test(q.get('e')) || !/^\d+$/.test(q.get('t'))) throw new Error('claim');
    return { v: 1, code: code, e: +q.get('e'), t: +q.get('t'), p: hex(p), i: hex(id), hash: hex(tok.slice(0, 4)), sig: tok.slice(4) };
  }

  // The claim's signature by a published key (docs/FORMATS.md §5 for v2,
  // internal/translog/claim.go for v1).
  async function claimSigned(c, ks) {
    for (var k of ks) {
      var msg;
      if (c.v === 1) {
        if (k.hash !== c.hash) continue;
        var code = enc.encode(c.code);
        msg = cat(enc.encode('ikrar-claim/v1\0'), [code.length], code, u64(c.e), u64(c.t), b16(c.p), b16(c.i));
      } else {
        msg = cat(enc.encode('ikrar-claim/v2\0'), enc.encode([k.name, location.host.toLowerCase(), c.code, c.t, c.leaf].join('\n') + '\n'));
      }
      if (await ed(k, c.sig, msg)) return true;
    }
    return false;
  }
  function b16(h) { return Uint8Array.from(h.match(/../g), function (x) { return parseInt(x, 16); }); }
  function claimMatches(c, f, leafHex) {
    if (c.code !== f.code || c.t !== ms(f.signed)) return false;
    if (c.v === 2) return c.leaf === leafHex.slice(0, 32);
    return String(c.e) === f.event && c.p === f.pledge.slice(0, 32) && c.i === f.identity.slice(0, 32);
  }

  // get fetches url: its text, its JSON (json), its bytes (json, bytes);
  // with json, null for a 404.
  async function get(url, json, bytes) {
    var res = await fetch(url, { cache: 'no-cache' }).catch(function (e) { e.network = true; throw e; });
    if (res.status === 404 && json) return null;
    if (!res.ok) throw new Error(url + ': ' + res.status);
    if (bytes) return new Uint8Array(await res.arrayBuffer());
    return json ? res.json() : res.text();
  }
  async function revocationList(ks, origin) {
    var lines = await openNote(await get('/api/v1/log/revocations'), ks), m = /^revocations (\d+)$/.exec(lines[1] || '');
    if (!m || (origin && lines[0] !== origin)) throw new Error('revocation list');
    return { size: +m[1], codes: lines.slice(2) };
  }

  var checks = [];
  function check(name, ok, detail) { checks.push({ name: name, ok: ok, detail: detail || '' }); return ok; }
  function show(result, headline, text, note) {
    var failed = checks.find(function (c) { return !c.ok; });
    box.setAttribute('data-result', result);
    if (failed) box.setAttribute('data-failed', failed.name);
    var v = box.querySelector('.verdict');
    v.className = 'verdict ' + ({ valid: 'verdict-valid', revoked: 'verdict-revoked', invalid: 'verdict-revoked verdict-invalid' }[result.replace('offline-', '')] || 'verdict-unknown');
    v.querySelector('strong').textContent = headline;
    v.querySelector('span').textContent = text;
    var ul = box.querySelector('ul.checks');
    ul.textContent = '';
    checks.forEach(function (c) {
      var li = document.createElement('li'), n = document.createElement('span');
      li.className = c.ok ? 'ok' : 'fail';
      n.className = 'mono';
      n.textContent = c.name;
      li.append(n, ' ' + (c.ok ? '\u2713' : '\u2717') + (c.detail ? ' ' + c.detail : ''));
      ul.append(li);
    });
    box.querySelector('.bc-note').textContent = note || '';
  }
  function invalid() {
    var f = checks.find(function (c) { return !c.ok; });
    show('invalid', t('invalid'), t('fail-' + f.name) + (f.detail ? ' (' + f.detail + ')' : ''), t('about'));
  }

  async function online(code) {
    var ks = await keys(await get('/api/v1/log/key'));
    var rec = await get('/api/v1/certificates/' + encodeURIComponent(code), true);
    if (!rec) return show('notfound', t('notfound'), fill(t('notfound-text'), code), t('about'));
    var log = rec.log || {};
    var cp = null;
    try {
      var lines = await openNote(log.checkpoint || '', ks);
      cp = { origin: lines[0], size: +lines[1], root: b64(lines[2]) };
      if (lines.length !== 3 || String(cp.size) !== lines[1] || cp.root.length !== 32) throw new Error('checkpoint');
    } catch (e) { cp = null; }
    if (!check('checkpoint_signature', !!cp, cp ? fill(t('as-of'), cp.size) : '')) return invalid();
    if (!await consistent(cp)) return invalid();
    var wl = await get('/api/v1/log/witnesses', true).catch(function () { return null; });
    if (wl && wl.quorum > 0) {
      // The registry names its witnesses and quorum; the cosignatures are
      // checked here, and fewer than the quorum refuse the checkpoint: a
      // view no witness saw may be one shown to this device alone.
      var got = null;
      try { got = await cosigners(log.checkpoint, await witnessKeys(wl.witnesses || [])); } catch (e) { got = null; }
      var names = got ? Object.keys(got).map(function (n) { return n + ' ' + got[n]; }) : [];
      if (!check('witnesses', names.length >= wl.quorum, names.length >= wl.quorum ? fill(t('witnessed'), names.join(', ')) :
        fill(fill(t('witness-count'), String(names.length)), String(wl.quorum)))) return invalid();
    }

    var pre = log.leaf_preimage ? b64(log.leaf_preimage) : null, f = null, leaf = null;
    try { if (pre) { f = leafFields(pre); leaf = await sha256(cat([0], pre)); } } catch (e) { f = null; }
    var bad = f ? differs(f, rec) : ['preimage'];
    if (f && f.kind !== 'signature') bad.push('kind');
    if (f && f.version !== log.leaf_version) bad.push('version');
    if (f && hex(leaf) !== hex(b64(log.leaf_hash || ''))) bad.push('leaf_hash');
    if (f && log.holder_preimage) {
      // The holder commitment's preimage: its hash is the leaf's holder,
      // and it says the position, rank and unit the record shows.
      var hpre = b64(log.holder_preimage), hf = null;
      try { hf = leafFields(hpre, 'holder'); } catch (e) { bad.push('holder'); }
      if (hf && hex(await sha256(hpre)) !== f.holder) bad.push('holder');
      if (hf) ['position', 'rank', 'unit'].forEach(function (k) { if (typeof rec[k] === 'string' && hf[k] !== rec[k]) bad.push(k); });
    }
    if (!check('leaf', !bad.length, bad.join(', '))) return invalid();

    var idx = log.leaf_index;
    async function included(index, h) {
      if (!(index >= 0) || index >= cp.size) return false;
      var pr = await get('/api/v1/log/proof/inclusion?index=' + index + '&size=' + cp.size, true);
      var r = pr && await proofRoot(index, cp.size, h, (pr.proof || []).map(b64));
      return !!r && same(r, cp.root);
    }
    if (!check('inclusion', await included(idx, leaf), fill(t('leaf-in'), idx))) return invalid();

    var revoked = rec.status === 'revoked' || !!rec.revocation, rl = await revocationList(ks, cp.origin).catch(function () { return null; });
    var listed = rl && rl.codes.indexOf(rec.code) >= 0, rli = log.revocation_leaf_index;
    var rv = rec.revocation || {}, rlog = rv.log;
    if (revoked && rlog) {
      // The revocation's leaf: its hash, kind and code, the record it
      // revokes (v2), its time and the hash of the reason shown.
      var rpre = b64(rlog.preimage || rlog.leaf_preimage || ''), rf = null, rh = null;
      try { rf = leafFields(rpre); rh = await sha256(cat([0], rpre)); } catch (e) { rf = null; }
      var given = rlog.leaf_hash || '', reason = rv.reason ? hex(await sha256(enc.encode(rv.reason))) : '';
      var rok = !!rf && rf.kind === 'revocation' && rf.code === rec.code && (!given || given === hex(rh) || given === b64of(rh)) &&
        (!rf.record || rf.record === hex(leaf)) && (!rf.revoked || ms(rf.revoked) === ms(rv.revoked_at)) && (!reason || !rf.reason || rf.reason === reason);
      rli = rlog.index !== undefined ? rlog.index : rlog.leaf_index;
      if (!check('revocation', rok && (rli >= cp.size || await included(rli, rh)), fill(t('leaf-in'), rli))) return invalid();
    }
    var listOK = rl && (revoked ? listed || (rli >= rl.size) : !listed);
    if (!check('revocation_list', !!listOK, rl ? fill(t('as-of'), rl.size) : '')) return invalid();

    if (log.issuance) {
      // The issued PDF's fingerprint, as logged.
      var ipre = b64(log.issuance.preimage || ''), itf = null, ih = null;
      try { itf = leafFields(ipre); ih = await sha256(cat([0], ipre)); } catch (e) { itf = null; }
      var iok = !!itf && itf.kind === 'issuance' && itf.code === rec.code && itf.record === hex(leaf) &&
        (!rec.pdf_sha256 || itf.pdf === rec.pdf_sha256) && [hex(ih), b64of(ih)].indexOf(log.issuance.leaf_hash) >= 0;
      if (!check('issuance', iok && (log.issuance.index >= cp.size || await included(log.issuance.index, ih)), fill(t('leaf-in'), log.issuance.index))) return invalid();
    }
    if (rec.pledge_url) {
      // The pledge text the leaf commits to, as the registry serves it.
      var text = await get('/api/v1/pledges/' + f.pledge, true, true);
      if (!check('pledge', !!text && hex(await sha256(text)) === f.pledge)) return invalid();
    }

    var c = null;
    try { c = claimOf(rec.code); } catch (e) { check('claim', false); return invalid(); }
    if (c && !check('claim', await claimSigned(c, ks) && claimMatches(c, f, hex(leaf)))) return invalid();

    if (revoked) return show('revoked', t('revoked'), t('revoked-text'), t('about'));
    show('valid', t('valid'), t('valid-text'), t('about'));
  }

  async function offline(code) {
    var ks, rl, c;
    try { ks = await keys(await get('/api/v1/log/key')); rl = await revocationList(ks, ks[0].name); } catch (e) {
      return show('unchecked', t('offline'), t('offline-nodata'), '');
    }
    try { c = claimOf(code); } catch (e) { c = false; }
    if (c === null) return show('unchecked', t('offline'), t('offline-noclaim'), fill(t('offline-note'), rl.size));
    if (!check('claim', !!c && await claimSigned(c, ks), c ? new Date(c.t).toISOString() : '')) {
      return show('offline-invalid', t('invalid'), t('fail-claim'), fill(t('offline-note'), rl.size));
    }
    var listed = rl.codes.indexOf(c.code) >= 0;
    check('revocation_list', true, fill(t('as-of'), rl.size));
    show(listed ? 'offline-revoked' : 'offline-valid', t(listed ? 'revoked' : 'valid'),
      fill(t(listed ? 'offline-revoked' : 'offline-valid'), c.code), fill(t('offline-note'), rl.size));
  }

  box.hidden = false;
  var code = (box.getAttribute('data-code') || location.pathname.split('/')[2] || '').toUpperCase();
  // Ed25519 in WebCrypto: Chromium 137, Firefox 129, Safari 17. The key is
  // the test key of docs/TRUST.md §9.
  var probe = crypto.subtle.importKey('raw', b64('A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg='), { name: 'Ed25519' }, false, ['verify']);
  probe.then(function () {
    if (box.hasAttribute('data-shell')) return offline(code);
    return online(code).catch(function (e) {
      if (!e.network) throw e;
      checks = [];
      return offline(code);
    });
  }, function () {
    show('unchecked', t('unsupported'), t('unsupported-text'), '');
  }).catch(function (e) {
    show('unchecked', t('unsupported'), fill(t('error'), e.message), '');
  });
})();
