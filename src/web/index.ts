// The web dashboard: server-rendered pages (no client build), their static assets at /static/,
// urlencoded forms, and an error handler that answers pages with pages, not JSON.
// Expects the session plugin (src/api/session.ts) registered before it: request.viewer,
// reply.generateCsrf() and app.csrfProtection.
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import formBody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import { staticDir } from './assets.js';
import { pageContext, queryValue, sendPage } from './context.js';
import { isLocale, LOCALE_COOKIE, LOCALE_COOKIE_MAX_AGE_SECONDS, safeNextPath } from './i18n/index.js';
import type { WebDashboardOptions } from './options.js';
import { adminPages } from './pages/admin.js';
import { authPages } from './pages/auth.js';
import { creditPages } from './pages/credits.js';
import { guidePage } from './pages/guide.js';
import { jobPages } from './pages/jobs.js';
import { keyPages } from './pages/keys.js';
import { renderMessagePage, type MessagePageKind } from './pages/message.js';
import { overviewPage } from './pages/overview.js';
import { playgroundPages } from './pages/playground.js';

export type { WebDashboardOptions } from './options.js';

/** Form posts are a few fields; a playground upload has its own multipart limits. */
const FORM_BODY_LIMIT_BYTES = 64 * 1024;

export const webDashboard: FastifyPluginAsync<WebDashboardOptions> = async (app, options) => {
  await app.register(formBody, { bodyLimit: FORM_BODY_LIMIT_BYTES });
  await app.register(fastifyStatic, {
    root: staticDir(),
    prefix: '/static/',
    // Small files that change with each release: revalidate rather than cache for long.
    maxAge: '1h',
    index: false,
  });
  app.setErrorHandler(answerWithErrorPage);

  app.get<{ Params: { code: string } }>('/lang/:code', async (request, reply) => {
    const { code } = request.params;
    if (isLocale(code)) {
      reply.setCookie(LOCALE_COOKIE, code, { path: '/', sameSite: 'lax', maxAge: LOCALE_COOKIE_MAX_AGE_SECONDS });
    }
    return reply.redirect(safeNextPath(queryValue(request, 'next')), 303);
  });

  await app.register(overviewPage, options);
  await app.register(authPages, options);
  await app.register(keyPages, options);
  await app.register(creditPages, options);
  await app.register(adminPages, options);
  await app.register(guidePage, options);
  await app.register(jobPages, { jobs: options.jobs, publicUrl: options.publicUrl });
  if (options.uploads) {
    await app.register(playgroundPages, {
      jobs: options.jobs,
      credits: options.credits,
      uploads: options.uploads,
      publicUrl: options.publicUrl,
      maxUploadBytes: options.maxUploadBytes,
    });
  }
};

/** CSRF failures, bad forms and crashes in a page route answer as a page in the reader's language. */
function answerWithErrorPage(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const status = error.statusCode ?? 500;
  const csrf = typeof error.code === 'string' && error.code.startsWith('FST_CSRF');
  if (status >= 500) request.log.error({ err: error }, 'page failed');
  else request.log.info({ status, code: error.code, reason: error.message }, 'page request rejected');
  const kind: MessagePageKind = csrf ? 'csrf' : status === 403 ? 'forbidden' : status === 404 ? 'notFound' : 'error';
  const context = pageContext(request, reply);
  return sendPage(reply, context, renderMessagePage(context.locale, kind), csrf ? 403 : status >= 400 ? status : 500);
}
