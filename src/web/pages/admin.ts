// Administration (admins only; others get the 403 page): every account with its balances and
// plan, granting credits, changing an account's plan, creating invite links.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CreditSummary, Plan } from '../../billing/index.js';
import type { Account } from '../../store/index.js';
import { formValue, pageContext, queryValue, redirectToLogin, sendForbidden, sendPage, type PageContext } from '../context.js';
import { copyableValue, csrfField, field, selectField } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import * as adminMessages from '../i18n/admin.js';
import { formatDateTime, formatNumber, isoDateTime, translator, type Locale } from '../i18n/index.js';
import type { WebDashboardOptions } from '../options.js';

/** A generous ceiling that still catches a slipped finger (an extra three zeros). */
export const MAX_GRANT = 100_000_000;
const MAX_NOTE_LENGTH = 200;

export interface AdminAccountRow {
  account: Account;
  summary: CreditSummary;
}

export type GrantField = 'account' | 'api' | 'user' | 'note';
export type PlanField = 'account' | 'plan';

export interface AdminPageInput {
  rows: readonly AdminAccountRow[];
  plans: readonly Plan[];
  providerName: string;
  /** The account the forms are about (from ?account= or the form just sent). */
  selectedAccountId?: string;
  notice?: string;
  grant?: { values: Partial<Record<GrantField, string>>; errors: Partial<Record<GrantField, string>> };
  plan?: { values: Partial<Record<PlanField, string>>; errors: Partial<Record<PlanField, string>> };
  invite?: { url: string; expiresAt: number };
}

export function accountLabel(locale: Locale, account: Pick<Account, 'email' | 'id'>): string {
  return account.email ?? `${account.id} ${translator(adminMessages, locale)('noEmail')}`;
}

export function renderAdminPage(context: PageContext, input: AdminPageInput): { title: string; body: SafeHtml } {
  const t = translator(adminMessages, context.locale);
  return {
    title: t('title'),
    body: html`<div class="page-header"><h1>${t('title')}</h1><p class="lead">${t('lead')}</p></div>
${input.notice ? html`<div class="notice" role="status"><p>${input.notice}</p></div>` : ''}
<p class="panel__hint">${t('billingProvider', { name: input.providerName === 'manual' ? t('providerManual') : input.providerName })}</p>
<section class="panel" aria-labelledby="accounts">
  <h2 id="accounts">${t('accountsTitle')}</h2>
  ${renderAccountsTable(context.locale, input)}
</section>
<div class="grid">
  ${renderGrantForm(context, input)}
  ${renderPlanForm(context, input)}
</div>
${renderInvite(context, input)}`,
  };
}

function renderAccountsTable(locale: Locale, input: AdminPageInput): SafeHtml {
  const t = translator(adminMessages, locale);
  const planName = (id: string | null) => (id ? (input.plans.find((plan) => plan.id === id)?.name ?? id) : t('noPlan'));
  return html`<table class="table table--stack accounts">
  <thead><tr>
    <th scope="col">${t('columnAccount')}</th><th scope="col">${t('columnRole')}</th><th scope="col">${t('columnPlan')}</th>
    <th scope="col" class="num">${t('columnApiCredits')}</th><th scope="col" class="num">${t('columnUserCredits')}</th>
    <th scope="col">${t('columnCreated')}</th><th scope="col"><span class="visually-hidden">${t('columnActions')}</span></th>
  </tr></thead>
  <tbody>
    ${input.rows.map(({ account, summary }) => {
      const label = accountLabel(locale, account);
      return html`<tr data-account-id="${account.id}">
      <th scope="row" data-label="${t('columnAccount')}">${account.email ?? html`<code>${account.id}</code>`}</th>
      <td data-label="${t('columnRole')}">${account.isAdmin ? html`<span class="badge badge--accent">${t('roleAdmin')}</span>` : t('roleMember')}</td>
      <td data-label="${t('columnPlan')}">${planName(account.plan)}</td>
      <td class="num" data-label="${t('columnApiCredits')}">${formatNumber(locale, summary.balances.api)}</td>
      <td class="num" data-label="${t('columnUserCredits')}">${formatNumber(locale, summary.balances.user)}</td>
      <td data-label="${t('columnCreated')}"><time datetime="${isoDateTime(account.createdAt)}">${formatDateTime(locale, account.createdAt)}</time></td>
      <td data-label="${t('columnActions')}"><a href="/admin?account=${encodeURIComponent(account.id)}#grant" aria-label="${t('manageLabel', { account: label })}">${t('manage')}</a></td>
    </tr>`;
    })}
  </tbody>
</table>`;
}

