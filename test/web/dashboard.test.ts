// The dashboard in a real browser against the real server: accounts, keys used against the API,
// Italian, the admin's grants, the 403 for members, and phone-sized screens. Every page visited
// is also saved as a screenshot in test-results/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import {
  PHONE_VIEWPORT,
  logIn,
  logOut,
  screenshot,
  scrollsSideways,
  signUp,
  startDashboard,
  uniqueEmail,
  type Dashboard,
} from './browser-harness.js';

const PASSWORD = 'correct horse battery';

/** The path and query of the admin-claim link the first start prints (the host may differ). */
function claimPathFrom(stdout: string): string {
  const match = /https?:\/\/\S+(\/signup\?invite=[A-Za-z0-9_-]+)/.exec(stdout);
  assert.ok(match, `no claim link in the first-start output:\n${stdout}`);
  return match[1];
}

async function accountStatus(baseUrl: string, key: string): Promise<number> {
  const response = await fetch(`${baseUrl}/api/v1/account`, { headers: { authorization: `Bearer ${key}` } });
  await response.arrayBuffer();
  return response.status;
}

async function balanceOf(page: Page, id: 'api-credits' | 'user-credits'): Promise<number> {
  const text = await page.locator(`[data-balance="${id}"]`).innerText();
  return Number(text.replace(/[^\d]/g, ''));
}

