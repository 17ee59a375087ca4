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
