/*
 * A form[data-confirm] asks its question (the attribute's text) before it
 * is sent, and sends confirm=1 when the answer is yes. Without this
 * script the server asks on a page of its own (internal/web/confirm_action.go).
 */
(function () {
  'use strict';
  document.addEventListener('submit', function (e) {
    var form = e.target;
    var question = form.getAttribute && form.getAttribute('data-confirm');
    if (!question || form.querySelector('input[name="confirm"]')) return;
    if (!window.confirm(question)) {
      e.preventDefault();
      return;
    }
    var yes = document.createElement('input');
    yes.type = 'hidden';
    yes.name = 'confirm';
    yes.value = '1';
    form.appendChild(yes);
  });
})();
