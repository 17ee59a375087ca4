/*
 * The certificate page's "Salin tautan" and "Cetak" buttons. Without this
 * script they stay hidden: the link is shown in a field to select and
 * copy, and the browser's own menu prints (static/css/app.css has the
 * print style).
 */
(function () {
  'use strict';
  var copy = document.getElementById('share-copy');
  var field = document.getElementById('share-url');
  var status = document.getElementById('share-status');
  var print = document.getElementById('share-print');
  if (copy && field) {
    copy.hidden = false;
    copy.addEventListener('click', function () {
      var done = function () { status.textContent = copy.getAttribute('data-done'); };
      var fail = function () {
        field.focus();
        field.select();
        status.textContent = copy.getAttribute('data-fail');
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(field.value).then(done, fail);
        return;
      }
      field.select();
      try {
        if (document.execCommand('copy')) { done(); return; }
      } catch (e) { /* fall through */ }
      fail();
    });
  }
  if (print) {
    print.hidden = false;
    print.addEventListener('click', function () { window.print(); });
  }
})();
