// The overview (/): balances side by side, the plan, and links to everything else. Anonymous
// visitors are sent to the log-in page.
import type { FastifyInstance } from 'fastify';
import type { CreditSummary } from '../../billing/index.js';
import { pageContext, sendPage, type PageContext } from '../context.js';
import { html, type SafeHtml } from '../html.js';
import { translator } from '../i18n/index.js';
import * as overviewMessages from '../i18n/overview.js';
import type { WebDashboardOptions } from '../options.js';
import { renderBalances } from './credits.js';

export interface OverviewInput {
  summary: CreditSummary;
  planName: string | null;
  activeKeys: number;
}

const LINKS = [
  { href: '/keys', label: 'linkKeys', detail: 'linkKeysDetail' },
  { href: '/playground', label: 'linkPlayground', detail: 'linkPlaygroundDetail' },
  { href: '/jobs', label: 'linkJobs', detail: 'linkJobsDetail' },
  { href: '/credits', label: 'linkCredits', detail: 'linkCreditsDetail' },
  { href: '/guide', label: 'linkGuide', detail: 'linkGuideDetail' },
] as const;

export function renderOverviewPage(context: PageContext, input: OverviewInput): { title: string; body: SafeHtml } {
  const t = translator(overviewMessages, context.locale);
  const keys =
    input.activeKeys === 0 ? t('keysSummaryNone') : input.activeKeys === 1 ? t('keysSummaryOne') : t('keysSummary', { count: input.activeKeys });
  return {
    title: t('title'),
    body: html`<div class="page-header"><h1>${t('welcome')}</h1><p class="lead">${t('lead')}</p></div>
${renderBalances(context.locale, input.summary)}
<div class="grid">
  <section class="panel" aria-labelledby="next-steps">
    <h2 id="next-steps">${t('nextStepsTitle')}</h2>
    <ul class="link-list">
      ${LINKS.map((link) => html`<li><a href="${link.href}">${t(link.label)}</a><span>${t(link.detail)}</span></li>`)}
    </ul>
  </section>
  <section class="panel" aria-labelledby="plan-and-keys">
    <h2 id="plan-and-keys">${t('planTitle')}</h2>
    <p>${input.planName ? t('planLine', { plan: input.planName }) : t('noPlan')} · <a href="/credits">${t('linkCredits')}</a></p>
    <p><a href="/keys">${keys}</a></p>
  </section>
</div>`,
  };
}

export async function overviewPage(app: FastifyInstance, options: WebDashboardOptions): Promise<void> {
  app.get('/', async (request, reply) => {
    if (!request.viewer) return reply.redirect('/login', 303);
    const { account } = request.viewer;
    const context = pageContext(request, reply);
    const [summary, plan, keys] = await Promise.all([
      options.credits.summary(account.id),
      options.billing.currentPlan(account.id),
      options.apiKeys.list(account.id),
    ]);
    const activeKeys = keys.filter((key) => key.revokedAt === null).length;
    return sendPage(reply, context, renderOverviewPage(context, { summary, planName: plan?.name ?? null, activeKeys }));
  });
}
