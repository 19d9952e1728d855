// Credits and plans: the two balances side by side (with the note that they are separate), the
// current plan, the plans on offer and the ledger history.
import type { FastifyInstance } from 'fastify';
import { CREDITS_PER_SECOND, MINIMUM_BILLED_SECONDS, type CreditSummary, type Plan } from '../../billing/index.js';
import type { LedgerEntry, LedgerKind } from '../../store/index.js';
import { pageContext, redirectToLogin, sendPage, type PageContext } from '../context.js';
import { html, type SafeHtml } from '../html.js';
import * as common from '../i18n/common.js';
import * as creditsMessages from '../i18n/credits.js';
import { formatDateTime, formatNumber, formatPrice, isoDateTime, translator, type Locale } from '../i18n/index.js';
import type { WebDashboardOptions } from '../options.js';

/** How many ledger rows the page shows. */
export const LEDGER_ROWS = 50;

const KIND_LABELS: Record<LedgerKind, keyof typeof creditsMessages.en> = {
  grant: 'kindGrant',
  hold: 'kindHold',
  release: 'kindRelease',
  charge: 'kindCharge',
};

export interface CreditsPageInput {
  summary: CreditSummary;
  plans: readonly Plan[];
  currentPlan: Plan | null;
  planRenewsAt: number | null;
  ledger: readonly LedgerEntry[];
}

export function renderCreditsPage(context: PageContext, input: CreditsPageInput): { title: string; body: SafeHtml } {
  const t = translator(creditsMessages, context.locale);
  return {
    title: t('title'),
    body: html`<div class="page-header"><h1>${t('title')}</h1><p class="lead">${t('lead')}</p></div>
${renderBalances(context.locale, input.summary)}
<div class="grid">
  <section class="panel" aria-labelledby="current-plan">
    <h2 id="current-plan">${t('currentPlanTitle')}</h2>
    ${input.currentPlan
      ? html`<p class="stat__value">${input.currentPlan.name}</p>
    <p class="stat__detail">${planSummary(context.locale, input.currentPlan)}</p>
    ${input.planRenewsAt !== null ? html`<p>${t('currentPlanRenews', { date: formatDateTime(context.locale, input.planRenewsAt) })}</p>` : ''}`
      : html`<p>${t('currentPlanNone')}</p>`}
    <p class="panel__hint">${t('plansHowToChange')}</p>
  </section>
  <section class="panel" aria-labelledby="pricing">
    <h2 id="pricing">${t('pricingTitle')}</h2>
    <p>${t('pricing', { rate480: CREDITS_PER_SECOND['480p'], rate720: CREDITS_PER_SECOND['720p'], minimum: MINIMUM_BILLED_SECONDS })}</p>
  </section>
</div>
<section class="panel" aria-labelledby="plans">
  <h2 id="plans">${t('plansTitle')}</h2>
  <p class="panel__hint">${t('plansLead')}</p>
  ${renderPlansTable(context.locale, input.plans, input.currentPlan?.id ?? null)}
</section>
<section class="panel" aria-labelledby="ledger">
  <h2 id="ledger">${t('ledgerTitle')}</h2>
  ${input.ledger.length === 0
    ? html`<p>${t('ledgerEmpty')}</p>`
    : html`<p class="panel__hint">${t('ledgerLead', { count: LEDGER_ROWS })}</p>${renderLedger(context.locale, input.ledger)}`}
</section>`,
  };
}

/** The two balances side by side and the note that they never mix (also on the overview). */
export function renderBalances(locale: Locale, summary: CreditSummary): SafeHtml {
  const t = translator(creditsMessages, locale);
  const balance = (id: string, label: string, detail: string, amount: number, held: number) => html`<section class="panel stat" aria-labelledby="${id}">
    <h2 class="stat__label" id="${id}">${label}</h2>
    <p class="stat__value" data-balance="${id}">${formatNumber(locale, amount)}</p>
    ${held > 0 ? html`<p class="stat__detail">${t('held', { amount: held })}</p>` : ''}
    <p class="stat__detail">${detail}</p>
  </section>`;
  return html`<div class="grid balances">
  ${balance('api-credits', t('apiCredits'), t('apiCreditsDetail'), summary.balances.api, summary.held.api)}
  ${balance('user-credits', t('userCredits'), t('userCreditsDetail'), summary.balances.user, summary.held.user)}
</div>
<div class="warning separate-note"><p>${t('separateNote')}</p></div>`;
}