describe('web dashboard in a browser', { timeout: 240_000 }, () => {
  let dashboard: Dashboard;
  let admin: Page;
  let member: Page;
  const adminEmail = uniqueEmail('admin');
  const memberEmail = uniqueEmail('member');

  before(async () => {
    dashboard = await startDashboard();
    admin = (await dashboard.newPage()).page;
    member = (await dashboard.newPage()).page;
  });

  after(async () => {
    await dashboard?.close();
  });

  test('the first-start link lets the operator claim the admin account', async () => {
    const claimPath = claimPathFrom(dashboard.server.stdout());
    await admin.goto(claimPath);
    assert.equal(await admin.locator('input[name="invite"]').inputValue(), claimPath.split('=')[1], 'the invite code is pre-filled');
    await screenshot(admin, 'signup-claim');
    await signUp(admin, adminEmail, PASSWORD, claimPath.split('=')[1]);
    assert.equal(await admin.locator('.site-nav a[href="/admin"]').count(), 1, 'the claimed account is an admin');
  });

  test('an anonymous visitor of / is sent to the log-in page', async () => {
    const { page } = await dashboard.newPage();
    await page.goto('/');
    assert.equal(new URL(page.url()).pathname, '/login');
    assert.match(await page.locator('h1').innerText(), /Log in/);
    await screenshot(page, 'login');
  });

  test('signs up, logs out and logs back in', async () => {
    await member.goto('/signup');
    await screenshot(member, 'signup');
    await signUp(member, memberEmail, PASSWORD);
    assert.match(await member.locator('h1').innerText(), /^Welcome$/);
    assert.ok((await balanceOf(member, 'api-credits')) > 0, 'a new account starts with API credits');
    await screenshot(member, 'overview');

    await logOut(member);
    assert.match(await member.locator('.notice').innerText(), /logged out/);
    await member.goto('/keys');
    assert.equal(new URL(member.url()).pathname, '/login', 'the session is over');

    await logIn(member, memberEmail, PASSWORD);
    assert.match(await member.locator('h1').innerText(), /^Welcome$/);
  });

  test('a wrong password or a short one is said next to the form, with the field marked', async () => {
    const { page } = await dashboard.newPage();
    await page.goto('/login');
    await page.getByLabel('E-mail address').fill(memberEmail);
    await page.getByLabel('Password').fill('not the password');
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/login') && r.request().method() === 'POST'), page.getByRole('button', { name: 'Log in' }).click()]);
    assert.equal(response.status(), 401);
    assert.match(await page.getByRole('alert').innerText(), /e-mail or the password is not right/);
    await screenshot(page, 'login-error');

    await page.goto('/signup');
    await page.getByLabel('E-mail address').fill(uniqueEmail('short'));
    await page.getByLabel('Password').fill('short');
    const [signup] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/signup') && r.request().method() === 'POST'), page.getByRole('button', { name: 'Create account' }).click()]);
    assert.equal(signup.status(), 400);
    const password = page.locator('#field-password');
    assert.equal(await password.getAttribute('aria-invalid'), 'true');
    const describedBy = (await password.getAttribute('aria-describedby')) ?? '';
    assert.match(await page.locator(`#${describedBy.split(' ')[0]}`).innerText(), /at least 10 characters/);
    await screenshot(page, 'signup-error');
  });

  test('creates a named key that works against the API, then revokes it after confirming', async () => {
    await member.goto('/keys');
    await member.getByLabel('Name').fill('ci laptop');
    await member.getByRole('button', { name: 'Create key' }).click();
    const key = (await member.locator('#new-api-key').innerText()).trim();
    assert.match(key, /^sk_[a-z0-9]{10}_[A-Za-z0-9]{32}$/);
    assert.match(await member.getByRole('alert').innerText(), /only time the whole key is shown/);
    const copy = member.getByRole('button', { name: 'Copy' });
    assert.ok(await copy.isVisible(), 'the script shows the copy button');
    await copy.click();
    await member.waitForFunction('document.querySelector("[data-copy-status]").textContent !== ""');
    await screenshot(member, 'keys-created');

    assert.equal(await accountStatus(dashboard.baseUrl, key), 200);

    await member.goto('/keys');
    const keyId = key.split('_')[1];
    const row = member.locator(`tr[data-key-id="${keyId}"]`);
    assert.match(await row.innerText(), /ci laptop/);
    assert.match(await row.innerText(), new RegExp(`sk_${keyId}_…`));
    assert.match(await row.innerText(), /Active/);
    assert.doesNotMatch(await member.content(), new RegExp(key.split('_')[2]), 'the secret is never shown again');
    await screenshot(member, 'keys');

    await row.getByRole('link', { name: /Revoke/ }).click();
    assert.equal(new URL(member.url()).pathname, `/keys/${keyId}/revoke`);
    await screenshot(member, 'keys-revoke-confirm');
    await member.getByRole('button', { name: 'Yes, revoke the key' }).click();
    assert.match(await member.locator('.notice').innerText(), new RegExp(`sk_${keyId}_… has been revoked`));
    assert.match(await member.locator(`tr[data-key-id="${keyId}"]`).innerText(), /Revoked/);

    assert.equal(await accountStatus(dashboard.baseUrl, key), 401);
  });

  test("one account cannot see or revoke another's key: 404", async () => {
    await admin.goto('/keys');
    await admin.getByLabel('Name').fill('admin key');
    await admin.getByRole('button', { name: 'Create key' }).click();
    const adminKey = (await admin.locator('#new-api-key').innerText()).trim();
    const keyId = adminKey.split('_')[1];

    const confirm = await member.goto(`/keys/${keyId}/revoke`);
    assert.equal(confirm?.status(), 404);
    const csrf = await member.locator('meta[name="csrf-token"]').getAttribute('content');
    const revoke = await member.request.post(`/keys/${keyId}/revoke`, { form: { _csrf: csrf ?? '' }, maxRedirects: 0 });
    assert.equal(revoke.status(), 404);
    assert.equal(await accountStatus(dashboard.baseUrl, adminKey), 200, "the admin's key still works");
  });

  test('switches to Italian and stays there', async () => {
    await member.goto('/');
    await member.locator('.lang-switch a[hreflang="it"]').click();
    assert.equal(new URL(member.url()).pathname, '/');
    assert.equal(await member.locator('html').getAttribute('lang'), 'it');
    assert.match(await member.locator('h1').innerText(), /Ti diamo il benvenuto/);
    assert.match(await member.locator('.site-nav').innerText(), /Chiavi API/);
    await screenshot(member, 'overview-it');

    await member.goto('/keys');
    assert.match(await member.locator('.lead').innerText(), /^Gestisci le tue chiavi di autenticazione/);
    assert.match(await member.locator('.field__hint').first().innerText(), /Assegna un nome facile da ricordare \(opzionale\)/);
    await screenshot(member, 'keys-it');
    await member.goto('/credits');
    assert.match(await member.locator('.separate-note').innerText(), /Nota: i crediti API e utente sono indipendenti e non intercambiabili\./);
    await screenshot(member, 'credits-it');

    await member.locator('.lang-switch a[hreflang="en"]').click();
    assert.equal(await member.locator('html').getAttribute('lang'), 'en');
  });

  test('an Italian browser gets Italian pages before choosing anything', async () => {
    const { page } = await dashboard.newPage({ locale: 'it-IT' });
    await page.goto('/login');
    assert.equal(await page.locator('html').getAttribute('lang'), 'it');
    assert.equal(await page.locator('.lead').innerText(), 'Accesso richiesto: accedi per creare e gestire le chiavi API.');
    await screenshot(page, 'login-it');
  });

  test('the admin grants credits and changes a plan; the member sees both', async () => {
    await member.goto('/credits');
    const apiBefore = await balanceOf(member, 'api-credits');
    const userBefore = await balanceOf(member, 'user-credits');

    await admin.goto('/admin');
    assert.match(await admin.locator('table.accounts').innerText(), new RegExp(memberEmail.replace(/[.]/g, '\\.')));
    const grant = admin.locator('#grant');
    await grant.getByLabel('Account').selectOption({ label: memberEmail });
    await grant.getByLabel('API credits to add').fill('500');
    await grant.getByLabel('User credits to add').fill('250');
    await grant.getByLabel('Note').fill('invoice 42');
    await grant.getByRole('button', { name: 'Grant credits' }).click();
    assert.match(await admin.locator('.notice').innerText(), new RegExp(`Credits granted to ${memberEmail.replace(/[.]/g, '\\.')}`));

    const plan = admin.locator('#plan');
    await plan.getByLabel('Account').selectOption({ label: memberEmail });
    await plan.getByLabel('Plan').selectOption({ label: 'Creator' });
    await plan.getByRole('button', { name: 'Change plan' }).click();
    assert.match(await admin.locator('.notice').innerText(), /is now on the Creator plan/);
    await screenshot(admin, 'admin');

    await member.goto('/credits');
    assert.equal(await balanceOf(member, 'api-credits'), apiBefore + 500 + 20_000, "the grant and the Creator plan's first month");
    assert.equal(await balanceOf(member, 'user-credits'), userBefore + 250 + 5_000);
    const ledger = await member.locator('table.ledger').innerText();
    assert.match(ledger, /invoice 42/);
    assert.match(ledger, /\+500/);
    assert.match(ledger, /\+250/);
    assert.match(await member.locator('tr.is-current').innerText(), /Creator/);
    assert.match(await member.locator('.separate-note').innerText(), /independent and not interchangeable/);
    await screenshot(member, 'credits');
  });

  test('a grant with a bad amount is refused next to the field', async () => {
    await admin.goto('/admin');
    const grant = admin.locator('#grant');
    await grant.getByLabel('API credits to add').fill('-5');
    await grant.getByLabel('Note').fill('typo');
    const [response] = await Promise.all([admin.waitForResponse((r) => r.url().endsWith('/admin/grant')), grant.getByRole('button', { name: 'Grant credits' }).click()]);
    assert.equal(response.status(), 400);
    assert.equal(await admin.locator('#grant-api').getAttribute('aria-invalid'), 'true');
    assert.match(await admin.locator('#grant-api-error').innerText(), /whole number/);
  });

  test('an invite link made by the admin signs a new person up', async () => {
    await admin.goto('/admin');
    await admin.getByRole('button', { name: 'Create invite link' }).click();
    const link = (await admin.locator('#invite-link').innerText()).trim();
    assert.match(link, /\/signup\?invite=[A-Za-z0-9_-]+$/);
    await screenshot(admin, 'admin-invite');

    const { page } = await dashboard.newPage();
    const code = link.split('invite=')[1];
    await page.goto(`/signup?invite=${code}`);
    assert.equal(await page.locator('input[name="invite"]').inputValue(), code);
    await signUp(page, uniqueEmail('invited'), PASSWORD, code);
    assert.match(await page.locator('h1').innerText(), /^Welcome$/);
  });

  test('a member gets the 403 page on /admin and no Admin link', async () => {
    assert.equal(await member.locator('.site-nav a[href="/admin"]').count(), 0);
    const response = await member.goto('/admin');
    assert.equal(response?.status(), 403);
    assert.match(await member.locator('h1').innerText(), /Not allowed/);
    await screenshot(member, 'admin-forbidden');
  });

  test('changes the password, which keeps this session and needs the current password', async () => {
    await member.goto('/account');
    await member.getByLabel('Current password').fill('wrong password!');
    await member.getByLabel('New password').fill('a brand new passphrase');
    await member.getByRole('button', { name: 'Change password' }).click();
    assert.match(await member.locator('#field-currentPassword-error').innerText(), /current password is not right/);

    await member.getByLabel('Current password').fill(PASSWORD);
    await member.getByLabel('New password').fill('a brand new passphrase');
    await member.getByRole('button', { name: 'Change password' }).click();
    assert.match(await member.locator('.notice').innerText(), /password has been changed/);
    await screenshot(member, 'account');
    await logOut(member);
    await logIn(member, memberEmail, 'a brand new passphrase');
  });

  test('the guide shows copyable examples that use the server’s public URL', async () => {
    await member.goto('/guide');
    const curl = await member.locator('#curl-example').innerText();
    assert.match(curl, new RegExp(`${dashboard.server.env.PORT}/api/v1/lipsync-image`));
    assert.match(await member.locator('#node-example').innerText(), /app\.post\('\/webhooks\/lipsync'/);
    assert.match(await member.locator('#python-example').innerText(), /import requests/);
    assert.ok(await member.locator('button[data-copy-target="python-example"]').isVisible());
    assert.equal(await member.locator('a[href="/docs"]').first().count(), 1);
    await screenshot(member, 'guide');
  });

  test('copy buttons copy to the clipboard, or select the text where there is no clipboard', async () => {
    const { context, page } = await dashboard.newPage();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: dashboard.baseUrl });
    await page.goto('/guide');
    const curl = page.locator('figure', { has: page.locator('#curl-example') });
    await curl.getByRole('button', { name: 'Copy' }).click();
    await page.waitForFunction('document.querySelector("#curl-example").closest("figure").querySelector("[data-copy-status]").textContent !== ""');
    assert.equal(await curl.locator('[data-copy-status]').innerText(), 'Copied');
    assert.equal(await page.evaluate('navigator.clipboard.readText()'), (await page.locator('#curl-example').textContent())?.trim());

    const bare = (await dashboard.newPage()).page;
    // As on plain http to a non-local host, where browsers offer no Clipboard API.
    await bare.addInitScript('Object.defineProperty(navigator, "clipboard", { value: undefined })');
    await bare.goto('/guide');
    const python = bare.locator('figure', { has: bare.locator('#python-example') });
    await python.getByRole('button', { name: 'Copy' }).click();
    assert.match(await python.locator('[data-copy-status]').innerText(), /^Selected/);
    assert.equal(await bare.evaluate('window.getSelection().toString().trim()'), (await bare.locator('#python-example').textContent())?.trim());
  });

  test('the keyboard reaches the skip link first, and it moves focus to the content', async () => {
    await member.goto('/keys');
    await member.keyboard.press('Tab');
    assert.equal(await member.evaluate('document.activeElement.className'), 'skip-link');
    await member.keyboard.press('Enter');
    assert.equal(await member.evaluate('document.activeElement.id'), 'main');
  });

  test('no page breaks its own Content-Security-Policy', async () => {
    const { page, errors } = await dashboard.newPage({ enforceCsp: true });
    await logIn(page, adminEmail, PASSWORD);
    for (const path of ['/', '/keys', '/credits', '/account', '/admin', '/guide', '/playground', '/jobs']) {
      const response = await page.goto(path);
      assert.match(response?.headers()['content-security-policy'] ?? '', /script-src 'self'/, path);
      assert.equal(await page.locator('main h1').count(), 1, `${path} rendered`);
    }
    await page.goto('/guide');
    await page.locator('figure', { has: page.locator('#curl-example') }).getByRole('button', { name: 'Copy' }).click();
    assert.deepEqual(errors.filter((message) => /Content Security Policy/i.test(message)), []);
  });

  test('on a 375 px phone every page shows the nav and its forms without sideways scrolling', async () => {
    const phone = (await dashboard.newPage({ viewport: PHONE_VIEWPORT })).page;
    for (const path of ['/login', '/signup']) {
      await phone.goto(path);
      assert.equal(await scrollsSideways(phone), false, `${path} scrolls sideways`);
      await screenshot(phone, `phone${path.replace(/\//g, '-')}`);
    }
    await logIn(phone, adminEmail, PASSWORD);
    for (const path of ['/', '/keys', '/credits', '/account', '/admin', '/guide']) {
      await phone.goto(path);
      assert.ok(await phone.locator('.site-nav').isVisible(), `${path}: the nav is visible`);
      assert.ok(await phone.locator('.site-nav a[href="/keys"]').isVisible(), `${path}: nav links are visible`);
      assert.equal(await scrollsSideways(phone), false, `${path} scrolls sideways`);
      await screenshot(phone, `phone${path === '/' ? '-overview' : path.replace(/\//g, '-')}`);
    }
    await phone.goto('/keys');
    await phone.getByLabel('Name').fill('phone');
    await phone.getByRole('button', { name: 'Create key' }).click();
    assert.equal(await scrollsSideways(phone), false, 'the new key fits');
    await screenshot(phone, 'phone-keys-created');
  });
});
