// The pieces every console page is made of: the layout with its navigation, form fields that
// show their error beside them, tables, notices, and the confirmation step of destructive actions.
import { CSRF_FIELD } from '../csrf.js';
import { html, type Html } from '../html.js';
import type { PageView } from '../page-view.js';

export const SECTIONS = [
  { path: '/admin', label: 'Dashboard' },
  { path: '/admin/clients', label: 'Clients' },
  { path: '/admin/users', label: 'Users' },
  { path: '/admin/roles', label: 'Roles' },
  { path: '/admin/scopes', label: 'Scopes' },
  { path: '/admin/keys', label: 'Keys' },
  { path: '/admin/audit', label: 'Audit log' },
  { path: '/admin/mail', label: 'Mail' },
  { path: '/admin/routes', label: 'Routes' },
] as const;

/**
 * A console page: templates/console.liquid (the brand's name and logo in its header, English
 * texts), with the page's own markup as its body. On a phone the row of sections collapses into
 * a <details> menu (the stylesheet shows one or the other; no script).
 */
export function adminLayout(
  options: { title: string; userName: string; section: string; csrf: string; notice?: string | null; scripts?: readonly string[] },
  body: Html,
): PageView {
  return {
    template: 'console',
    // the console speaks English in this release, whatever the browser asks for
    language: 'en',
    data: {
      title: options.title,
      user_name: options.userName,
      sections: SECTIONS,
      section: options.section,
      csrf: options.csrf,
      notice: options.notice,
      scripts: options.scripts ?? [],
      body: body.value,
    },
  };
}

export type FormErrors = Record<string, string>;

function fieldError(errors: FormErrors, name: string): Html {
  return errors[name] ? html`<p class="field-error" id="${name}-error" role="alert">${errors[name]}</p>` : html``;
}

function described(errors: FormErrors, name: string): Html {
  return errors[name] ? html` aria-invalid="true" aria-describedby="${name}-error"` : html``;
}

export function textField(o: {
  name: string;
  label: string;
  value?: string | number | null;
  errors: FormErrors;
  type?: string;
  help?: string;
  required?: boolean;
  readonly?: boolean;
  autocomplete?: string;
}): Html {
  return html`<div class="field">
<label for="f-${o.name}">${o.label}</label>
<input type="${o.type ?? 'text'}" id="f-${o.name}" name="${o.name}" value="${o.value ?? ''}"${o.required ? html` required` : ''}${o.readonly ? html` readonly` : ''}${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ''}${described(o.errors, o.name)}>
${o.help ? html`<p class="muted">${o.help}</p>` : ''}${fieldError(o.errors, o.name)}
</div>`;
}

export function textArea(o: { name: string; label: string; value?: string; errors: FormErrors; help?: string }): Html {
  return html`<div class="field">
<label for="f-${o.name}">${o.label}</label>
<textarea id="f-${o.name}" name="${o.name}" rows="3"${described(o.errors, o.name)}>${o.value ?? ''}</textarea>
${o.help ? html`<p class="muted">${o.help}</p>` : ''}${fieldError(o.errors, o.name)}
</div>`;
}

export function checkbox(o: { name: string; label: string; checked: boolean; errors: FormErrors; help?: string }): Html {
  return html`<div class="field check">
<input type="checkbox" id="f-${o.name}" name="${o.name}" value="1"${o.checked ? html` checked` : ''}${described(o.errors, o.name)}> <label for="f-${o.name}">${o.label}</label>
${o.help ? html`<p class="muted">${o.help}</p>` : ''}${fieldError(o.errors, o.name)}
</div>`;
}

/** A group of checkboxes sending every checked value under one name. */
export function checkboxes(o: {
  name: string;
  label: string;
  options: { value: string; label: string }[];
  checked: readonly string[];
  errors: FormErrors;
}): Html {
  return html`<fieldset class="field"${described(o.errors, o.name)}>
<legend>${o.label}</legend>
${o.options.length === 0 ? html`<p class="muted">None defined.</p>` : ''}
${o.options.map((opt, i) => html`<span class="check"><input type="checkbox" id="f-${o.name}-${i}" name="${o.name}" value="${opt.value}"${o.checked.includes(opt.value) ? html` checked` : ''}> <label for="f-${o.name}-${i}">${opt.label}</label></span>`)}
${fieldError(o.errors, o.name)}
</fieldset>`;
}

export function select(o: { name: string; label: string; options: { value: string; label: string }[]; value: string; errors: FormErrors }): Html {
  return html`<div class="field">
<label for="f-${o.name}">${o.label}</label>
<select id="f-${o.name}" name="${o.name}"${described(o.errors, o.name)}>${o.options.map((opt) => html`<option value="${opt.value}"${opt.value === o.value ? html` selected` : ''}>${opt.label}</option>`)}</select>
${fieldError(o.errors, o.name)}
</div>`;
}

export function formErrorSummary(errors: FormErrors): Html {
  const count = Object.keys(errors).length;
  return count ? html`<p class="error" role="alert">${count === 1 ? 'One field needs attention.' : `${count} fields need attention.`}</p>` : html``;
}

export function csrfInput(csrf: string): Html {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${csrf}">`;
}

/** The second step of a destructive action: says what will happen, posts with confirm=yes. */
export function confirmForm(o: { action: string; csrf: string; question: string; consequence: string; button: string; back: string }): Html {
  return html`<p><strong>${o.question}</strong></p>
<p>${o.consequence}</p>
<form method="post" action="${o.action}">
  ${csrfInput(o.csrf)}
  <input type="hidden" name="confirm" value="yes">
  <div class="actions"><button type="submit" class="danger">${o.button}</button> <a class="button secondary" href="${o.back}">Cancel</a></div>
</form>`;
}

export function when(seconds: number | null | undefined): string {
  if (!seconds) return '—';
  return new Date(seconds * 1000).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

/** A form body field as text ('' when absent or repeated). */
export function field(form: Record<string, unknown>, name: string): string {
  const value = form[name];
  return typeof value === 'string' ? value : '';
}

/** A form body field sent by several checkboxes (or none). */
export function fields(form: Record<string, unknown>, name: string): string[] {
  const value = form[name];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

/** One entry per non-empty line. */
export function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}

/** A secret shown once, with a copy button that /assets/copy.js reveals (the page must load it). */
export function secretOutput(id: string, secret: string): Html {
  return html`<p class="secret-line"><output id="${id}" class="secret">${secret}</output> <button type="button" class="copy secondary" data-copy="${id}" hidden>Copy</button> <span id="${id}-status" class="muted" role="status"></span></p>`;
}
