// The console's client form, driven by the table of client fields (src/admin/client-fields.ts):
// what a stored client shows, what a submitted form holds, what it asks the operations to do, and
// the fields rendered — each by the field's kind, so a new field is one row of the table.
import { CLIENT_FIELDS, type ClientField } from '../../admin/client-fields.js';
import type { ClientInput } from '../../admin/client-input.js';
import { ValidationError } from '../../admin/validation-error.js';
import type { Client } from '../../domain/client.js';
import { GRANT_TYPES } from '../../domain/grant-types.js';
import { html, type Html } from '../html.js';
import { checkbox, checkboxes, field, fields, lines, select, textArea, textField, type FormErrors } from './console-kit.js';

/** The form's values by field name: text as typed, flags as booleans, choices as lists. */
export type ClientFormValues = Record<string, string | boolean | string[]>;

/** A client's value as the form holds it. */
function formValue(f: ClientField, value: unknown): string | boolean | string[] {
  switch (f.kind) {
    case 'flag':
      return value === true;
    case 'grantTypes':
    case 'scopes':
      return Array.isArray(value) ? value.map(String) : [];
    case 'lines':
      return Array.isArray(value) ? value.join('\n') : '';
    default:
      return value === null || value === undefined ? '' : String(value);
  }
}

/** The form of a new client. */
export function newClientValues(): ClientFormValues {
  return Object.fromEntries(CLIENT_FIELDS.map((f) => [f.name, Array.isArray(f.initial) ? [...f.initial] : f.initial]));
}

/** The form of a stored client; `names` are its default user's and its actAs users' names. */
export function clientValues(client: Client, names: { user: string; actAs: string[] }): ClientFormValues {
  return Object.fromEntries(
    CLIENT_FIELDS.map((f) => [f.name, formValue(f, f.show ? f.show(client, names) : (client as unknown as Record<string, unknown>)[f.name])]),
  );
}

/** The form as submitted, kept as typed to show again beside a refusal. */
export function submittedValues(form: Record<string, unknown>, clientId: string): ClientFormValues {
  return Object.fromEntries(
    CLIENT_FIELDS.map((f) => {
      if (f.kind === 'id') return [f.name, clientId];
      if (f.kind === 'flag') return [f.name, field(form, f.name) === '1'];
      if (f.kind === 'grantTypes' || f.kind === 'scopes') return [f.name, fields(form, f.name)];
      return [f.name, field(form, f.name)];
    }),
  );
}

const text = (values: ClientFormValues, name: string): string => {
  const value = values[name];
  return typeof value === 'string' ? value : '';
};

/** What the form asks of the operations; a number that is not one is refused, naming its field. */
export function clientInputFrom(values: ClientFormValues): ClientInput {
  const input: Record<string, unknown> = {};
  for (const f of CLIENT_FIELDS) {
    const value = values[f.name];
    switch (f.kind) {
      case 'id':
      case 'longtext':
        input[f.name] = text(values, f.name);
        break;
      case 'text':
        input[f.name] = text(values, f.name).trim() || undefined;
        break;
      case 'user':
      case 'choice':
        input[f.name] = text(values, f.name).trim() || null;
        break;
      case 'flag':
        input[f.name] = value === true;
        break;
      case 'grantTypes':
      case 'scopes':
        input[f.name] = Array.isArray(value) ? value : [];
        break;
      case 'lines':
        input[f.name] = lines(text(values, f.name));
        break;
      case 'seconds': {
        const typed = text(values, f.name).trim();
        if (typed !== '' && !/^\d+$/.test(typed)) throw new ValidationError(f.name, 'must be a whole number of seconds');
        input[f.name] = typed === '' ? undefined : Number(typed);
        break;
      }
    }
  }
  return input as unknown as ClientInput;
}

/** The form's fields, in the table's order; the id is entered only for a new client. */
export function clientFields(values: ClientFormValues, errors: FormErrors, isNew: boolean, scopes: { value: string; label: string }[]): Html[] {
  return CLIENT_FIELDS.map((f) => html`${renderField(f, values, errors, isNew, scopes)}\n`);
}

function renderField(f: ClientField, values: ClientFormValues, errors: FormErrors, isNew: boolean, scopes: { value: string; label: string }[]): Html {
  const { name, label, help } = f;
  const value = values[name];
  const list = Array.isArray(value) ? value : [];
  switch (f.kind) {
    case 'id':
      return isNew
        ? textField({ name, label, value: text(values, name), errors, required: true, help })
        : html`<p>${label}: <code>${text(values, name)}</code></p>`;
    case 'text':
    case 'user':
      return textField({ name, label, value: text(values, name), errors, help });
    case 'seconds':
      return textField({ name, label, value: text(values, name), errors, type: 'number', help });
    case 'longtext':
    case 'lines':
      return textArea({ name, label, value: text(values, name), errors, help });
    case 'flag':
      return checkbox({ name, label, checked: value === true, errors, help });
    case 'grantTypes':
      return checkboxes({ name, label, options: GRANT_TYPES.map((g) => ({ value: g, label: g })), checked: list, errors });
    case 'scopes':
      return checkboxes({ name, label, options: scopes, checked: list, errors });
    case 'choice':
      return select({ name, label, options: [...(f.choices ?? [])], value: text(values, name), errors });
  }
}
