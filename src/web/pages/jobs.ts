// The viewer's job history (/jobs, paged with the job list's cursor) and one job (/jobs/:id).
// Both work without JavaScript; /static/playground.js keeps a processing job's page up to date.
import type { FastifyInstance } from 'fastify';
import { outputUrl, type JobService } from '../../jobs/index.js';
import type { JobListPosition, JobRecord } from '../../store/index.js';
import { pageContext, queryValue, redirectToLogin, sendNotFound, sendPage, type PageContext } from '../context.js';
import { html, raw, type SafeHtml } from '../html.js';
import * as jobMessages from '../i18n/jobs.js';
import { formatDateTime, formatNumber, isoDateTime, translator, type Locale, type Translate } from '../i18n/index.js';

export interface JobPagesOptions {
  jobs: JobService;
  /** config.publicUrl: outputs are linked under it. */
  publicUrl: string;
}

type JobKey = keyof typeof jobMessages.en;
type T = Translate<JobKey>;

/** Rows per page: a screenful on a laptop, a short scroll on a phone. */
export const JOBS_PAGE_SIZE = 20;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const STATUS_TEXT: Record<JobRecord['status'], JobKey> = {
  processing: 'statusProcessing',
  completed: 'statusCompleted',
  failed: 'statusFailed',
  canceled: 'statusCanceled',
};
const STATUS_BADGE: Record<JobRecord['status'], string> = {
  processing: 'badge badge--accent',
  completed: 'badge badge--ok',
  failed: 'badge negative',
  canceled: 'badge badge--off',
};
/**
 * Engine stages (src/engine/types.ts Stage) → their catalogue keys (the jobs and playground
 * catalogues both have them). Pages hand the script the names keyed by stage (`stages`), so the
 * script keeps no copy of this table.
 */
export const STAGE_TEXT = {
  queued: 'stageQueued',
  fetch: 'stageFetch',
  analyse: 'stageAnalyse',
  render: 'stageRender',
  encode: 'stageEncode',
  finalize: 'stageFinalize',
} as const satisfies Record<string, JobKey>;
type Stage = keyof typeof STAGE_TEXT;

/** Each stage's name in a catalogue, for a page's script. */
export function stageNames(name: (key: (typeof STAGE_TEXT)[Stage]) => string): Record<Stage, string> {
  return Object.fromEntries(Object.entries(STAGE_TEXT).map(([stage, key]) => [stage, name(key)])) as Record<Stage, string>;
}

// ---- Rendering (pure) ------------------------------------------------------------------

export interface JobListView {
  jobs: JobRecord[];
  /** Cursor of the next (older) page, or null on the last one. */
  nextCursor: string | null;
  /** Whether this is a later page (then a link back to the newest is shown). */
  paged: boolean;
  publicUrl: string;
}

export function renderJobListPage(context: PageContext, view: JobListView): { title: string; body: SafeHtml } {
  const t = translator(jobMessages, context.locale);
  const locale = context.locale;
  return {
    title: t('title'),
    body: html`<div class="page-header"><h1>${t('title')}</h1><p class="lead">${t('lead')}</p></div>
${view.jobs.length === 0 && !view.paged
  ? html`<section class="panel"><p>${t('empty')}</p><p><a class="button" href="/playground">${t('playgroundLink')}</a></p></section>`
  : html`<section class="panel">
  <table class="table table--stack">
    <caption class="visually-hidden">${t('tableCaption')}</caption>
    <thead><tr>
      <th scope="col">${t('colCreated')}</th>
      <th scope="col">${t('colModel')}</th>
      <th scope="col">${t('colStatus')}</th>
      <th scope="col" class="num">${t('colDuration')}</th>
      <th scope="col" class="num">${t('colCredits')}</th>
      <th scope="col">${t('colOutput')}</th>
    </tr></thead>
    <tbody>
      ${view.jobs.map((job) => jobRow(t, locale, job, view.publicUrl))}
    </tbody>
  </table>
</section>`}
${pagination(t, view)}`,
  };
}

