/**
 * /assets/portal.js — the one script of the people pages (CSP `script-src 'self'`; the pages
 * themselves hold no inline script): the copy buttons of the credentials page. A button
 * `data-copy="ID"` copies the text of the element with that id. The buttons are `hidden` in the
 * HTML and shown here, so without the script nothing is offered that does not work.
 *
 * The Clipboard API first (a secure context: https, or http on loopback); where it is missing
 * or refused, the block's text is selected and `execCommand('copy')` tried, and the status tells
 * the person to press Ctrl+C / ⌘C when even that did not copy. Nothing is sent anywhere.
 */
export const PORTAL_JS = `'use strict';
(function () {
  function status(id, text) {
    var s = document.querySelector('[data-status="' + id + '"]');
    if (s) s.textContent = text;
  }
  function selectText(el) {
    var range = document.createRange();
    range.selectNodeContents(el);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }
  function fallback(id, el) {
    selectText(el);
    var ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    status(id, ok ? 'Copied' : 'Selected: press Ctrl+C (\\u2318C on a Mac) to copy');
  }
  function copy(button) {
    var id = button.getAttribute('data-copy');
    var el = document.getElementById(id);
    if (!el) return;
    var text = el.textContent;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () {
        status(id, 'Copied');
      }, function () {
        fallback(id, el);
      });
    } else {
      fallback(id, el);
    }
  }
  function start() {
    var buttons = document.querySelectorAll('button[data-copy]');
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener('click', function (ev) { copy(ev.currentTarget); });
    }
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
`;
