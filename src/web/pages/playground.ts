// /playground: make a video from files on the reader's computer, paid with user credits. With
// JavaScript (/static/playground.js) files upload as soon as they are picked, the cost shows
// before submitting and progress is followed live; without it the form posts here in one
// multipart request and the reader is sent to the job's page.
import type { FastifyInstance } from 'fastify';
import fastifyMultipart from '@fastify/multipart';
import type { CreditService } from '../../billing/index.js';
import { NotEnoughCreditsError, TooManyProcessingJobsError, type JobService } from '../../jobs/index.js';
import type { UploadStore } from '../../jobs/uploads.js';
import { pageContext, redirectToLogin, sendPage, type PageContext } from '../context.js';
import { csrfField, field, selectField } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { formatNumber, translator, type Translate } from '../i18n/index.js';
import * as playgroundMessages from '../i18n/playground.js';
import { renderMessagePage } from './message.js';
import { jsonForScript, stageNames } from './jobs.js';
import {
  DEFAULT_CHOICES,
  FILES_BY_MODEL,
  MAX_PROMPT_LENGTH,
  readPlaygroundForm,
  type FileField,
  type PlaygroundChoices,
  type PlaygroundErrors,
  type PlaygroundModel,
} from './playground-form.js';

export interface PlaygroundPagesOptions {
  jobs: JobService;
  credits: CreditService;
  uploads: UploadStore;
  /** config.publicUrl: upload URLs in the formState are under it. */
  publicUrl: string;
  /** Largest file accepted; the same as POST /api/v1/uploads (default 200 MB). */
  maxUploadBytes?: number;
}

type Key = keyof typeof playgroundMessages.en;
type T = Translate<Key>;

const DEFAULT_MAX_UPLOAD_BYTES = 200 * 1024 * 1024;
const MODES: ReadonlyArray<{ model: PlaygroundModel; label: Key; hint: Key }> = [
  { model: 'lipsync-image', label: 'modeImage', hint: 'modeImageHint' },
  { model: 'lipsync-video', label: 'modeVideo', hint: 'modeVideoHint' },
  { model: 'lipsync-image-multi', label: 'modeMulti', hint: 'modeMultiHint' },
];
const FILE_INPUTS: ReadonlyArray<{ name: FileField; label: Key; hint?: Key; accept: string }> = [
  { name: 'image', label: 'imageLabel', hint: 'imageHint', accept: 'image/jpeg,image/png,image/webp,image/gif' },
  { name: 'video', label: 'videoLabel', hint: 'videoHint', accept: 'video/*,.mkv,.mov' },
  { name: 'audio', label: 'audioLabel', hint: 'audioHint', accept: 'audio/*,.m4a,.flac,.ogg' },
  { name: 'left_audio', label: 'leftAudioLabel', hint: 'audioHint', accept: 'audio/*,.m4a,.flac,.ogg' },
  { name: 'right_audio', label: 'rightAudioLabel', hint: 'audioHint', accept: 'audio/*,.m4a,.flac,.ogg' },
];
const PROBLEM_TEXT: Record<NonNullable<PlaygroundErrors[keyof PlaygroundErrors]>, Key> = {
  fileMissing: 'errorFileMissing',
  fileTooLarge: 'errorFileTooLarge',
  fileUnsupported: 'errorFileUnsupported',
  seed: 'errorSeed',
  prompt: 'errorPrompt',
  mode: 'errorMode',
};
/** Messages the script shows; the rest of the catalogue stays on the server. */
const SCRIPT_MESSAGES: readonly Key[] = [
  'estimateIdle', 'estimateWorking', 'estimateResult', 'estimateShort', 'estimateUnavailable', 'submit', 'submitting',
  'uploading', 'uploaded', 'uploadFailed', 'chooseFile', 'completed', 'failed', 'canceled', 'networkError', 'errorFileTooLarge',
  'imageLabel', 'videoLabel', 'audioLabel', 'leftAudioLabel', 'rightAudioLabel',
];

export interface PlaygroundView {
  userCredits: number;
  maxUploadBytes: number;
  retentionHours: number;
  choices?: PlaygroundChoices;
  errors?: PlaygroundErrors;
  /** A problem with the whole request (credits, too many jobs). */
  problem?: Key;
}

// ---- Rendering (pure) ------------------------------------------------------------------