function jobRow(t: T, locale: Locale, job: JobRecord, publicUrl: string): SafeHtml {
  return html`<tr>
        <td data-label="${t('colCreated')}"><a href="/jobs/${job.id}" aria-label="${t('detailsOf', { id: job.id })}">${dateTime(locale, job.createdAt)}</a></td>
        <td data-label="${t('colModel')}"><code>${job.model}</code></td>
        <td data-label="${t('colStatus')}">${statusBadge(t, job)}</td>
        <td data-label="${t('colDuration')}" class="num">${duration(t, locale, job)}</td>
        <td data-label="${t('colCredits')}" class="num">${credits(t, job)}</td>
        <td data-label="${t('colOutput')}">${outputCell(t, job, publicUrl)}</td>
      </tr>`;
}

function pagination(t: T, view: JobListView): SafeHtml {
  if (!view.nextCursor && !view.paged) return html``;
  return html`<nav class="actions" aria-label="${t('paginationLabel')}">
  ${view.paged ? html`<a class="button button--secondary" href="/jobs">${t('newestJobs')}</a>` : ''}
  ${view.nextCursor ? html`<a class="button button--secondary" href="/jobs?cursor=${view.nextCursor}" rel="next">${t('olderJobs')}</a>` : ''}
</nav>`;
}

export function renderJobPage(context: PageContext, job: JobRecord, publicUrl: string): { title: string; body: SafeHtml } {
  const t = translator(jobMessages, context.locale);
  const locale = context.locale;
  const processing = job.status === 'processing';
  const output = job.status === 'completed' && job.outputFile ? outputUrl(publicUrl, job.outputFile) : null;
  const stageMessages = stageNames(t);
  return {
    title: `${t('jobTitle')} ${job.id.slice(0, 8)}`,
    body: html`<p><a href="/jobs">← ${t('backToJobs')}</a></p>
<div class="page-header"><h1>${t('jobTitle')} <code>${job.id}</code></h1></div>
${processing
  ? html`<section class="panel" data-job-live="${job.id}" aria-labelledby="job-progress-label">
  <p id="job-progress-label"><strong>${t('fieldProgress')}</strong></p>
  <progress max="1" value="${job.progress}" aria-label="${t('progressLabel')}" data-job-progress></progress>
  <p aria-live="polite" data-job-stage>${stageText(t, job.stage)} · ${Math.round(job.progress * 100)}%</p>
  <p class="panel__hint">${t('processingNote')} <a href="/jobs/${job.id}">${t('refresh')}</a></p>
  <script type="application/json" id="job-messages">${jsonForScript({ stages: stageMessages })}</script>
</section>`
  : ''}
${output
  ? html`<section class="panel" aria-labelledby="job-result">
  <h2 id="job-result">${t('resultTitle')}</h2>
  <video controls preload="metadata" src="${output}" class="job-video"></video>
  <p><a class="button" href="${output}" download>${t('download')}</a></p>
</section>`
  : ''}
${job.outputDeletedAt !== null ? html`<div class="warning"><p>${t('outputDeletedNote')}</p></div>` : ''}
${job.status === 'failed' ? html`<div class="alert" role="alert"><p><strong>${t('fieldError')}:</strong> ${job.error}</p></div>` : ''}
<section class="panel">
  <dl class="definitions">
    <dt>${t('fieldId')}</dt><dd><code>${job.id}</code></dd>
    <dt>${t('fieldModel')}</dt><dd><code>${job.model}</code></dd>
    <dt>${t('fieldStatus')}</dt><dd>${statusBadge(t, job)}</dd>
    <dt>${t('fieldCreated')}</dt><dd>${dateTime(locale, job.createdAt)}</dd>
    ${job.completedAt !== null ? html`<dt>${t('fieldCompleted')}</dt><dd>${dateTime(locale, job.completedAt)}</dd>` : ''}
    <dt>${t('fieldDuration')}</dt><dd>${duration(t, locale, job)}</dd>
    <dt>${t('fieldCredits')}</dt><dd>${credits(t, job)}</dd>
    <dt>${t('fieldSeed')}</dt><dd>${job.seed}</dd>
    <dt>${t('fieldInputs')}</dt><dd>${inputList(job)}</dd>
  </dl>
</section>`,
  };
}

function statusBadge(t: T, job: JobRecord): SafeHtml {
  return html`<span class="${STATUS_BADGE[job.status]}">${t(STATUS_TEXT[job.status])}</span>`;
}

function stageText(t: T, stage: string): string {
  return stage in STAGE_TEXT ? t(STAGE_TEXT[stage as Stage]) : stage;
}