function accountOptions(locale: Locale, rows: readonly AdminAccountRow[]) {
  return rows.map(({ account }) => ({ value: account.id, label: accountLabel(locale, account) }));
}

function renderGrantForm(context: PageContext, input: AdminPageInput): SafeHtml {
  const t = translator(adminMessages, context.locale);
  const values = input.grant?.values ?? {};
  const errors = input.grant?.errors ?? {};
  return html`<section class="panel" id="grant" aria-labelledby="grant-title">
    <h2 id="grant-title">${t('grantTitle')}</h2>
    <p class="panel__hint">${t('grantLead')}</p>
    <form class="form-stack" method="post" action="/admin/grant" novalidate>
      ${csrfField(context.csrfToken)}
      ${selectField({ name: 'account', id: 'grant-account', label: t('accountLabel'), options: accountOptions(context.locale, input.rows), selected: values.account ?? input.selectedAccountId, error: errors.account })}
      <div class="form-row">
        ${field({ name: 'api', id: 'grant-api', type: 'number', label: t('apiAmountLabel'), value: values.api ?? '0', error: errors.api, min: 0, max: MAX_GRANT, step: 1, inputmode: 'numeric' })}
        ${field({ name: 'user', id: 'grant-user', type: 'number', label: t('userAmountLabel'), value: values.user ?? '0', error: errors.user, min: 0, max: MAX_GRANT, step: 1, inputmode: 'numeric' })}
      </div>
      ${field({ name: 'note', id: 'grant-note', label: t('noteLabel'), hint: t('noteHint'), value: values.note ?? '', error: errors.note, maxlength: MAX_NOTE_LENGTH, required: true, autocomplete: 'off' })}
      <div class="actions"><button type="submit" class="button">${t('grantSubmit')}</button></div>
    </form>
  </section>`;
}

function renderPlanForm(context: PageContext, input: AdminPageInput): SafeHtml {
  const t = translator(adminMessages, context.locale);
  const values = input.plan?.values ?? {};
  const errors = input.plan?.errors ?? {};
  const selectedAccount = values.account ?? input.selectedAccountId;
  const currentPlan = input.rows.find((row) => row.account.id === selectedAccount)?.account.plan ?? null;
  return html`<section class="panel" id="plan" aria-labelledby="plan-title">
    <h2 id="plan-title">${t('planTitle')}</h2>
    <p class="panel__hint">${t('planLead')}</p>
    <form class="form-stack" method="post" action="/admin/plan" novalidate>
      ${csrfField(context.csrfToken)}
      ${selectField({ name: 'account', id: 'plan-account', label: t('accountLabel'), options: accountOptions(context.locale, input.rows), selected: selectedAccount, error: errors.account })}
      ${selectField({ name: 'plan', id: 'plan-plan', label: t('planLabel'), options: input.plans.map((plan) => ({ value: plan.id, label: plan.name })), selected: values.plan ?? currentPlan, error: errors.plan })}
      <div class="actions"><button type="submit" class="button">${t('planSubmit')}</button></div>
    </form>
  </section>`;
}

function renderInvite(context: PageContext, input: AdminPageInput): SafeHtml {
  const t = translator(adminMessages, context.locale);
  return html`<section class="panel" id="invite" aria-labelledby="invite-title">
  <h2 id="invite-title">${t('inviteTitle')}</h2>
  <p class="panel__hint">${t('inviteLead')}</p>
  ${input.invite
    ? html`<div class="warning" role="status"><p>${t('inviteCreated', { date: formatDateTime(context.locale, input.invite.expiresAt) })}</p></div>
  ${copyableValue(context.locale, 'invite-link', input.invite.url)}`
    : ''}
  <form method="post" action="/admin/invites">
    ${csrfField(context.csrfToken)}
    <button type="submit" class="button button--secondary">${t('inviteSubmit')}</button>
  </form>
</section>`;
}

// ---- Validation (pure) -------------------------------------------------------------------

/** A form's credit amount: '' is 0; anything but a whole number in range is an error message. */
export function parseCreditAmount(locale: Locale, raw: string): { amount: number } | { error: string } {
  const t = translator(adminMessages, locale);
  const text = raw.trim();
  if (text === '') return { amount: 0 };
  if (!/^\d+$/.test(text)) return { error: t('errorAmount') };
  const amount = Number(text);
  if (amount > MAX_GRANT) return { error: t('errorAmountTooLarge', { max: MAX_GRANT }) };
  return { amount };
}

// ---- Routes ----------------------------------------------------------------------------

