import { html, type SafeHtml } from '../html.js';
import type { Page } from '../pages.js';

/**
 * The page frame of the providers, connectors, sessions, MFA and audit sections (until the
 * console framework's layout takes them): header navigation Portal · Console · Session, the
 * console's section navigation, the flash of the last change, the role session in use.
 */
export interface ConsoleFrame {
  title: string;
  content: SafeHtml;
  status?: number;
  current: string;
  nav: readonly { id: string; title: string; path: string }[];
  flash?: { text: string; error: boolean } | undefined;
  assumedRoleArn?: string | undefined;
}

export function consoleFrame(f: ConsoleFrame): Page {
  const doc = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${f.title} · Console · Tessera</title>
<link rel="stylesheet" href="/assets/tessera.css">
<link rel="stylesheet" href="/assets/console-sections.css">
</head>
<body>
<header class="top"><a href="/portal">Tessera</a><nav class="topnav" aria-label="Main"><a href="/portal">Portal</a> · <a href="/console" aria-current="page">Console</a> · <a href="/session">Session</a></nav></header>
<div class="console">
<nav class="sections" aria-label="Console sections"><ul>${f.nav.map((s) => html`<li><a href="${s.path}"${s.id === f.current ? html` aria-current="page"` : html``}>${s.title}</a></li>`)}</ul>
${f.assumedRoleArn ? html`<p class="muted role" data-testid="console-role">As <code>${f.assumedRoleArn}</code></p>` : html``}</nav>
<main class="console-main">
${f.flash ? html`<div class="${f.flash.error ? 'alert' : 'notice'}" role="${f.flash.error ? 'alert' : 'status'}" data-testid="flash">${f.flash.text}</div>` : html``}
${f.content}
</main>
</div>
<footer>Tessera identity broker</footer>
</body>
</html>
`;
  return { status: f.status ?? 200, body: doc.value };
}

export function consoleMessage(title: string, message: string, link: { href: string; text: string }, status: number): Page {
  return consoleFrame({ title, current: '', nav: [], status, content: html`<h1>${title}</h1><div class="alert" role="alert" data-testid="error">${message}</div><p><a href="${link.href}">${link.text}</a></p>` });
}

/** /assets/console-sections.css: tables, filters and the two-column frame (CSP style-src 'self'). */
export const CONSOLE_SECTIONS_CSS = `
.topnav { float: right; font-weight: 400; }
.topnav a { margin: 0 .25rem; }
.console { display: grid; grid-template-columns: 11rem minmax(0, 1fr); gap: 1rem; max-width: 78rem; margin: 1.5rem auto; padding: 0 1rem; }
nav.sections ul { list-style: none; padding: 0; margin: 0; }
nav.sections li a { display: block; padding: .45rem .75rem; border-radius: .35rem; text-decoration: none; }
nav.sections li a[aria-current=page] { background: #10243e; color: #fff; }
nav.sections .role { overflow-wrap: anywhere; margin-top: 1rem; }
main.console-main { max-width: none; margin: 0; }
.console-main { background: var(--card); border: 1px solid var(--line); border-radius: .5rem; padding: 1.25rem 1.5rem; min-width: 0; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; margin: .5rem 0 1rem; }
th, td { text-align: left; vertical-align: top; padding: .4rem .45rem; border-bottom: 1px solid var(--line); }
th { background: #f6f8fa; font-weight: 600; }
td.arn { min-width: 9rem; }
td.date { font-size: .8rem; min-width: 8rem; }
td.arn, .arn { overflow-wrap: anywhere; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .82rem; }
td.nowrap { white-space: nowrap; font-size: .8rem; }
code { overflow-wrap: anywhere; }
td.actions { white-space: nowrap; }
td.actions form.inline { display: block; margin: 0 0 .3rem; }
form.inline { display: inline; margin: 0; }
button.small, .button.small { margin-top: 0; padding: .25rem .6rem; font-size: .82rem; }
.filters .grid, .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); gap: 0 1rem; }
.grid.two { grid-template-columns: repeat(auto-fill, minmax(18rem, 1fr)); gap: 1.5rem; }
select, textarea { width: 100%; padding: .5rem .6rem; font: inherit; border: 1px solid #8c959f; border-radius: .35rem; background: #fff; color: var(--fg); }
textarea.mono, pre.json { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .85rem; }
pre.json { background: #f6f8fa; border: 1px solid var(--line); border-radius: .35rem; padding: .75rem; overflow-x: auto; }
label.check { font-weight: 400; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 1rem; font-size: .78rem; border: 1px solid var(--line); background: #f6f8fa; }
.badge.success, .badge.active { border-color: var(--ok); color: var(--ok); background: var(--ok-bg); }
.badge.failure, .badge.revoked { border-color: var(--danger); color: var(--danger); background: var(--danger-bg); }
.pager { display: flex; gap: 1rem; margin-top: .5rem; }
details { margin: 1rem 0; }
summary { cursor: pointer; font-weight: 600; color: var(--accent); }
.ua { font-size: .75rem; }
code.sid { font-size: .78rem; }
.alert-text { color: var(--danger); }
.console-main .alert, .console-main .notice { overflow-wrap: anywhere; }
`;
