// The page render functions on their own: no server, plain inputs → HTML.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PageContext } from '../../src/web/context.js';
import { field } from '../../src/web/forms.js';
import { renderPage } from '../../src/web/layout.js';
import { describeAccountError, renderSignupPage } from '../../src/web/pages/auth.js';
import { parseCreditAmount, renderAdminPage } from '../../src/web/pages/admin.js';
import { renderCreditsPage } from '../../src/web/pages/credits.js';
import { curlExample, nodeExample, pythonExample } from '../../src/web/pages/guide-examples.js';
import { renderGuidePage } from '../../src/web/pages/guide.js';
import { keyPrefix, renderKeysPage, renderRevokeConfirmPage } from '../../src/web/pages/keys.js';
import { AccountError } from '../../src/accounts/index.js';
import { html } from '../../src/web/html.js';
import type { Account, ApiKeyRecord } from '../../src/store/index.js';

const member: Account = { id: 'acct_member', email: 'ada@example.test', isAdmin: false, createdAt: Date.UTC(2026, 0, 5), plan: 'starter', planRenewsAt: null, hasPassword: true };
const admin: Account = { ...member, id: 'acct_admin', email: 'root@example.test', isAdmin: true };
const context = (locale: 'en' | 'it' = 'en', account: Account | null = member): PageContext => ({
  locale,
  viewer: account ? { account } : null,
  csrfToken: 'csrf-token-123',
  path: '/keys',
});
const key = (overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord => ({
  keyId: 'abcdefghij',
  secretHash: 'f'.repeat(64),
  name: 'laptop',
  accountId: member.id,
  createdAt: Date.UTC(2026, 0, 6, 9, 30),
  lastUsedAt: null,
  revokedAt: null,
  ...overrides,
});

describe('page shell', () => {
  test('has the language, viewport, CSRF meta, skip link, main landmark and a log-out form with the token', () => {
    const page = renderPage({ ...context('it'), title: 'Chiavi', body: html`<h1>x</h1>` });
    assert.match(page, /^<!doctype html>\n<html lang="it">/);
    assert.match(page, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
    assert.match(page, /<meta name="csrf-token" content="csrf-token-123">/);
    assert.match(page, /<a class="skip-link" href="#main">Vai al contenuto<\/a>/);
    assert.match(page, /<main id="main" tabindex="-1">/);
    assert.match(page, /<form class="logout-form" method="post" action="\/logout">\s*<input type="hidden" name="_csrf" value="csrf-token-123">/);
    assert.match(page, /<title>Chiavi · Mouthpiece<\/title>/);
  });

  test('marks the current page in the nav and links Playground and Jobs', () => {
    const page = renderPage({ ...context(), title: 'Keys', body: html`` });
    assert.match(page, /<a href="\/keys" aria-current="page">API keys<\/a>/);
    assert.match(page, /<a href="\/playground">Playground<\/a>/);
    assert.match(page, /<a href="\/jobs">Jobs<\/a>/);
  });

  test('shows Admin to admins only', () => {
    assert.doesNotMatch(renderPage({ ...context(), title: 't', body: html`` }), /href="\/admin"/);
    assert.match(renderPage({ ...context('en', admin), title: 't', body: html`` }), /href="\/admin"/);
  });

  test('the language switch returns to the same page', () => {
    const page = renderPage({ ...context(), path: '/keys?revoked=x', title: 't', body: html`` });
    assert.match(page, /href="\/lang\/it\?next=%2Fkeys%3Frevoked%3Dx"/);
  });

  test('signed out: log-in and sign-up links, no log-out form', () => {
    const page = renderPage({ ...context('en', null), title: 't', body: html`` });
    assert.match(page, /href="\/login"/);
    assert.doesNotMatch(page, /logout-form/);
  });
});

describe('forms', () => {
  test('a field with an error is aria-invalid and described by the error and hint', () => {
    const markup = field({ name: 'email', label: 'E-mail', hint: 'Work address', error: 'Enter an e-mail', value: '"x"' }).value;
    assert.match(markup, /<label for="field-email">E-mail<\/label>/);
    assert.match(markup, /<p class="field__error" id="field-email-error">Enter an e-mail<\/p>/);
    assert.match(markup, /aria-describedby="field-email-error field-email-hint"/);
    assert.match(markup, /aria-invalid="true"/);
    assert.match(markup, /value="&quot;x&quot;"/);
  });

  test('a password field never echoes its value', () => {
    assert.doesNotMatch(field({ name: 'password', type: 'password', label: 'P', value: 'secret' }).value, /secret/);
  });

  test('sign-up shows the invite field when invite-only, pre-filled from the link', () => {
    const open = renderSignupPage(context('en', null), { policy: 'open' }).body.value;
    assert.doesNotMatch(open, /name="invite"/);
    const invited = renderSignupPage(context('en', null), { policy: 'open', invite: 'CODE123' }).body.value;
    assert.match(invited, /name="invite" type="text" value="CODE123"/);
    const inviteOnly = renderSignupPage(context('en', null), { policy: 'invite-only' }).body.value;
    assert.match(inviteOnly, /name="invite" type="text" value="" autocomplete="off" required/);
  });

  test('account errors map to their field, a translated message and a status', () => {
    assert.deepEqual(describeAccountError(new AccountError('email_taken', 'x', 'email'), 'it', {}), {
      field: 'email',
      message: 'Esiste già un account con questa e-mail: accedi.',
      status: 409,
    });
    assert.equal(describeAccountError(new AccountError('bad_credentials', 'x'), 'en', {}).status, 401);
    assert.equal(describeAccountError(new AccountError('weak_password', 'x', 'newPassword'), 'en', { password: 'short' }).field, 'newPassword');
    assert.equal(describeAccountError(new AccountError('too_many_attempts', 'x', null, 600), 'en', {}).message, 'Too many failed log-ins. Try again in 10 min.');
  });

  test('credit amounts are whole numbers from 0 to the ceiling', () => {
    assert.deepEqual(parseCreditAmount('en', ''), { amount: 0 });
    assert.deepEqual(parseCreditAmount('en', ' 250 '), { amount: 250 });
    for (const bad of ['-5', '1.5', '1e3', 'ten', '999999999999']) assert.ok('error' in parseCreditAmount('en', bad), bad);
  });
});

describe('API keys page', () => {
  test('lists a key by name and prefix, never anything of its secret', () => {
    const page = renderKeysPage(context(), { keys: [key()] }).body.value;
    assert.match(page, /<code>sk_abcdefghij_…<\/code>/);
    assert.match(page, />laptop</);
    assert.doesNotMatch(page, /ffffffff/);
    assert.match(page, /href="\/keys\/abcdefghij\/revoke"/);
  });

  test('escapes a key name that looks like markup', () => {
    const page = renderKeysPage(context(), { keys: [key({ name: '<img src=x onerror=alert(1)>' })] }).body.value;
    assert.doesNotMatch(page, /<img/);
    assert.match(page, /&lt;img src=x onerror=alert\(1\)&gt;/);
  });

  test('shows a new key once, with a warning and a copy button that the script reveals', () => {
    const page = renderKeysPage(context(), { keys: [key()], created: { key: 'sk_abcdefghij_SECRET', name: 'laptop' } }).body.value;
    assert.match(page, /<code class="copyable__value" id="new-api-key">sk_abcdefghij_SECRET<\/code>/);
    assert.match(page, /data-copy-target="new-api-key"[^>]*hidden>Copy<\/button>/);
    assert.match(page, /only time the whole key is shown/);
  });

  test('a revoked key has no revoke button and says when it was revoked', () => {
    const page = renderKeysPage(context(), { keys: [key({ revokedAt: Date.UTC(2026, 1, 1, 12, 0) })] }).body.value;
    assert.doesNotMatch(page, /\/revoke"/);
    assert.match(page, /Revoked 1 Feb 2026/);
  });

  test('the confirmation posts to the key with the CSRF token', () => {
    const page = renderRevokeConfirmPage(context(), key()).body.value;
    assert.match(page, /<form class="actions" method="post" action="\/keys\/abcdefghij\/revoke">\s*<input type="hidden" name="_csrf" value="csrf-token-123">/);
    assert.equal(keyPrefix('abcdefghij'), 'sk_abcdefghij_…');
  });
});

describe('credits page', () => {
  const plans = [
    { id: 'starter', name: 'Starter', monthlyApiCredits: 1000, monthlyUserCredits: 1000, priceCents: 0, currency: 'EUR' },
    { id: 'creator', name: 'Creator', monthlyApiCredits: 20000, monthlyUserCredits: 5000, priceCents: 1900, currency: 'EUR' },
  ];
  const input = {
    summary: { balances: { api: 15000, user: 700 }, held: { api: 20, user: 0 } },
    plans,
    currentPlan: plans[1],
    planRenewsAt: null,
    ledger: [
      { id: 2, accountId: member.id, balance: 'api' as const, kind: 'charge' as const, amount: -20, jobId: '550e8400-e29b-41d4-a716-446655440000', note: '', createdAt: Date.UTC(2026, 0, 7) },
      { id: 1, accountId: member.id, balance: 'user' as const, kind: 'grant' as const, amount: 500, jobId: null, note: 'invoice <42>', createdAt: Date.UTC(2026, 0, 6) },
    ],
  };

  test('shows both balances, the separate-balances note, the current plan and the ledger', () => {
    const page = renderCreditsPage(context(), input).body.value;
    assert.match(page, /data-balance="api-credits">15,000</);
    assert.match(page, /data-balance="user-credits">700</);
    assert.match(page, /20 held for running jobs/);
    assert.match(page, /Note: API and user credits are independent and not interchangeable\./);
    assert.match(page, /<tr class="is-current">[\s\S]*Creator[\s\S]*Current plan/);
    assert.match(page, /€19\.00/);
    assert.match(page, /−20/);
    assert.match(page, /\+500/);
    assert.match(page, /invoice &lt;42&gt;/);
  });

  test('in Italian, numbers and prices are Italian too', () => {
    const page = renderCreditsPage(context('it'), input).body.value;
    assert.match(page, /data-balance="api-credits">15\.000</);
    assert.match(page, /19,00\s€/);
    assert.match(page, /Nota: i crediti API e utente sono indipendenti e non intercambiabili\./);
  });
});

describe('admin page', () => {
  test('lists accounts with balances and plans, and forms that post with the CSRF token', () => {
    const rows = [
      { account: admin, summary: { balances: { api: 1_000_000, user: 1_000_000 }, held: { api: 0, user: 0 } } },
      { account: { ...member, email: null }, summary: { balances: { api: 5, user: 6 }, held: { api: 0, user: 0 } } },
    ];
    const plans = [{ id: 'starter', name: 'Starter', monthlyApiCredits: 1, monthlyUserCredits: 1, priceCents: 0, currency: 'EUR' }];
    const page = renderAdminPage(context('en', admin), {
      rows,
      plans,
      providerName: 'manual',
      invite: { url: 'http://x.test/signup?invite=ABC', expiresAt: Date.UTC(2026, 0, 10) },
    }).body.value;
    assert.match(page, /1,000,000/);
    assert.match(page, /<code>acct_member<\/code>/);
    assert.match(page, /action="\/admin\/grant"[\s\S]*name="_csrf"/);
    assert.match(page, /action="\/admin\/plan"/);
    assert.match(page, /id="invite-link">http:\/\/x\.test\/signup\?invite=ABC</);
    assert.match(page, /Billing provider: manual/);
  });
});

describe('guide', () => {
  const publicUrl = 'https://lipsync.example.com/';

  test('examples use the server’s public URL', () => {
    assert.match(curlExample(publicUrl), /curl -s https:\/\/lipsync\.example\.com\/api\/v1\/lipsync-image/);
    assert.match(pythonExample(publicUrl), /BASE_URL = "https:\/\/lipsync\.example\.com\/api\/v1"/);
    const node = nodeExample(publicUrl, "const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:8080/api/v1';");
    assert.equal(node, "const BASE_URL = process.env.BASE_URL ?? 'https://lipsync.example.com/api/v1';");
  });

  test('covers endpoints, the job object, signed webhooks, and copyable examples in three languages', () => {
    const page = renderGuidePage(context(), { publicUrl, nodeExampleSource: 'node source <here>' }).body.value;
    for (const text of ['POST /api/v1/lipsync-image', 'GET /api/v1/jobs/{id}', 'webhook-id', 'webhook-timestamp', 'webhook-signature', 'HMAC-SHA256', 'verifyWebhook', 'mouthpiece/client', 'href="/docs"']) {
      assert.ok(page.includes(text), text);
    }
    for (const id of ['curl-example', 'node-example', 'python-example']) assert.match(page, new RegExp(`data-copy-target="${id}"`));
    assert.match(page, /node source &lt;here&gt;/);
  });
});
