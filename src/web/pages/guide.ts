// The developer guide (/guide): endpoints, the request, the job object, errors, credits, webhooks
// and their signatures, and copyable examples in curl, Node and Python using this server's URL.
// Public: people read it before they have an account. The OpenAPI reference stays at /docs.
import type { FastifyInstance } from 'fastify';
import { CREDITS_PER_SECOND, MINIMUM_BILLED_SECONDS } from '../../billing/index.js';
import { nodeWebhookExample } from '../assets.js';
import { pageContext, sendPage, type PageContext } from '../context.js';
import { codeBlock } from '../forms.js';
import { html, withCode, type SafeHtml } from '../html.js';
import * as guideMessages from '../i18n/guide.js';
import { translator, type Translate } from '../i18n/index.js';
import type { WebDashboardOptions } from '../options.js';
import { curlExample, nodeExample, pythonExample, pythonVerifyExample, sdkVerifyExample } from './guide-examples.js';

type GuideKey = keyof typeof guideMessages.en;

const ENDPOINTS: ReadonlyArray<readonly [method: string, path: string, what: GuideKey]> = [
  ['POST', '/api/v1/lipsync-image', 'endpointImage'],
  ['POST', '/api/v1/lipsync-video', 'endpointVideo'],
  ['POST', '/api/v1/lipsync-image-multi', 'endpointMulti'],
  ['GET', '/api/v1/jobs/{id}', 'endpointJob'],
  ['GET', '/api/v1/jobs', 'endpointJobs'],
  ['POST', '/api/v1/jobs/{id}/cancel', 'endpointCancel'],
  ['DELETE', '/api/v1/jobs/{id}', 'endpointDelete'],
  ['POST', '/api/v1/estimate', 'endpointEstimate'],
  ['POST', '/api/v1/uploads', 'endpointUploads'],
  ['GET', '/api/v1/account', 'endpointAccount'],
  ['GET', '/api/v1/jobs/{id}/deliveries', 'endpointDeliveries'],
  ['POST', '/api/v1/jobs/{id}/redeliver', 'endpointRedeliver'],
  ['POST', '/api/v1/account/webhook-secret/rotate', 'endpointRotate'],
];

/** `null` models: every endpoint. */
const FORM_FIELDS: ReadonlyArray<readonly [field: string, models: string | null, meaning: GuideKey]> = [
  ['image', 'lipsync-image, -multi', 'fieldImage'],
  ['video', 'lipsync-video', 'fieldVideo'],
  ['audio', 'lipsync-image, lipsync-video', 'fieldAudio'],
  ['left_audio, right_audio', 'lipsync-image-multi', 'fieldLeftRight'],
  ['order', 'lipsync-image-multi', 'fieldOrder'],
  ['resolution', null, 'fieldResolution'],
  ['seed', null, 'fieldSeed'],
  ['prompt', null, 'fieldPrompt'],
  ['mask_image', null, 'fieldMask'],
  ['sync_mode', 'lipsync-video', 'fieldSyncMode'],
];

const JOB_FIELDS: ReadonlyArray<readonly [field: string, meaning: GuideKey]> = [
  ['id', 'jobId'],
  ['model', 'jobModel'],
  ['status', 'jobStatus'],
  ['output', 'jobOutput'],
  ['error', 'jobError'],
  ['executionTime', 'jobExecutionTime'],
  ['timings', 'jobTimings'],
  ['progress, stage', 'jobProgress'],
  ['credits', 'jobCredits'],
];

const STATUSES: ReadonlyArray<readonly [status: number, when: GuideKey]> = [
  [400, 'status400'],
  [401, 'status401'],
  [402, 'status402'],
  [404, 'status404'],
  [429, 'status429'],
];

const SECTIONS: ReadonlyArray<readonly [id: string, title: GuideKey]> = [
  ['start', 'startTitle'],
  ['endpoints', 'endpointsTitle'],
  ['request', 'requestTitle'],
  ['job-object', 'jobTitle'],
  ['errors', 'errorsTitle'],
  ['credits', 'creditsTitle'],
  ['webhooks', 'webhooksTitle'],
  ['examples', 'examplesTitle'],
];

