/**
 * /assets/tessera.css — the one stylesheet of the sign-in pages (CSP style-src 'self': no inline
 * styles anywhere). Kept as a module so the build needs no asset copying.
 */
export const STYLESHEET = `
:root { color-scheme: light; --fg: #1b1f24; --muted: #57606a; --bg: #f4f6f8; --card: #fff; --line: #d0d7de;
  --accent: #0b5cad; --accent-fg: #fff; --danger: #b42318; --danger-bg: #fef3f2; --ok-bg: #ecfdf3; --ok: #067647; --focus: #f5a623; }
* { box-sizing: border-box; }
html { font-size: 16px; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
.top { background: #10243e; color: #fff; padding: .75rem 1.5rem; font-weight: 600; letter-spacing: .02em; }
.top a { color: #fff; text-decoration: none; }
main { max-width: 30rem; margin: 2.5rem auto; padding: 0 1rem; }
main.wide { max-width: 46rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: .5rem; padding: 1.75rem 2rem; box-shadow: 0 1px 2px rgba(0,0,0,.04); }
h1 { font-size: 1.4rem; margin: 0 0 1rem; }
h2 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
p { margin: .5rem 0 1rem; }
.muted { color: var(--muted); font-size: .9rem; }
.hint { color: var(--muted); font-size: .85rem; margin: .25rem 0 0; }
label { display: block; font-weight: 600; margin: 1rem 0 .3rem; }
input[type=text], input[type=password] { width: 100%; padding: .55rem .7rem; font: inherit; border: 1px solid #8c959f; border-radius: .35rem; background: #fff; color: var(--fg); }
input.code { display: block; font-family: ui-monospace, "DejaVu Sans Mono", monospace; letter-spacing: .2em; max-width: 12rem; }
button, .button { display: inline-block; margin-top: 1.25rem; padding: .6rem 1.1rem; font: inherit; font-weight: 600; border-radius: .35rem;
  border: 1px solid var(--accent); background: var(--accent); color: var(--accent-fg); cursor: pointer; text-decoration: none; }
button.secondary, .button.secondary { background: #fff; color: var(--accent); }
button.danger { background: #fff; color: var(--danger); border-color: var(--danger); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
input:focus-visible { outline: 3px solid var(--focus); outline-offset: 1px; border-color: var(--accent); }
ul.choices { list-style: none; padding: 0; margin: 0; }
ul.choices li { margin: .5rem 0; }
ul.choices a { display: block; padding: .7rem 1rem; border: 1px solid var(--line); border-radius: .35rem; text-decoration: none; font-weight: 600; }
ul.choices a:hover { background: #f0f6fc; }
.divider { text-align: center; color: var(--muted); margin: 1.5rem 0 .5rem; font-size: .9rem; }
.alert { border: 1px solid var(--danger); background: var(--danger-bg); color: var(--danger); border-radius: .35rem; padding: .75rem 1rem; margin: 0 0 1rem; }
.notice { border: 1px solid var(--ok); background: var(--ok-bg); color: var(--ok); border-radius: .35rem; padding: .75rem 1rem; margin: 0 0 1rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .4rem 1rem; margin: 0; }
dl.facts dt { font-weight: 600; color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .9rem; }
.qr { display: block; margin: .5rem 0; width: 200px; height: 200px; image-rendering: pixelated; border: 1px solid var(--line); }
code.seed { display: block; padding: .5rem; background: #f6f8fa; border: 1px solid var(--line); border-radius: .35rem; overflow-wrap: anywhere; font-size: .9rem; }
ol.codes { columns: 2; font-family: ui-monospace, "DejaVu Sans Mono", monospace; padding-left: 1.5rem; }
.actions { display: flex; gap: .75rem; flex-wrap: wrap; align-items: center; }
.actions form { margin: 0; }
main.wider { max-width: 72rem; }
footer { text-align: center; color: var(--muted); font-size: .8rem; margin: 1.5rem 0; }
/* portal (issue 12: src/web/portal-pages.ts, the header nav of signed-in pages) */
.top { display: flex; align-items: center; gap: 2rem; }
.top nav.nav { display: flex; gap: .25rem; }
.top nav.nav a { color: #c9d6e8; font-weight: 500; padding: .25rem .65rem; border-radius: .3rem; }
.top nav.nav a:hover { color: #fff; background: rgba(255,255,255,.08); }
.top nav.nav a[aria-current=page] { color: #fff; background: rgba(255,255,255,.16); }
main.portal { max-width: 64rem; }
.lead { color: var(--muted); margin: -.25rem 0 1.5rem; }
.lead strong { color: var(--fg); }
.pill { display: inline-block; padding: 0 .5rem; border-radius: 1rem; font-size: .8rem; font-weight: 600; background: #eaeef2; color: var(--muted); }
.pill.ok { background: var(--ok-bg); color: var(--ok); }
.mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
.small { font-size: .8rem; }
section.account { margin: 0 0 1.75rem; }
section.account h2 { display: flex; align-items: baseline; gap: .6rem; margin: 0 0 .5rem; padding-bottom: .4rem; border-bottom: 1px solid var(--line); }
section.account h2 .count { color: var(--muted); font-weight: 400; font-size: .85rem; }
ul.roles { list-style: none; margin: 0; padding: 0; }
li.role { display: flex; justify-content: space-between; align-items: center; gap: 1rem; flex-wrap: wrap; padding: .85rem 0; border-bottom: 1px solid #eaeef2; }
li.role:last-child { border-bottom: 0; }
.role-info { flex: 1 1 20rem; min-width: 0; }
h3.role-name { font-size: 1rem; margin: 0; }
.role-desc { margin: .15rem 0 0; }
.role-meta { margin: .2rem 0 0; color: var(--muted); font-size: .8rem; overflow-wrap: anywhere; }
.role-meta code { font-size: .78rem; }
.role-actions { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; }
form.inline { display: flex; gap: .4rem; align-items: center; margin: 0; }
form.inline button { margin-top: 0; }
label.inline-label { display: inline; margin: 0; font-weight: 500; color: var(--muted); font-size: .85rem; }
select { font: inherit; padding: .5rem .55rem; border: 1px solid #8c959f; border-radius: .35rem; background: #fff; color: var(--fg); }
form.filter { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; margin: 0 0 .25rem; }
form.filter button { margin-top: 0; padding: .45rem .9rem; }
input[type=search] { flex: 1 1 16rem; max-width: 26rem; padding: .5rem .7rem; font: inherit; border: 1px solid #8c959f; border-radius: .35rem; background: #fff; color: var(--fg); }
input[type=search]:focus-visible, select:focus-visible { outline: 3px solid var(--focus); outline-offset: 1px; border-color: var(--accent); }
.empty { border: 1px dashed var(--line); border-radius: .4rem; padding: 1rem 1.25rem; background: #fafbfc; }
.warning { border: 1px solid #d4a72c; background: #fff8c5; color: #4d2d00; border-radius: .35rem; padding: .75rem 1rem; margin: 1.25rem 0; font-size: .92rem; }
section.cred-block { margin: 1.5rem 0 0; }
.cred-head { display: flex; align-items: center; gap: .75rem; }
.cred-head h2 { margin: 0; }
.cred-head button.copy { margin: 0 0 0 auto; padding: .3rem .8rem; font-size: .85rem; }
.cred-head .copied { color: var(--ok); font-size: .85rem; min-width: 4rem; }
pre.cred { margin: .4rem 0 0; padding: .75rem 1rem; background: #0f1c2e; color: #e6edf3; border-radius: .4rem; overflow-x: auto; font-size: .8rem; line-height: 1.55; }
pre.cred code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; white-space: pre-wrap; word-break: break-all; }
.actions > .button { margin-top: 1.25rem; }
`;