export function renderPlaygroundPage(context: PageContext, view: PlaygroundView): { title: string; body: SafeHtml; scripts: string[] } {
  const t = translator(playgroundMessages, context.locale);
  const choices = view.choices ?? DEFAULT_CHOICES;
  const errors = view.errors ?? {};
  const maxMb = Math.floor(view.maxUploadBytes / (1024 * 1024));
  const problem = view.problem ?? (Object.keys(errors).length > 0 ? 'errorForm' : null);
  const catalogue = playgroundMessages[context.locale];
  const scriptMessages = {
    ...Object.fromEntries(SCRIPT_MESSAGES.map((key) => [key, catalogue[key]])),
    stages: stageNames((key) => catalogue[key]),
  };
  return {
    title: t('title'),
    scripts: ['/static/playground.js'],
    body: html`<div class="page-header"><h1>${t('title')}</h1><p class="lead">${t('lead')}</p></div>
<section class="panel stat" aria-labelledby="playground-balance-label">
  <span class="stat__label" id="playground-balance-label">${t('balanceLabel')}</span>
  <span class="stat__value" id="playground-balance" data-user-credits="${view.userCredits}">${formatNumber(context.locale, view.userCredits)}</span>
  <span class="stat__detail">${t('balanceNote')}</span>
</section>
<form id="playground-form" method="post" action="/playground" enctype="multipart/form-data" novalidate data-max-bytes="${view.maxUploadBytes}">
  ${csrfField(context.csrfToken)}
  <div id="playground-error" class="alert" role="alert" aria-live="assertive"${problem ? '' : html` hidden`}>${problem ? html`<p>${t(problem)}</p>` : ''}</div>
  <div class="grid">
    <section class="panel" aria-labelledby="playground-mode-title">
      <h2 id="playground-mode-title">${t('modeLegend')}</h2>
      <div class="form-stack">
        ${errors.mode ? html`<p class="field__error">${t('errorMode')}</p>` : ''}
        <div role="radiogroup" aria-labelledby="playground-mode-title" class="form-stack">
          ${MODES.map(
            (mode) => html`<div class="choice">
            <input type="radio" id="mode-${mode.model}" name="mode" value="${mode.model}" aria-describedby="mode-${mode.model}-hint"${mode.model === choices.model ? html` checked` : ''}>
            <label for="mode-${mode.model}"><strong>${t(mode.label)}</strong></label>
            <p class="field__hint" id="mode-${mode.model}-hint">${t(mode.hint)}</p>
          </div>`,
          )}
        </div>
      </div>
    </section>
    <section class="panel" aria-labelledby="playground-files-title">
      <h2 id="playground-files-title">${t('filesLegend')}</h2>
      <div class="form-stack">
        <p class="field__hint">${t('filesHint', { size: maxMb, hours: view.retentionHours })}</p>
        <noscript><p class="field__hint">${t('noScriptModeNote')}</p></noscript>
        ${FILE_INPUTS.map((input) => fileInput(t, input, errors[input.name], maxMb))}
        <div data-modes="lipsync-image-multi">
          ${selectField({
            name: 'order',
            label: t('orderLabel'),
            options: [
              { value: 'meanwhile', label: t('orderMeanwhile') },
              { value: 'left_right', label: t('orderLeftRight') },
              { value: 'right_left', label: t('orderRightLeft') },
            ],
            selected: choices.order,
          })}
        </div>
      </div>
    </section>
    <section class="panel" aria-labelledby="playground-options-title">
      <h2 id="playground-options-title">${t('optionsLegend')}</h2>
      <div class="form-stack">
        ${selectField({
          name: 'resolution',
          label: t('resolutionLabel'),
          options: [
            { value: '480p', label: t('resolution480') },
            { value: '720p', label: t('resolution720') },
          ],
          selected: choices.resolution,
        })}
        ${field({ name: 'seed', type: 'number', label: t('seedLabel'), hint: t('seedHint'), value: choices.seed, min: -1, max: 2147483647, step: 1, inputmode: 'numeric', error: errors.seed ? t('errorSeed') : null })}
        ${field({ name: 'prompt', label: t('promptLabel'), hint: t('promptHint'), value: choices.prompt, maxlength: MAX_PROMPT_LENGTH, error: errors.prompt ? t('errorPrompt', { max: MAX_PROMPT_LENGTH }) : null })}
      </div>
    </section>
  </div>
  <section class="panel" aria-labelledby="playground-estimate-title">
    <h2 id="playground-estimate-title">${t('estimateTitle')}</h2>
    <p id="playground-estimate" aria-live="polite">${t('estimateIdle')}</p>
    <div class="actions"><button type="submit" class="button" id="playground-submit">${t('submit')}</button></div>
  </section>
</form>
<section id="playground-job" class="panel" aria-labelledby="playground-job-title" hidden>
  <h2 id="playground-job-title">${t('progressTitle')}</h2>
  <progress id="playground-progress" max="1" value="0" aria-label="${t('progressLabel')}"></progress>
  <p id="playground-stage" aria-live="polite"></p>
  <div id="playground-result" hidden>
    <h3>${t('resultTitle')}</h3>
    <video id="playground-video" controls preload="metadata" playsinline></video>
    <p class="actions"><a class="button" id="playground-download" download>${t('download')}</a> <a id="playground-job-link">${t('jobLink')}</a></p>
  </div>
</section>
<script type="application/json" id="playground-messages">${jsonForScript(scriptMessages)}</script>`,
  };
}