function dateTime(locale: Locale, epochMs: number): SafeHtml {
  return html`<time datetime="${isoDateTime(epochMs)}">${formatDateTime(locale, epochMs)}</time>`;
}

function duration(t: T, locale: Locale, job: JobRecord): string {
  if (job.status !== 'completed' || job.executionMs === null) return '—';
  return t('seconds', { seconds: formatNumber(locale, Math.round(job.executionMs / 100) / 10) });
}

/** Charged when completed, held while processing, nothing for failed or canceled jobs; and which balance. */
function credits(t: T, job: JobRecord): string {
  const user = job.creditBalance === 'user';
  switch (job.status) {
    case 'completed':
      return t(user ? 'creditsUser' : 'creditsApi', { credits: job.credits ?? 0 });
    case 'processing':
      return job.credits === null ? t('creditsPending') : t(user ? 'creditsHeldUser' : 'creditsHeldApi', { credits: job.credits });
    case 'failed':
    case 'canceled':
      return t(user ? 'creditsUser' : 'creditsApi', { credits: 0 });
  }
}

function outputCell(t: T, job: JobRecord, publicUrl: string): SafeHtml | string {
  if (job.status === 'completed' && job.outputFile) return html`<a href="${outputUrl(publicUrl, job.outputFile)}">${t('outputWatch')}</a>`;
  if (job.outputDeletedAt !== null) return t('outputDeleted');
  return '—';
}

/** The formState's media URLs as links, the other fields as text. */
function inputList(job: JobRecord): SafeHtml {
  return html`<ul class="link-list">${Object.entries(job.input).map(([name, value]) =>
    typeof value === 'string' && /^https?:\/\//i.test(value)
      ? html`<li><code>${name}</code>: <a href="${value}" rel="noreferrer">${shortUrl(value)}</a></li>`
      : html`<li><code>${name}</code>: ${String(value)}</li>`,
  )}</ul>`;
}

/** The URL's file name, shortened: upload and output tokens are long and cannot wrap on a phone. */
function shortUrl(url: string): string {
  const last = url.split('?')[0].split('/').pop() || url;
  return last.length > 28 ? `${last.slice(0, 12)}…${last.slice(-12)}` : last;
}

/** JSON inside a <script> element: `<` escaped so no string can close the element. */
export function jsonForScript(value: unknown): SafeHtml {
  return raw(JSON.stringify(value).replace(/</g, '\\u003c'));
}

// ---- Cursor: the position of the last job shown, opaque to the reader --------------------

export function encodeJobCursor(position: JobListPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt, position.id])).toString('base64url');
}

/** A cursor this page handed out, else null (the first page is shown). */
export function decodeJobCursor(cursor: string): JobListPosition | null {
  if (cursor === '' || cursor.length > 200) return null;
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (Number.isSafeInteger(createdAt) && typeof id === 'string' && UUID.test(id)) return { createdAt: createdAt as number, id };
  } catch {
    // not one of ours
  }
  return null;
}

// ---- Routes ----------------------------------------------------------------------------

export async function jobPages(app: FastifyInstance, options: JobPagesOptions): Promise<void> {
  app.get('/jobs', async (request, reply) => {
    if (!request.viewer) return redirectToLogin(request, reply);
    const after = decodeJobCursor(queryValue(request, 'cursor'));
    const page = await options.jobs.list(request.viewer.account.id, {}, after, JOBS_PAGE_SIZE);
    const view: JobListView = {
      jobs: page.jobs,
      nextCursor: page.next ? encodeJobCursor(page.next) : null,
      paged: after !== null,
      publicUrl: options.publicUrl,
    };
    const context = pageContext(request, reply);
    return sendPage(reply, context, renderJobListPage(context, view));
  });

  app.get<{ Params: { id: string } }>('/jobs/:id', async (request, reply) => {
    if (!request.viewer) return redirectToLogin(request, reply);
    const context = pageContext(request, reply);
    const id = request.params.id.toLowerCase();
    // Another account's job is simply not there, as in the API (404, never 403).
    const job = UUID.test(id) ? await options.jobs.findForAccount(id, request.viewer.account.id) : undefined;
    if (!job) return sendNotFound(reply, context);
    return sendPage(reply, context, { ...renderJobPage(context, job, options.publicUrl), scripts: ['/static/playground.js'] });
  });
}
