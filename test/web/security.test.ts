// Security of the dashboard and of session-authenticated API calls, over the real HTTP app:
// accounts cannot see each other's keys or jobs, mutations without the page's CSRF token are
// refused, and a session id planted before log-in is never the one used after it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { SESSION_COOKIE } from '../../src/api/session.js';
import { AUDIO, IMAGE, startTestApp, type TestApp } from '../api/test-app.js';

/** A browser's cookie jar over app.inject: remembers Set-Cookie, sends Cookie. */
class Browser {
  readonly cookies = new Map<string, string>();
  constructor(private readonly app: FastifyInstance) {}

  async request(method: 'GET' | 'POST', url: string, options: { form?: Record<string, string>; json?: unknown; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let payload: string | undefined;
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams(options.form).toString();
    } else if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(options.json);
    }
    const response = await this.app.inject({ method, url, headers, payload });
    for (const cookie of response.cookies as Array<{ name: string; value: string; maxAge?: number; expires?: Date }>) {
      const expired = cookie.maxAge === 0 || (cookie.expires !== undefined && cookie.expires.getTime() <= Date.now());
      if (expired || cookie.value === '') this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    return response;
  }

  /** The CSRF token a page embeds for its forms and scripts. */
  async csrfToken(path: string): Promise<string> {
    const page = await this.request('GET', path);
    assert.equal(page.statusCode, 200, `GET ${path}`);
    const match = /<meta name="csrf-token" content="([^"]+)"/.exec(page.body);
    assert.ok(match, `${path} embeds a CSRF token`);
    return match[1];
  }

  async signUp(email: string, password: string) {
    const token = await this.csrfToken('/signup');
    const response = await this.request('POST', '/signup', { form: { email, password, _csrf: token } });
    assert.ok([302, 303].includes(response.statusCode), `sign-up redirects (got ${response.statusCode}: ${response.body.slice(0, 200)})`);
  }

  async logIn(email: string, password: string) {
    // Someone already logged in (a planted live session) is sent away from /login; any page's token will do.
    const loginPage = await this.request('GET', '/login');
    const token = await this.csrfToken(loginPage.statusCode === 200 ? '/login' : '/account');
    return this.request('POST', '/login', { form: { email, password, _csrf: token } });
  }
}

