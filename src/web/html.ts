// HTML built from tagged templates: every interpolated value is escaped unless it is already
// markup made by `html` or marked with `raw()`, so no page can be made to inject markup.

/** Markup that is already safe to put in a page as is. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text → markup that shows that text, in element content and in quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character]);
}

/** Marks trusted markup (our own constants, never user input) as safe to insert unescaped. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/**
 * `html\`<p>${text}</p>\`` → SafeHtml. Strings and numbers are escaped; SafeHtml is inserted as
 * is; arrays are rendered item by item and joined with nothing; null, undefined and false
 * render as nothing (so `${cond && html\`…\`}` works).
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0];
  for (let index = 0; index < values.length; index++) {
    out += render(values[index]) + strings[index + 1];
  }
  return new SafeHtml(out);
}

function render(value: unknown): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/**
 * Catalogue text that names code: `backticked` spans become <code>, everything is escaped. An
 * unpaired backtick leaves the rest of the text as code rather than failing.
 */
export function withCode(text: string): SafeHtml {
  const parts = text.split('`');
  return new SafeHtml(parts.map((part, index) => (index % 2 === 1 ? `<code>${escapeHtml(part)}</code>` : escapeHtml(part))).join(''));
}
