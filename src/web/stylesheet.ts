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
/* people pages: header navigation, the portal */
.top { display: flex; align-items: center; gap: 1.5rem; }
.nav { display: flex; gap: 1rem; font-weight: 500; }
.nav a { color: #c9d6e8; }
.nav a:hover { color: #fff; }
main.wider { max-width: 64rem; }
ul.roles { list-style: none; padding: 0; margin: 0; }
li.role { border: 1px solid var(--line); border-radius: .4rem; padding: .9rem 1rem; margin: .6rem 0; }
.role-head { display: flex; justify-content: space-between; align-items: baseline; gap: 1rem; }
.role-name { font-weight: 700; font-size: 1.05rem; }
.role-desc { margin: .25rem 0; }
.role-arn { margin: .25rem 0 0; font-size: .8rem; color: var(--muted); overflow-wrap: anywhere; }
form.inline { display: flex; align-items: center; gap: .5rem; margin: 0; }
form.inline button { margin-top: .5rem; }
.inline-label { display: inline; margin: .5rem 0 0; font-weight: 600; }
select { font: inherit; padding: .45rem .5rem; border: 1px solid #8c959f; border-radius: .35rem; background: #fff; margin-top: .5rem; }
section.creds { margin: 1.25rem 0; }
.creds-head { display: flex; justify-content: space-between; align-items: center; }
.creds-head h2 { margin: 0; }
.creds-head button { margin-top: 0; padding: .35rem .9rem; }
pre { background: #0f1720; color: #e6edf3; padding: .9rem 1rem; border-radius: .4rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; font-size: .8rem; line-height: 1.45; }
.copied { min-height: 1.5rem; color: var(--ok); font-weight: 600; }
.user-code { font: 700 1.9rem/1.2 ui-monospace, "DejaVu Sans Mono", monospace; letter-spacing: .18em; text-align: center; padding: .6rem; margin: .5rem 0 1rem; border: 2px dashed var(--line); border-radius: .4rem; background: #f6f8fa; }
.empty { border: 1px dashed var(--line); border-radius: .4rem; padding: 1rem; color: var(--muted); }
footer { text-align: center; color: var(--muted); font-size: .8rem; margin: 1.5rem 0; }
`;