function planSummary(locale: Locale, plan: Plan): string {
  const t = translator(creditsMessages, locale);
  const price = plan.priceCents === 0 ? t('free') : formatPrice(locale, plan.priceCents, plan.currency);
  return t('planMonthly', { api: plan.monthlyApiCredits, user: plan.monthlyUserCredits, price });
}

export function renderPlansTable(locale: Locale, plans: readonly Plan[], currentPlanId: string | null): SafeHtml {
  const t = translator(creditsMessages, locale);
  return html`<table class="table table--stack">
  <thead><tr>
    <th scope="col">${t('columnPlan')}</th><th scope="col" class="num">${t('columnMonthlyApi')}</th>
    <th scope="col" class="num">${t('columnMonthlyUser')}</th><th scope="col" class="num">${t('columnPrice')}</th>
  </tr></thead>
  <tbody>
    ${plans.map(
      (plan) => html`<tr${plan.id === currentPlanId ? html` class="is-current"` : ''}>
      <th scope="row" data-label="${t('columnPlan')}">${plan.name}${plan.id === currentPlanId ? html` <span class="badge badge--accent">${t('currentBadge')}</span>` : ''}</th>
      <td class="num" data-label="${t('columnMonthlyApi')}">${formatNumber(locale, plan.monthlyApiCredits)}</td>
      <td class="num" data-label="${t('columnMonthlyUser')}">${formatNumber(locale, plan.monthlyUserCredits)}</td>
      <td class="num" data-label="${t('columnPrice')}">${plan.priceCents === 0 ? t('free') : formatPrice(locale, plan.priceCents, plan.currency)}</td>
    </tr>`,
    )}
  </tbody>
</table>`;
}

export function renderLedger(locale: Locale, entries: readonly LedgerEntry[]): SafeHtml {
  const t = translator(creditsMessages, locale);
  const c = translator(common, locale);
  return html`<table class="table table--stack ledger">
  <thead><tr>
    <th scope="col">${t('columnDate')}</th><th scope="col">${t('columnBalance')}</th><th scope="col">${t('columnKind')}</th>
    <th scope="col" class="num">${t('columnAmount')}</th><th scope="col">${t('columnJob')}</th><th scope="col">${t('columnNote')}</th>
  </tr></thead>
  <tbody>
    ${entries.map(
      (entry) => html`<tr>
      <td data-label="${t('columnDate')}"><time datetime="${isoDateTime(entry.createdAt)}">${formatDateTime(locale, entry.createdAt)}</time></td>
      <td data-label="${t('columnBalance')}">${entry.balance === 'api' ? t('balanceApi') : t('balanceUser')}</td>
      <td data-label="${t('columnKind')}">${t(KIND_LABELS[entry.kind])}</td>
      <td class="num ${entry.amount >= 0 ? 'positive' : 'negative'}" data-label="${t('columnAmount')}">${signed(locale, entry.amount)}</td>
      <td data-label="${t('columnJob')}">${entry.jobId ? html`<a href="/jobs/${entry.jobId}"><code>${entry.jobId.slice(0, 8)}</code></a>` : c('none')}</td>
      <td data-label="${t('columnNote')}">${entry.note || c('none')}</td>
    </tr>`,
    )}
  </tbody>
</table>`;
}

function signed(locale: Locale, amount: number): string {
  // A real minus sign reads better than a hyphen next to digits.
  return amount > 0 ? `+${formatNumber(locale, amount)}` : amount < 0 ? `−${formatNumber(locale, -amount)}` : '0';
}

// ---- Routes ----------------------------------------------------------------------------

export async function creditPages(app: FastifyInstance, options: WebDashboardOptions): Promise<void> {
  app.get('/credits', async (request, reply) => {
    if (!request.viewer) return redirectToLogin(request, reply);
    const { account } = request.viewer;
    const context = pageContext(request, reply);
    const [summary, currentPlan, ledger] = await Promise.all([
      options.credits.summary(account.id),
      options.billing.currentPlan(account.id),
      options.credits.history(account.id, LEDGER_ROWS),
    ]);
    const page = renderCreditsPage(context, {
      summary,
      plans: options.billing.plans(),
      currentPlan,
      planRenewsAt: account.planRenewsAt,
      ledger,
    });
    return sendPage(reply, context, page);
  });
}