function fileInput(t: T, input: (typeof FILE_INPUTS)[number], problem: PlaygroundErrors[FileField], maxMb: number): SafeHtml {
  const id = `field-${input.name}`;
  const modes = (Object.keys(FILES_BY_MODEL) as PlaygroundModel[]).filter((model) => FILES_BY_MODEL[model].includes(input.name));
  const describedBy = [problem ? `${id}-error` : null, input.hint ? `${id}-hint` : null, `${id}-status`].filter(Boolean).join(' ');
  return html`<div class="field" data-modes="${modes.join(' ')}">
      <label for="${id}">${t(input.label)}</label>
      ${input.hint ? html`<p class="field__hint" id="${id}-hint">${t(input.hint)}</p>` : ''}
      ${problem ? html`<p class="field__error" id="${id}-error">${t(PROBLEM_TEXT[problem], { size: maxMb })}</p>` : ''}
      <input type="file" id="${id}" name="${input.name}" accept="${input.accept}" aria-describedby="${describedBy}"${problem ? html` aria-invalid="true"` : ''}>
      <p class="field__hint" id="${id}-status" data-upload-status aria-live="polite"></p>
    </div>`;
}

// ---- Routes ----------------------------------------------------------------------------

export async function playgroundPages(app: FastifyInstance, options: PlaygroundPagesOptions): Promise<void> {
  const maxBytes = options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  // Only this plugin's POST reads multipart; five files at most, each one byte over the limit
  // so the upload store (not busboy's silent truncation) refuses an oversized one.
  await app.register(fastifyMultipart, { limits: { fileSize: maxBytes + 1, files: 5, fields: 20, parts: 25 }, throwFileSizeLimit: false });

  const view = async (accountId: string, extra: Partial<PlaygroundView> = {}): Promise<PlaygroundView> => ({
    userCredits: (await options.credits.summary(accountId)).balances.user,
    maxUploadBytes: maxBytes,
    retentionHours: options.uploads.retentionHours,
    ...extra,
  });

  app.get('/playground', async (request, reply) => {
    if (!request.viewer) return redirectToLogin(request, reply);
    const context = pageContext(request, reply);
    return sendPage(reply, context, renderPlaygroundPage(context, await view(request.viewer.account.id)));
  });

  // The form without JavaScript. The CSRF token is checked inside, as the first multipart field.
  app.post('/playground', async (request, reply) => {
    if (!request.viewer) return redirectToLogin(request, reply);
    const accountId = request.viewer.account.id;
    const context = pageContext(request, reply);
    if (!request.isMultipart()) return sendPage(reply, context, renderMessagePage(context.locale, 'csrf'), 403);
    const form = await readPlaygroundForm(request, reply, { app, uploads: options.uploads, publicUrl: options.publicUrl, maxBytes });
    if (form.type === 'csrf') return sendPage(reply, context, renderMessagePage(context.locale, 'csrf'), 403);
    if (form.type === 'invalid') {
      return sendPage(reply, context, renderPlaygroundPage(context, await view(accountId, { choices: form.choices, errors: form.errors })), 400);
    }
    try {
      const { job } = await options.jobs.submit({
        accountId,
        keyId: null,
        model: form.choices.model,
        formState: form.formState,
        creditBalance: 'user',
      });
      request.log.info({ jobId: job.id, model: job.model }, 'playground job queued');
      return reply.redirect(`/jobs/${job.id}`, 303);
    } catch (error) {
      const problem: Key | null =
        error instanceof NotEnoughCreditsError ? 'errorCredits' : error instanceof TooManyProcessingJobsError ? 'errorBusy' : null;
      if (!problem) throw error;
      await Promise.all(form.uploads.map((token) => options.uploads.remove(token)));
      const status = problem === 'errorCredits' ? 402 : 429;
      return sendPage(reply, context, renderPlaygroundPage(context, await view(accountId, { choices: form.choices, problem })), status);
    }
  });
}
