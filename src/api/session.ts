// Dashboard sessions and CSRF protection, for the pages and for /api/v1 calls the pages make.
// `request.viewer` is the logged-in account (from the HttpOnly session cookie) or null.
// CSRF: @fastify/csrf-protection's synchronizer token, its secret in a signed HttpOnly cookie (so
// a sibling domain cannot toss in one it knows); the secret is replaced at every log-in and
// log-out, so a token seen before authentication is worthless after it.
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { SESSION_IDLE_MS, type LiveSession, type SessionService } from '../accounts/index.js';
import type { Account } from '../store/index.js';

export const SESSION_COOKIE = 'mp_session';
const CSRF_COOKIE = '_csrf';
const PUBLIC_PATHS = /^\/(?:static|outputs|uploads)\//;

export interface Viewer {
  account: Account;
  /** sha256 of the session token (safe to log). */
  sessionId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The logged-in dashboard user, or null. */
    viewer: Viewer | null;
  }
  interface FastifyInstance {
    /** What startSession/endSession need; set once by sessionAuth. */
    sessionAuthOptions: SessionPluginOptions;
  }
}

export interface SessionPluginOptions {
  sessions: SessionService;
  /** Signs the CSRF cookie (config secret). */
  secret: string;
  /** Cookies get the Secure flag (the public URL is https). */
  secureCookies: boolean;
}

export const sessionAuth = fp<SessionPluginOptions>(
  async (app, options) => {
    await app.register(cookie, { secret: options.secret });
    await app.register(csrf, {
      cookieKey: CSRF_COOKIE,
      cookieOpts: { path: '/', sameSite: 'lax', httpOnly: true, signed: true, secure: options.secureCookies },
    });
    app.decorate('sessionAuthOptions', options);
    app.decorateRequest('viewer', null);
    app.addHook('onRequest', async (request) => {
      const token = request.cookies[SESSION_COOKIE];
      // Static files and capability URLs (outputs, uploads) never depend on who asks.
      if (!token || PUBLIC_PATHS.test(request.url)) return;
      const live: LiveSession | undefined = await options.sessions.resolve(token);
      if (!live) return;
      request.viewer = { account: live.account, sessionId: live.sessionId };
      request.log = request.log.child({ accountId: live.account.id });
    });
  },
  { name: 'session-auth' },
);

/**
 * Logs `account` in: ends the session the browser had (if any), mints a fresh token — never
 * reusing one the request brought (session fixation) — and drops the CSRF secret so the next
 * page makes a new one.
 */
export async function startSession(request: FastifyRequest, reply: FastifyReply, account: Account): Promise<void> {
  const options = optionsOf(request);
  const previous = request.cookies[SESSION_COOKIE];
  if (previous) await options.sessions.end(previous);
  const { token } = await options.sessions.start(account.id, request.headers['user-agent'] ?? '');
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: options.secureCookies,
    maxAge: SESSION_IDLE_MS / 1000,
  });
  reply.clearCookie(CSRF_COOKIE, { path: '/' });
}

/** Logs out: the session row is deleted (the cookie alone is worthless afterwards). */
export async function endSession(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const token = request.cookies[SESSION_COOKIE];
  if (token) await optionsOf(request).sessions.end(token);
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
  reply.clearCookie(CSRF_COOKIE, { path: '/' });
  request.viewer = null;
}

/** The current session's token (to keep it while ending the others, e.g. on a password change). */
export function sessionToken(request: FastifyRequest): string | null {
  return request.viewer ? (request.cookies[SESSION_COOKIE] ?? null) : null;
}

function optionsOf(request: FastifyRequest): SessionPluginOptions {
  return request.server.sessionAuthOptions;
}