export async function adminPages(app: FastifyInstance, options: WebDashboardOptions): Promise<void> {
  const publicBase = options.publicUrl.replace(/\/+$/, '');

  /** The signed-in admin, or undefined once the log-in redirect or the 403 page was sent. */
  const requireAdmin = (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.viewer) {
      redirectToLogin(request, reply);
      return undefined;
    }
    if (!request.viewer.account.isAdmin) {
      sendForbidden(reply, pageContext(request, reply));
      return undefined;
    }
    return request.viewer.account;
  };

  const loadRows = async (): Promise<AdminAccountRow[]> => {
    const accounts = await options.accounts.list();
    return Promise.all(accounts.map(async (account) => ({ account, summary: await options.credits.summary(account.id) })));
  };

  const show = async (request: FastifyRequest, reply: FastifyReply, extra: Partial<AdminPageInput>, status = 200) => {
    const context = pageContext(request, reply);
    const page = renderAdminPage(context, {
      rows: await loadRows(),
      plans: options.billing.plans(),
      providerName: options.billing.provider.name,
      ...extra,
    });
    return sendPage(reply, context, page, status);
  };

  app.get('/admin', async (request, reply) => {
    if (!requireAdmin(request, reply)) return reply;
    const locale = pageContext(request, reply).locale;
    const t = translator(adminMessages, locale);
    const selectedAccountId = queryValue(request, 'account') || undefined;
    const done = queryValue(request, 'done');
    let notice: string | undefined;
    if (selectedAccountId && (done === 'granted' || done === 'plan')) {
      const account = await options.accounts.findById(selectedAccountId);
      if (account) {
        const label = accountLabel(locale, account);
        const planName = options.billing.plans().find((plan) => plan.id === account.plan)?.name ?? account.plan ?? '';
        notice = done === 'granted' ? t('granted', { account: label }) : t('planChanged', { account: label, plan: planName });
      }
    }
    return show(request, reply, { selectedAccountId, notice });
  });

  app.post('/admin/grant', { preHandler: app.csrfProtection }, async (request, reply) => {
    const admin = requireAdmin(request, reply);
    if (!admin) return reply;
    const locale = pageContext(request, reply).locale;
    const t = translator(adminMessages, locale);
    const values = {
      account: formValue(request, 'account'),
      api: formValue(request, 'api'),
      user: formValue(request, 'user'),
      note: formValue(request, 'note').trim(),
    };
    const errors: Partial<Record<GrantField, string>> = {};
    const target = values.account ? await options.accounts.findById(values.account) : undefined;
    if (!target) errors.account = t('errorAccount');
    const api = parseCreditAmount(locale, values.api);
    const user = parseCreditAmount(locale, values.user);
    if ('error' in api) errors.api = api.error;
    if ('error' in user) errors.user = user.error;
    if ('amount' in api && 'amount' in user && api.amount === 0 && user.amount === 0) errors.api = t('errorNothingToGrant');
    if (values.note === '' || values.note.length > MAX_NOTE_LENGTH) errors.note = t('errorNote');
    if (!target || Object.keys(errors).length > 0 || !('amount' in api) || !('amount' in user)) {
      return show(request, reply, { grant: { values, errors }, selectedAccountId: values.account }, 400);
    }
    await options.billing.provider.grantCredits(target.id, { api: api.amount, user: user.amount }, values.note, admin.id);
    return reply.redirect(`/admin?done=granted&account=${encodeURIComponent(target.id)}`, 303);
  });

  app.post('/admin/plan', { preHandler: app.csrfProtection }, async (request, reply) => {
    const admin = requireAdmin(request, reply);
    if (!admin) return reply;
    const t = translator(adminMessages, pageContext(request, reply).locale);
    const values = { account: formValue(request, 'account'), plan: formValue(request, 'plan') };
    const errors: Partial<Record<PlanField, string>> = {};
    const target = values.account ? await options.accounts.findById(values.account) : undefined;
    if (!target) errors.account = t('errorAccount');
    const plan = options.billing.plans().find((candidate) => candidate.id === values.plan);
    if (!plan) errors.plan = t('errorPlan');
    if (!target || !plan) return show(request, reply, { plan: { values, errors }, selectedAccountId: values.account }, 400);
    await options.billing.provider.changePlan(target.id, plan.id, admin.id);
    return reply.redirect(`/admin?done=plan&account=${encodeURIComponent(target.id)}`, 303);
  });

  app.post('/admin/invites', { preHandler: app.csrfProtection }, async (request, reply) => {
    const admin = requireAdmin(request, reply);
    if (!admin) return reply;
    const invite = await options.accounts.createInvite(admin.id);
    const url = `${publicBase}/signup?invite=${encodeURIComponent(invite.code)}`;
    // Not a redirect: only a hash of the code is stored, so this response is the one place it exists.
    return show(request, reply, { invite: { url, expiresAt: invite.expiresAt } }, 201);
  });
}
