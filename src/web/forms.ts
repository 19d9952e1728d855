// Form parts every page builds the same way: labelled fields whose error and hint are tied to the
// input with aria-describedby, the hidden CSRF field, and copyable values and code blocks.
import { html, type SafeHtml } from './html.js';
import * as common from './i18n/common.js';
import { translator, type Locale } from './i18n/index.js';

export interface FieldInput {
  name: string;
  label: string;
  /** Defaults to `field-<name>`. */
  id?: string;
  type?: 'text' | 'email' | 'password' | 'number' | 'url';
  value?: string | number;
  /** Shown under the input in the error style; marks the input aria-invalid. */
  error?: string | null;
  hint?: string;
  autocomplete?: string;
  required?: boolean;
  autofocus?: boolean;
  min?: number;
  max?: number;
  step?: number;
  maxlength?: number;
  minlength?: number;
  inputmode?: 'numeric' | 'email' | 'text';
  placeholder?: string;
}

export function field(input: FieldInput): SafeHtml {
  const id = input.id ?? `field-${input.name}`;
  const hintId = input.hint ? `${id}-hint` : null;
  const errorId = input.error ? `${id}-error` : null;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ');
  return html`<div class="field">
  <label for="${id}">${input.label}</label>
  ${input.hint ? html`<p class="field__hint" id="${hintId}">${input.hint}</p>` : ''}
  ${input.error ? html`<p class="field__error" id="${errorId}">${input.error}</p>` : ''}
  <input id="${id}" name="${input.name}" type="${input.type ?? 'text'}"${attributes(input, describedBy)}>
</div>`;
}

function attributes(input: FieldInput, describedBy: string): SafeHtml {
  const parts: SafeHtml[] = [];
  if (input.value !== undefined && input.type !== 'password') parts.push(html` value="${input.value}"`);
  if (input.autocomplete) parts.push(html` autocomplete="${input.autocomplete}"`);
  if (input.required) parts.push(html` required`);
  if (input.autofocus) parts.push(html` autofocus`);
  if (input.min !== undefined) parts.push(html` min="${input.min}"`);
  if (input.max !== undefined) parts.push(html` max="${input.max}"`);
  if (input.step !== undefined) parts.push(html` step="${input.step}"`);
  if (input.maxlength !== undefined) parts.push(html` maxlength="${input.maxlength}"`);
  if (input.minlength !== undefined) parts.push(html` minlength="${input.minlength}"`);
  if (input.inputmode) parts.push(html` inputmode="${input.inputmode}"`);
  if (input.placeholder) parts.push(html` placeholder="${input.placeholder}"`);
  if (describedBy) parts.push(html` aria-describedby="${describedBy}"`);
  if (input.error) parts.push(html` aria-invalid="true"`);
  return html`${parts}`;
}

export interface SelectInput {
  name: string;
  label: string;
  id?: string;
  options: ReadonlyArray<{ value: string; label: string }>;
  selected?: string | null;
  error?: string | null;
}

export function selectField(input: SelectInput): SafeHtml {
  const id = input.id ?? `field-${input.name}`;
  const errorId = input.error ? `${id}-error` : null;
  return html`<div class="field">
  <label for="${id}">${input.label}</label>
  ${input.error ? html`<p class="field__error" id="${errorId}">${input.error}</p>` : ''}
  <select id="${id}" name="${input.name}"${errorId ? html` aria-describedby="${errorId}" aria-invalid="true"` : ''}>
    ${input.options.map(
      (option) => html`<option value="${option.value}"${option.value === input.selected ? html` selected` : ''}>${option.label}</option>`,
    )}
  </select>
</div>`;
}

export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

/** A copy button wired by /static/copy.js (hidden until the script shows it). */
export function copyButton(locale: Locale, targetId: string, label?: string): SafeHtml {
  const t = translator(common, locale);
  return html`<button type="button" class="button button--secondary button--small" data-copy-target="${targetId}" data-copied-label="${t('copied')}" data-selected-label="${t('copySelected')}" hidden>${label ?? t('copy')}</button>`;
}

/** A value shown in a box with a copy button beside it (a new API key, an invite link). */
export function copyableValue(locale: Locale, id: string, value: string): SafeHtml {
  return html`<div class="copyable" data-copy-container>
  <code class="copyable__value" id="${id}">${value}</code>
  ${copyButton(locale, id)}
  <p class="copy-status" data-copy-status aria-live="polite"></p>
</div>`;
}

/** A titled code sample with a copy button; `code` is plain text (escaped here). */
export function codeBlock(locale: Locale, id: string, title: string, code: string): SafeHtml {
  const t = translator(common, locale);
  return html`<figure class="code-block" data-copy-container>
  <figcaption class="code-block__bar"><span>${title}</span><span class="copy-status" data-copy-status aria-live="polite"></span>${copyButton(locale, id, t('copy'))}</figcaption>
  <pre tabindex="0" id="${id}"><code>${code}</code></pre>
</figure>`;
}