describe('dashboard security', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  test('a form post without the CSRF token is refused with 403, with a forged one too', async () => {
    const browser = new Browser(t.app);
    await browser.signUp('csrf@example.com', 'csrf password 1');
    const missing = await browser.request('POST', '/keys', { form: { name: 'no token' } });
    assert.equal(missing.statusCode, 403);
    const forged = await browser.request('POST', '/keys', { form: { name: 'forged', _csrf: 'abc-def' } });
    assert.equal(forged.statusCode, 403);
    const keysPage = await browser.request('GET', '/keys');
    assert.doesNotMatch(keysPage.body, /no token|forged/, 'no key was created');
  });

  test('an API mutation with the session cookie needs the CSRF header; with it, it spends user credits', async () => {
    const browser = new Browser(t.app);
    await browser.signUp('playground@example.com', 'playground pw 1');
    const body = { formState: { image: IMAGE, audio: AUDIO } };
    const refused = await browser.request('POST', '/api/v1/lipsync-image', { json: body });
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json().error.code, 'csrf_failed');

    const token = await browser.csrfToken('/playground');
    const accepted = await browser.request('POST', '/api/v1/lipsync-image', { json: body, headers: { 'x-csrf-token': token } });
    assert.equal(accepted.statusCode, 200, accepted.body);
    const job = await t.temp.store.jobs.findById(accepted.json().id);
    assert.equal(job?.creditBalance, 'user', 'the playground spends user credits');
    assert.equal(job?.keyId, null);

    const read = await browser.request('GET', `/api/v1/jobs/${accepted.json().id}`);
    assert.equal(read.statusCode, 200, 'reads need no token');
  });

  test("another account's jobs and keys are invisible: 404, never 403, and nothing changes", async () => {
    const owner = new Browser(t.app);
    await owner.signUp('owner@example.com', 'owner password 1');
    const ownerToken = await owner.csrfToken('/keys');
    const created = await owner.request('POST', '/keys', { form: { name: 'owner-key', _csrf: ownerToken } });
    assert.equal(created.statusCode, 201);
    const key = /sk_[A-Za-z0-9]+_[A-Za-z0-9]+/.exec(created.body)?.[0];
    assert.ok(key, 'the new key is shown once');
    const keyId = key.split('_')[1];
    const job = await t.app.inject({
      method: 'POST',
      url: '/api/v1/lipsync-image',
      headers: { authorization: `Bearer ${key}` },
      payload: { formState: { image: IMAGE, audio: AUDIO } },
    });
    const jobId = job.json().id as string;

    const intruder = new Browser(t.app);
    await intruder.signUp('intruder@example.com', 'intruder pw 12');
    assert.equal((await intruder.request('GET', `/api/v1/jobs/${jobId}`)).statusCode, 404);
    const intruderToken = await intruder.csrfToken('/keys');
    assert.equal((await intruder.request('GET', `/keys/${keyId}/revoke`)).statusCode, 404);
    const revoke = await intruder.request('POST', `/keys/${keyId}/revoke`, { form: { _csrf: intruderToken } });
    assert.equal(revoke.statusCode, 404);
    const keysPage = await intruder.request('GET', '/keys');
    assert.doesNotMatch(keysPage.body, new RegExp(keyId), "the intruder's key list does not show it");
    const jobsPage = await intruder.request('GET', '/jobs');
    assert.doesNotMatch(jobsPage.body, new RegExp(jobId));
    const stillWorks = await t.app.inject({ method: 'GET', url: '/api/v1/account', headers: { authorization: `Bearer ${key}` } });
    assert.equal(stillWorks.statusCode, 200, 'the key was not revoked');
  });

  test('a session id planted before log-in is not adopted: log-in issues a fresh one and ends the old', async () => {
    const attacker = new Browser(t.app);
    await attacker.signUp('attacker@example.com', 'attacker pw 12');
    const attackerSession = attacker.cookies.get(SESSION_COOKIE)!;
    assert.ok(attackerSession);

    const victim = new Browser(t.app);
    await victim.signUp('victim@example.com', 'victim password');
    await victim.request('POST', '/logout', { form: { _csrf: await victim.csrfToken('/account') } });

    // A made-up id and then the attacker's own live session, planted in the victim's browser.
    for (const planted of ['planted-session-id-that-the-attacker-knows', attackerSession]) {
      victim.cookies.set(SESSION_COOKIE, planted);
      const login = await victim.logIn('victim@example.com', 'victim password');
      assert.ok([302, 303].includes(login.statusCode), `log-in redirects (got ${login.statusCode})`);
      const issued = victim.cookies.get(SESSION_COOKIE);
      assert.ok(issued && issued !== planted, 'a fresh session id');
      const asPlanted = await t.app.inject({ method: 'GET', url: '/api/v1/account', headers: { cookie: `${SESSION_COOKIE}=${planted}` } });
      assert.equal(asPlanted.statusCode, 401, 'the planted id does not carry the log-in');
      const asVictim = await victim.request('GET', '/api/v1/account');
      assert.equal(asVictim.statusCode, 200);
      await victim.request('POST', '/logout', { form: { _csrf: await victim.csrfToken('/account') } });
    }
  });

  test('log-out ends the session on the server, so a copied cookie stops working', async () => {
    const browser = new Browser(t.app);
    await browser.signUp('logout@example.com', 'logout password');
    const copied = browser.cookies.get(SESSION_COOKIE)!;
    const out = await browser.request('POST', '/logout', { form: { _csrf: await browser.csrfToken('/account') } });
    assert.ok([302, 303].includes(out.statusCode));
    const replay = await t.app.inject({ method: 'GET', url: '/api/v1/account', headers: { cookie: `${SESSION_COOKIE}=${copied}` } });
    assert.equal(replay.statusCode, 401);
  });

  test('session cookies are HttpOnly and SameSite=Lax', async () => {
    const browser = new Browser(t.app);
    const token = await browser.csrfToken('/signup');
    const response = await browser.request('POST', '/signup', { form: { email: 'cookie@example.com', password: 'cookie password', _csrf: token } });
    const setCookie = ([] as string[]).concat(response.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${SESSION_COOKIE}=`));
    assert.ok(setCookie);
    assert.match(setCookie, /HttpOnly/i);
    assert.match(setCookie, /SameSite=Lax/i);
    assert.match(setCookie, /Secure/i, 'the public URL is https');
  });
});
