// Per-request facts every page needs (language, viewer, CSRF token, path) and the answers pages
// give: a rendered page, a redirect to /login, the 403/404 pages.
import type { FastifyReply, FastifyRequest } from 'fastify';
// For their declarations of request.cookies and reply.generateCsrf (registered by the session plugin).
import type {} from '@fastify/cookie';
import type {} from '@fastify/csrf-protection';
import type { SafeHtml } from './html.js';
import { detectLocale, LOCALE_COOKIE, type Locale } from './i18n/index.js';
import { renderPage, type LayoutViewer } from './layout.js';
import { renderMessagePage } from './pages/message.js';

export interface PageContext {
  locale: Locale;
  viewer: LayoutViewer | null;
  csrfToken: string;
  /** Path and query of the request, e.g. `/keys?created=1`. */
  path: string;
}

export function pageContext(request: FastifyRequest, reply: FastifyReply): PageContext {
  return {
    locale: requestLocale(request),
    viewer: request.viewer ?? null,
    csrfToken: reply.generateCsrf(),
    path: request.url,
  };
}

export function requestLocale(request: FastifyRequest): Locale {
  const header = request.headers['accept-language'];
  return detectLocale(request.cookies?.[LOCALE_COOKIE], Array.isArray(header) ? header.join(',') : header);
}

/**
 * Defence in depth for every page: scripts only from this server (no inline ones), nothing
 * loaded from elsewhere, forms post only here, and no framing (clickjacking).
 */
export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
    "media-src 'self' blob:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  // Pages show private data: never from a shared or back-button cache.
  'cache-control': 'no-store',
};

/** Renders `body` in the shell and sends it. */
export function sendPage(
  reply: FastifyReply,
  context: PageContext,
  page: { title: string; body: SafeHtml; scripts?: readonly string[] },
  status = 200,
): FastifyReply {
  const document = renderPage({ ...context, ...page });
  return reply.code(status).headers(PAGE_SECURITY_HEADERS).type('text/html; charset=utf-8').send(document);
}

/** Anonymous visitors of a signed-in page go to /login, which brings them back afterwards. */
export function redirectToLogin(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  // A form posted after the session ended cannot be replayed by a GET: start from the log-in.
  if (request.method !== 'GET') return reply.redirect('/login', 303);
  return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
}

export function sendForbidden(reply: FastifyReply, context: PageContext): FastifyReply {
  return sendPage(reply, context, renderMessagePage(context.locale, 'forbidden'), 403);
}

export function sendNotFound(reply: FastifyReply, context: PageContext): FastifyReply {
  return sendPage(reply, context, renderMessagePage(context.locale, 'notFound'), 404);
}

/** A urlencoded form's field as one trimmed-or-not string ('' when absent or repeated oddly). */
export function formValue(request: FastifyRequest, name: string): string {
  const body = request.body as Record<string, unknown> | undefined;
  const value = body?.[name];
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return '';
}

/** A query-string parameter as a string ('' when absent). */
export function queryValue(request: FastifyRequest, name: string): string {
  const value = (request.query as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

/**
 * The server-wide "no such route" answer for browsers: an HTML 404 page for a GET that accepts
 * HTML outside /api/; undefined (the caller answers JSON) for everything else.
 */
export function notFoundPageFor(request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined {
  const accept = request.headers.accept ?? '';
  if (request.method !== 'GET' || request.url.startsWith('/api/') || !accept.includes('text/html')) return undefined;
  return sendNotFound(reply, pageContext(request, reply));
}
