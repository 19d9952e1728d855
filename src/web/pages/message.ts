// One-message pages: 403, 404, expired form (CSRF), unexpected error.
import { html, type SafeHtml } from '../html.js';
import * as common from '../i18n/common.js';
import { translator, type Locale } from '../i18n/index.js';

export type MessagePageKind = 'forbidden' | 'notFound' | 'csrf' | 'error';

const TEXTS = {
  forbidden: { title: 'forbiddenTitle', body: 'forbiddenBody' },
  notFound: { title: 'notFoundTitle', body: 'notFoundBody' },
  csrf: { title: 'csrfTitle', body: 'csrfBody' },
  error: { title: 'errorTitle', body: 'errorBody' },
} as const satisfies Record<MessagePageKind, { title: keyof typeof common.en; body: keyof typeof common.en }>;

export function renderMessagePage(locale: Locale, kind: MessagePageKind): { title: string; body: SafeHtml } {
  const t = translator(common, locale);
  const title = t(TEXTS[kind].title);
  return {
    title,
    body: html`<div class="page-header"><h1>${title}</h1></div>
<section class="panel">
  <p>${t(TEXTS[kind].body)}</p>
  <p><a href="/">${t('backHome')}</a></p>
</section>`,
  };
}
