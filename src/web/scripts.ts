/**
 * The people pages' only script, /assets/portal.js (CSP script-src 'self'; no inline script):
 * the copy buttons of the credentials page. Clipboard API where the browser offers it (secure
 * contexts), else the text is selected for Ctrl/Cmd+C. Nothing is stored anywhere.
 */
export const PORTAL_JS = `'use strict';
document.addEventListener('click', function (ev) {
  var b = ev.target && ev.target.closest ? ev.target.closest('button[data-copy]') : null;
  if (!b) return;
  var pre = document.getElementById(b.getAttribute('data-copy'));
  var status = document.querySelector('[data-testid=copied]');
  if (!pre) return;
  var text = pre.textContent || '';
  var done = function (ok) {
    if (status) status.textContent = ok ? 'Copied to the clipboard.' : 'Selected: press Ctrl+C (Cmd+C on a Mac) to copy.';
    b.textContent = ok ? 'Copied' : 'Copy';
    if (ok) setTimeout(function () { b.textContent = 'Copy'; }, 2000);
  };
  var select = function () {
    var r = document.createRange();
    r.selectNodeContents(pre);
    var s = window.getSelection();
    s.removeAllRanges();
    s.addRange(r);
    done(false);
  };
  if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).then(function () { done(true); }, select);
  else select();
});
`;
