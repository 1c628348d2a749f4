import { html, type SafeHtml } from '../html.js';

/**
 * Small building blocks of the providers, connectors, sessions, MFA and audit pages: every value
 * through `html`, every POST form with the session's CSRF token. No script, no inline style.
 */
export const csrfInput = (csrf: string) => html`<input type="hidden" name="csrf" value="${csrf}">`;

/** A one-button POST form (revoke, delete…) carrying hidden fields. */
export function postButton(o: { action: string; csrf: string; fields: Record<string, string | undefined>; label: string; danger?: boolean; testId?: string; title?: string }): SafeHtml {
  const hidden = Object.entries(o.fields)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`);
  return html`<form method="post" action="${o.action}" class="inline">${csrfInput(o.csrf)}${hidden}<button type="submit" class="${o.danger ? 'danger' : 'secondary'} small"${o.testId ? html` data-testid="${o.testId}"` : html``}${o.title ? html` aria-label="${o.title}"` : html``}>${o.label}</button></form>`;
}

export const dateText = (d: Date | string | undefined) => {
  if (d === undefined) return '';
  const t = typeof d === 'string' ? new Date(d) : d;
  return Number.isNaN(t.getTime()) ? '' : t.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC');
};

/** A labelled text input. */
export function textField(o: { id: string; name?: string; label: string; value?: string | undefined; hint?: string; required?: boolean; maxlength?: number; placeholder?: string; type?: string }): SafeHtml {
  const hintId = o.hint ? `${o.id}-hint` : undefined;
  return html`<label for="${o.id}">${o.label}</label>
<input type="${o.type ?? 'text'}" id="${o.id}" name="${o.name ?? o.id}" value="${o.value ?? ''}"${o.maxlength ? html` maxlength="${o.maxlength}"` : html``}${o.placeholder ? html` placeholder="${o.placeholder}"` : html``}${o.required ? html` required` : html``}${hintId ? html` aria-describedby="${hintId}"` : html``} autocomplete="off" spellcheck="false">
${o.hint ? html`<p class="hint" id="${hintId}">${o.hint}</p>` : html``}`;
}

export function textArea(o: { id: string; name?: string; label: string; value?: string | undefined; hint?: string; rows?: number; required?: boolean; mono?: boolean }): SafeHtml {
  const hintId = o.hint ? `${o.id}-hint` : undefined;
  return html`<label for="${o.id}">${o.label}</label>
<textarea id="${o.id}" name="${o.name ?? o.id}" rows="${o.rows ?? 4}"${o.required ? html` required` : html``}${hintId ? html` aria-describedby="${hintId}"` : html``} autocomplete="off" spellcheck="false" class="${o.mono ? 'mono' : ''}">${o.value ?? ''}</textarea>
${o.hint ? html`<p class="hint" id="${hintId}">${o.hint}</p>` : html``}`;
}

export function selectField(o: { id: string; name?: string; label: string; value?: string | undefined; options: readonly (readonly [string, string])[] }): SafeHtml {
  return html`<label for="${o.id}">${o.label}</label>
<select id="${o.id}" name="${o.name ?? o.id}">${o.options.map(([v, text]) => html`<option value="${v}"${v === (o.value ?? '') ? html` selected` : html``}>${text}</option>`)}</select>`;
}

export function checkbox(o: { id: string; name?: string; label: string; checked: boolean }): SafeHtml {
  return html`<label class="check" for="${o.id}"><input type="checkbox" id="${o.id}" name="${o.name ?? o.id}" value="true"${o.checked ? html` checked` : html``}> ${o.label}</label>`;
}

/** A table; an empty list says so instead. */
export function table(o: { label: string; head: readonly string[]; rows: readonly SafeHtml[]; empty: string; testId?: string }): SafeHtml {
  if (o.rows.length === 0) return html`<p class="muted" data-testid="${o.testId ? `${o.testId}-empty` : 'empty'}">${o.empty}</p>`;
  return html`<div class="table-wrap"><table aria-label="${o.label}"${o.testId ? html` data-testid="${o.testId}"` : html``}><thead><tr>${o.head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead><tbody>${o.rows}</tbody></table></div>`;
}

/** The query string of a GET link (absent and empty values left out). */
export function query(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}
