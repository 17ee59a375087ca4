/* import.js: progress of a roster import.
 * On the organization page, form[data-upload] is sent with XMLHttpRequest
 * so that the upload shows its progress in its progress[data-upload=bar]
 * and [data-upload=text] (texts from data-text-sending, "{p}" the
 * percentage, and data-text-sent); the answer is followed like a form's.
 * On an import's page, [data-import-status=URL] is polled every second:
 * {"finished":bool,"text":"..","done":N,"total":N,"percent":N|-1};
 * [data-import=text] gets the text, progress[data-import=bar] done/total
 * (no value while percent is -1); once finished the page reloads and shows
 * the result. Without this script the form posts as usual and the import's
 * page refreshes itself every 2 s.
 */
(function () {
  'use strict';

  function upload(form) {
    var bar = form.querySelector('[data-upload="bar"]');
    var text = form.querySelector('[data-upload="text"]');
    form.addEventListener('submit', function (ev) {
      if (!window.FormData || !form.checkValidity()) return;
      ev.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      xhr.upload.addEventListener('progress', function (e) {
        if (!e.lengthComputable) return;
        var p = Math.floor(e.loaded * 100 / e.total);
        bar.max = e.total;
        bar.value = e.loaded;
        text.textContent = (form.dataset.textSending || '').replace('{p}', p);
      });
      xhr.upload.addEventListener('load', function () {
        text.textContent = form.dataset.textSent || '';
        bar.removeAttribute('value');
      });
      xhr.addEventListener('load', function () {
        // A redirect was followed to the import's page: go there. An
        // error page (too large, busy) replaces this one as it is.
        if (xhr.responseURL && xhr.responseURL.indexOf('/admin/imports/') !== -1) {
          location.assign(xhr.responseURL);
          return;
        }
        var doc = new DOMParser().parseFromString(xhr.responseText, 'text/html');
        document.replaceChild(document.adoptNode(doc.documentElement), document.documentElement);
      });
      xhr.addEventListener('error', function () {
        text.textContent = form.dataset.textFailed || '';
        form.querySelector('button[type=submit]').disabled = false;
      });
      form.querySelector('button[type=submit]').disabled = true;
      bar.hidden = false;
      text.hidden = false;
      xhr.send(new FormData(form));
    });
  }

  function follow(root) {
    var url = root.getAttribute('data-import-status');
    var text = root.querySelector('[data-import="text"]');
    var bar = root.querySelector('[data-import="bar"]');
    function poll() {
      fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (p) {
          text.textContent = p.text;
          if (p.percent >= 0 && p.total > 0) {
            bar.max = p.total;
            bar.value = p.done;
          } else {
            bar.removeAttribute('value');
          }
          if (p.finished) {
            location.reload();
            return;
          }
          setTimeout(poll, 1000);
        })
        .catch(function () { setTimeout(function () { location.reload(); }, 2000); });
    }
    setTimeout(poll, 1000);
  }

  document.querySelectorAll('form[data-upload]').forEach(upload);
  document.querySelectorAll('[data-import-status]').forEach(follow);
})();