const JOB_EXAMPLE = `{
  "id": "550e8400-e29b-41d4-a716-446655440000",
  "model": "lipsync-image",
  "status": "completed",
  "output": "https://…/outputs/550e8400-….mp4",
  "error": "",
  "executionTime": 12345,
  "timings": { "fetch": 40, "analyse": 520, "render": 1980, "encode": 150 },
  "progress": 1,
  "stage": "done",
  "credits": 20
}`;

const ERROR_EXAMPLE = `{
  "error": {
    "code": "invalid_request",
    "message": "formState.audio is required",
    "field": "formState.audio"
  }
}`;

const HEADERS_EXAMPLE = `webhook-id: msg_5f0c…
webhook-timestamp: 1735689600
webhook-signature: v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=`;

export interface GuideInput {
  publicUrl: string;
  /** examples/node-webhook.mjs, when deployed. */
  nodeExampleSource: string | null;
}

export function renderGuidePage(context: PageContext, input: GuideInput): { title: string; body: SafeHtml } {
  const t = translator(guideMessages, context.locale);
  const { locale } = context;
  const apiBase = `${input.publicUrl.replace(/\/+$/, '')}/api/v1`;
  return {
    title: t('title'),
    body: html`<div class="page-header"><h1>${t('title')}</h1><p class="lead">${t('lead')}</p>
<p>${t('referenceLink')} <a href="/docs">${t('referenceLinkText')}</a></p></div>
<div class="guide">
<nav class="guide__toc panel" aria-labelledby="toc-title">
  <h2 id="toc-title" class="stat__label">${t('tocTitle')}</h2>
  <ol>${SECTIONS.map(([id, title]) => html`<li><a href="#${id}">${t(title)}</a></li>`)}</ol>
</nav>
<div class="guide__body">
<section class="panel" id="start" aria-labelledby="start-title">
  <h2 id="start-title">${t('startTitle')}</h2>
  <p>${withCode(t('startKey'))} <a href="/keys">${t('startKeyLink')}</a></p>
  <p>${t('startBaseUrl')} <code>${apiBase}</code></p>
  <p>${withCode(t('startAsync'))}</p>
</section>
<section class="panel" id="endpoints" aria-labelledby="endpoints-title">
  <h2 id="endpoints-title">${t('endpointsTitle')}</h2>
  <table class="table table--stack">
    <thead><tr><th scope="col">${t('columnEndpoint')}</th><th scope="col">${t('columnDoes')}</th></tr></thead>
    <tbody>${ENDPOINTS.map(
      ([method, path, what]) => html`<tr><td data-label="${t('columnEndpoint')}"><code>${method} ${path}</code></td><td data-label="${t('columnDoes')}">${withCode(t(what))}</td></tr>`,
    )}</tbody>
  </table>
</section>
<section class="panel" id="request" aria-labelledby="request-title">
  <h2 id="request-title">${t('requestTitle')}</h2>
  <p>${withCode(t('requestBody'))}</p>
  <table class="table table--stack">
    <thead><tr><th scope="col">${t('columnField')}</th><th scope="col">${t('columnModels')}</th><th scope="col">${t('columnMeaning')}</th></tr></thead>
    <tbody>${FORM_FIELDS.map(
      ([name, models, meaning]) => html`<tr><td data-label="${t('columnField')}"><code>${name}</code></td><td data-label="${t('columnModels')}">${models ?? t('allModels')}</td><td data-label="${t('columnMeaning')}">${withCode(t(meaning))}</td></tr>`,
    )}</tbody>
  </table>
  <p>${withCode(t('requestUnknown'))}</p>
</section>
<section class="panel" id="job-object" aria-labelledby="job-title">
  <h2 id="job-title">${t('jobTitle')}</h2>
  <p>${withCode(t('jobLead'))}</p>
  ${codeBlock(locale, 'job-example', 'JSON', JOB_EXAMPLE)}
  <dl class="definitions">${JOB_FIELDS.map(([name, meaning]) => html`<dt><code>${name}</code></dt><dd>${withCode(t(meaning))}</dd>`)}</dl>
</section>
<section class="panel" id="errors" aria-labelledby="errors-title">
  <h2 id="errors-title">${t('errorsTitle')}</h2>
  <p>${t('errorsLead')}</p>
  ${codeBlock(locale, 'error-example', 'JSON', ERROR_EXAMPLE)}
  <table class="table">
    <thead><tr><th scope="col">${t('columnStatus')}</th><th scope="col">${t('columnWhen')}</th></tr></thead>
    <tbody>${STATUSES.map(([status, when]) => html`<tr><td><code>${status}</code></td><td>${withCode(t(when))}</td></tr>`)}</tbody>
  </table>
</section>
<section class="panel" id="credits" aria-labelledby="credits-title">
  <h2 id="credits-title">${t('creditsTitle')}</h2>
  <p>${t('creditsBody', { rate480: CREDITS_PER_SECOND['480p'], rate720: CREDITS_PER_SECOND['720p'], minimum: MINIMUM_BILLED_SECONDS })}</p>
  <div class="warning"><p>${t('creditsNote')}</p></div>
</section>
${renderWebhooks(t, context)}
${renderExamples(t, context, input)}
</div>
</div>`,
  };
}

