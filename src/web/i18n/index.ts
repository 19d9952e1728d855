// Which language a page is shown in, and message lookup. A reader's explicit choice (cookie
// `mp_lang`, set by /lang/:code) wins over the browser's Accept-Language; English otherwise.
// Catalogues live one per area next to this file: `en` is the source, and `it` is typed
// `Record<keyof typeof en, string>` so a missing translation fails the type check.

export const LOCALES = ['en', 'it'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';
export const LOCALE_COOKIE = 'mp_lang';
/** One year: a language choice is not something people want to make twice. */
export const LOCALE_COOKIE_MAX_AGE_SECONDS = 365 * 24 * 3600;

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The cookie's locale if it names one we have, else the best Accept-Language match, else en. */
export function detectLocale(cookieValue: string | undefined, acceptLanguage: string | undefined): Locale {
  if (isLocale(cookieValue)) return cookieValue;
  return localeFromAcceptLanguage(acceptLanguage) ?? DEFAULT_LOCALE;
}

/**
 * The first language the browser prefers (highest q, then header order) that we have: any
 * `it…` tag is Italian, any `en…` English. Null when none of its languages is ours.
 */
export function localeFromAcceptLanguage(header: string | undefined): Locale | null {
  if (!header) return null;
  const ranked = header
    .split(',')
    .map((part, order) => {
      const [tag, ...params] = part.trim().split(';');
      const qParam = params.map((param) => param.trim()).find((param) => param.startsWith('q='));
      const q = qParam === undefined ? 1 : Number(qParam.slice(2));
      return { tag: tag.trim().toLowerCase(), q: Number.isFinite(q) ? q : 0, order };
    })
    .filter((entry) => entry.tag !== '' && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order);
  for (const { tag } of ranked) {
    const primary = tag.split('-')[0];
    if (isLocale(primary)) return primary;
  }
  return null;
}

/**
 * Where /lang/:code may send the reader back to: a path on this site only. Anything that could
 * leave it (`//host`, `/\host`, `https://…`, control characters) becomes `/`.
 */
export function safeNextPath(next: unknown): string {
  if (typeof next !== 'string' || next === '') return '/';
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (/[\u0000-\u001f\u007f\\]/.test(next)) return '/';
  return next;
}

/** A catalogue module: `en` is the source of keys, `it` must translate every one of them. */
export interface Catalogue<Key extends string> {
  en: Readonly<Record<Key, string>>;
  it: Readonly<Record<Key, string>>;
}

export type MessageParams = Readonly<Record<string, string | number>>;
export type Translate<Key extends string> = (key: Key, params?: MessageParams) => string;

/**
 * `t(key, params)` for one catalogue and locale. `{name}` in a message is replaced by
 * `params.name` (numbers formatted for the locale); the caller escapes the result by putting it
 * in an `html` template.
 */
export function translator<Key extends string>(catalogue: Catalogue<Key>, locale: Locale): Translate<Key> {
  const messages = catalogue[locale];
  return (key, params) => formatMessage(locale, messages[key] ?? catalogue.en[key] ?? key, params);
}

export function formatMessage(locale: Locale, template: string, params?: MessageParams): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? formatNumber(locale, value) : value;
  });
}

export function formatNumber(locale: Locale, value: number): string {
  return new Intl.NumberFormat(locale === 'it' ? 'it-IT' : 'en-GB').format(value);
}

/** A date and time for tables: "26 Nov 2026, 12:41" / "26 nov 2026, 12:41". */
export function formatDateTime(locale: Locale, epochMs: number): string {
  return new Intl.DateTimeFormat(locale === 'it' ? 'it-IT' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(new Date(epochMs));
}

/** ISO 8601 for `<time datetime>`. */
export function isoDateTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** A price in minor units (cents) of `currency`, e.g. "€19.00" / "19,00 €". */
export function formatPrice(locale: Locale, cents: number, currency: string): string {
  return new Intl.NumberFormat(locale === 'it' ? 'it-IT' : 'en-GB', { style: 'currency', currency }).format(cents / 100);
}
