// The page shell every dashboard page is rendered in: document head, skip link, navigation,
// language switch, log-out form, <main id="main">, footer and scripts.
import { html, type SafeHtml } from './html.js';
import * as common from './i18n/common.js';
import { LOCALES, translator, type Locale } from './i18n/index.js';

/** Who is looking at the page, as far as the shell cares (the session's account). */
export interface LayoutViewer {
  account: { id: string; email: string | null; isAdmin: boolean };
}

export interface PageInput {
  locale: Locale;
  /** The page's own title (the document title adds the product name). */
  title: string;
  viewer: LayoutViewer | null;
  /** Put in <meta name="csrf-token"> for scripts and in the log-out form. */
  csrfToken: string;
  body: SafeHtml;
  /** Extra module scripts, e.g. ['/static/playground.js']. */
  scripts?: readonly string[];
  /** The request's path and query: marks the current nav item and is where /lang/… returns. */
  path?: string;
}

interface NavItem {
  href: string;
  label: keyof typeof common.en;
  adminOnly?: boolean;
}

const SIGNED_IN_NAV: readonly NavItem[] = [
  { href: '/', label: 'navOverview' },
  { href: '/keys', label: 'navKeys' },
  { href: '/credits', label: 'navCredits' },
  { href: '/playground', label: 'navPlayground' },
  { href: '/jobs', label: 'navJobs' },
  { href: '/guide', label: 'navGuide' },
  { href: '/admin', label: 'navAdmin', adminOnly: true },
  { href: '/account', label: 'navAccount' },
];

const SIGNED_OUT_NAV: readonly NavItem[] = [
  { href: '/guide', label: 'navGuide' },
  { href: '/login', label: 'logIn' },
  { href: '/signup', label: 'signUp' },
];

const LANGUAGE_NAMES: Record<Locale, keyof typeof common.en> = { en: 'languageEnglish', it: 'languageItalian' };

/** The whole HTML document for a page. */
export function renderPage(input: PageInput): string {
  const t = translator(common, input.locale);
  const path = input.path ?? '/';
  const scripts = ['/static/copy.js', ...(input.scripts ?? [])];
  return (
    '<!doctype html>\n' +
    html`<html lang="${input.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${input.csrfToken}">
<title>${input.title} · ${t('brand')}</title>
<link rel="stylesheet" href="/static/app.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
</head>
<body>
<a class="skip-link" href="#main">${t('skipToContent')}</a>
<header class="site-header">
  <div class="site-header__inner">
    <a class="brand" href="/">${t('brand')}</a>
    ${renderNav(input, path)}
    <div class="site-tools">
      ${renderLanguageSwitch(input.locale, path)}
      ${input.viewer ? renderLogout(input) : ''}
    </div>
  </div>
</header>
<main id="main" tabindex="-1">
${input.body}
</main>
<footer class="site-footer">
  <p>${t('brand')} · ${t('footerTagline')} · <a href="/guide">${t('footerGuide')}</a> · <a href="/docs">${t('footerApiReference')}</a></p>
</footer>
${scripts.map((src) => html`<script type="module" src="${src}"></script>\n`)}
</body>
</html>
`.value
  );
}

function renderNav(input: PageInput, path: string): SafeHtml {
  const t = translator(common, input.locale);
  const items = input.viewer
    ? SIGNED_IN_NAV.filter((item) => !item.adminOnly || input.viewer?.account.isAdmin)
    : SIGNED_OUT_NAV;
  const current = path.split('?')[0];
  return html`<nav class="site-nav" aria-label="${t('navLabel')}">
      <ul>
        ${items.map(
          (item) =>
            html`<li><a href="${item.href}"${isCurrent(item.href, current) ? html` aria-current="page"` : ''}>${t(item.label)}</a></li>`,
        )}
      </ul>
    </nav>`;
}

function isCurrent(href: string, currentPath: string): boolean {
  return href === '/' ? currentPath === '/' : currentPath === href || currentPath.startsWith(`${href}/`);
}

function renderLanguageSwitch(locale: Locale, path: string): SafeHtml {
  const t = translator(common, locale);
  const next = encodeURIComponent(path);
  return html`<nav class="lang-switch" aria-label="${t('languageLabel')}">
        ${LOCALES.map(
          (code) =>
            html`<a href="/lang/${code}?next=${next}" lang="${code}" hreflang="${code}" title="${t(LANGUAGE_NAMES[code])}"${code === locale ? html` aria-current="true"` : ''}><span class="visually-hidden">${t(LANGUAGE_NAMES[code])}</span><span aria-hidden="true">${code.toUpperCase()}</span></a>`,
        )}
      </nav>`;
}

function renderLogout(input: PageInput): SafeHtml {
  const t = translator(common, input.locale);
  const email = input.viewer?.account.email;
  return html`<form class="logout-form" method="post" action="/logout">
        <input type="hidden" name="_csrf" value="${input.csrfToken}">
        ${email ? html`<span class="signed-in-as">${t('signedInAs', { email })}</span>` : ''}
        <button type="submit" class="button button--quiet">${t('logOut')}</button>
      </form>`;
}

// What page modules need besides the shell, in one import.
export { html, raw, escapeHtml, SafeHtml } from './html.js';
export { translator, formatDateTime, formatNumber, isoDateTime, type Locale, type Translate } from './i18n/index.js';