function renderWebhooks(t: Translate<GuideKey>, context: PageContext): SafeHtml {
  return html`<section class="panel" id="webhooks" aria-labelledby="webhooks-title">
  <h2 id="webhooks-title">${t('webhooksTitle')}</h2>
  <p>${withCode(t('webhooksLead'))}</p>
  <p>${t('webhooksHeaders')}</p>
  <dl class="definitions">
    <dt><code>webhook-id</code></dt><dd>${withCode(t('headerId'))}</dd>
    <dt><code>webhook-timestamp</code></dt><dd>${withCode(t('headerTimestamp'))}</dd>
    <dt><code>webhook-signature</code></dt><dd>${withCode(t('headerSignature'))}</dd>
  </dl>
  ${codeBlock(context.locale, 'headers-example', 'HTTP', HEADERS_EXAMPLE)}
  <p>${withCode(t('webhooksSecret'))}</p>
  <p>${withCode(t('webhooksSdk'))}</p>
  ${codeBlock(context.locale, 'sdk-verify-example', t('exampleSdkTitle'), sdkVerifyExample())}
</section>`;
}

function renderExamples(t: Translate<GuideKey>, context: PageContext, input: GuideInput): SafeHtml {
  const { locale } = context;
  return html`<section class="panel" id="examples" aria-labelledby="examples-title">
  <h2 id="examples-title">${t('examplesTitle')}</h2>
  <p>${t('examplesLead')}</p>
  <h3 id="example-curl">${t('exampleCurl')}</h3>
  ${codeBlock(locale, 'curl-example', t('exampleCurlTitle'), curlExample(input.publicUrl))}
  <h3 id="example-node">${t('exampleNode')}</h3>
  <p>${withCode(t('exampleNodeLead'))}</p>
  ${input.nodeExampleSource ? codeBlock(locale, 'node-example', t('exampleNodeTitle'), nodeExample(input.publicUrl, input.nodeExampleSource)) : ''}
  <h3 id="example-python">${t('examplePython')}</h3>
  <p>${withCode(t('examplePythonLead'))}</p>
  ${codeBlock(locale, 'python-example', t('examplePythonTitle'), pythonExample(input.publicUrl))}
  ${codeBlock(locale, 'python-verify-example', t('examplePythonVerifyTitle'), pythonVerifyExample())}
</section>`;
}

export async function guidePage(app: FastifyInstance, options: WebDashboardOptions): Promise<void> {
  const nodeExampleSource = nodeWebhookExample();
  app.get('/guide', async (request, reply) => {
    const context = pageContext(request, reply);
    return sendPage(reply, context, renderGuidePage(context, { publicUrl: options.publicUrl, nodeExampleSource }));
  });
}
