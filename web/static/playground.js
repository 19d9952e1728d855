// Progressive enhancement of /playground and of a processing job's page (/jobs/:id).
// Playground: files upload as soon as they are picked (POST /api/v1/uploads), the cost is
// estimated from them (POST /api/v1/estimate), the job is submitted to the API with the session
// (spends user credits) and followed once a second until its video plays here. Without this
// script the form posts to /playground and the job page has a reload link.

const POLL_INTERVAL_MS = 1000;
/** Failed polls in a row before the reader is told the server cannot be reached (it keeps trying). */
const POLL_FAILURES_BEFORE_NOTICE = 5;
const FILES_BY_MODEL = {
  'lipsync-image': ['image', 'audio'],
  'lipsync-video': ['video', 'audio'],
  'lipsync-image-multi': ['image', 'left_audio', 'right_audio'],
};
const LABEL_KEYS = {
  image: 'imageLabel',
  video: 'videoLabel',
  audio: 'audioLabel',
  left_audio: 'leftAudioLabel',
  right_audio: 'rightAudioLabel',
};

const locale = document.documentElement.lang || 'en';
const numbers = new Intl.NumberFormat(locale === 'it' ? 'it-IT' : 'en-GB', { maximumFractionDigits: 1 });
const csrfToken = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';

/** `{name}` placeholders filled from params; numbers formatted for the page's language. */
function format(template, params = {}) {
  return template.replace(/\{(\w+)\}/g, (whole, name) => {
    if (!(name in params)) return whole;
    const value = params[name];
    return typeof value === 'number' ? numbers.format(value) : String(value);
  });
}

/** 38 KB, 1.2 MB: bytes for people. */
function formatSize(bytes) {
  return bytes < 1048576 ? `${numbers.format(Math.max(1, Math.round(bytes / 1024)))} KB` : `${numbers.format(bytes / 1048576)} MB`;
}

function readJson(id) {
  const element = document.getElementById(id);
  return element ? JSON.parse(element.textContent || '{}') : null;
}

/** The server could not be reached at all (as opposed to an error answer). */
class NetworkError extends Error {}

/**
 * A call to our own API with the session cookie; mutations carry the page's CSRF token. Answers
 * the parsed body; an error answer throws an Error with the API's `error.message`.
 */
async function callApi(path, { method = 'GET', json, body } = {}) {
  const headers = { accept: 'application/json' };
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  if (json !== undefined) headers['content-type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: json !== undefined ? JSON.stringify(json) : body,
      credentials: 'same-origin',
    });
  } catch {
    throw new NetworkError();
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const error = new Error(data?.error?.message ?? `HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return data;
}

/** `stages`: the stage names the page sent, keyed by stage. */
function stageText(stages, job) {
  const name = stages[job.stage] ?? job.stage;
  return `${name} · ${Math.round((job.progress ?? 0) * 100)}%`;
}

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls the job once a second, calling onUpdate with each state, until it is no longer processing. */
async function followJob(id, onUpdate, onUnreachable) {
  let failures = 0;
  for (;;) {
    try {
      const job = await callApi(`/api/v1/jobs/${encodeURIComponent(id)}`);
      failures = 0;
      onUpdate(job);
      if (job.status !== 'processing') return job;
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      failures += 1;
      if (failures === POLL_FAILURES_BEFORE_NOTICE) onUnreachable();
    }
    await wait(POLL_INTERVAL_MS);
  }
}

// ---- The playground -------------------------------------------------------------------------

function setUpPlayground(form) {
  const messages = readJson('playground-messages');
  const maxBytes = Number(form.dataset.maxBytes);
  const errorBox = document.getElementById('playground-error');
  const estimateText = document.getElementById('playground-estimate');
  const submitButton = document.getElementById('playground-submit');
  const jobPanel = document.getElementById('playground-job');
  const progress = document.getElementById('playground-progress');
  const stage = document.getElementById('playground-stage');
  const result = document.getElementById('playground-result');
  const video = document.getElementById('playground-video');
  const balance = document.getElementById('playground-balance');
  /** field → { name, promise, url, error } for the file currently chosen in that input. */
  const uploads = new Map();
  let estimateRound = 0;

  const model = () => form.querySelector('input[name="mode"]:checked')?.value ?? 'lipsync-image';

  function showError(message) {
    errorBox.replaceChildren();
    if (message) {
      const paragraph = document.createElement('p');
      paragraph.textContent = message;
      errorBox.append(paragraph);
    }
    errorBox.hidden = !message;
  }

  // Only the inputs of the chosen kind of video are shown (without the script, all are).
  function showModeFields() {
    for (const element of form.querySelectorAll('[data-modes]')) {
      const hide = !element.dataset.modes.split(' ').includes(model());
      element.hidden = hide;
    }
  }

  function statusLine(name) {
    return document.getElementById(`field-${name}-status`);
  }

  function upload(name, file) {
    const entry = { name: file.name, url: null, error: null, promise: null };
    uploads.set(name, entry);
    if (file.size > maxBytes) {
      entry.error = format(messages.errorFileTooLarge, { size: Math.floor(maxBytes / 1048576) });
      statusLine(name).textContent = entry.error;
      return;
    }
    statusLine(name).textContent = format(messages.uploading, { name: file.name });
    const body = new FormData();
    body.append('file', file, file.name);
    entry.promise = callApi('/api/v1/uploads', { method: 'POST', body })
      .then((answer) => {
        entry.url = answer.url;
        if (uploads.get(name) === entry) {
          statusLine(name).textContent = format(messages.uploaded, { name: file.name, size: formatSize(answer.size) });
        }
      })
      .catch((error) => {
        entry.error = format(messages.uploadFailed, { name: file.name, message: describe(error) });
        if (uploads.get(name) === entry) statusLine(name).textContent = entry.error;
      })
      .finally(() => {
        entry.promise = null;
        if (uploads.get(name) === entry) void refreshEstimate();
      });
  }

  function describe(error) {
    return error instanceof NetworkError ? messages.networkError : error.message;
  }

  function formState() {
    const state = {};
    for (const name of FILES_BY_MODEL[model()]) state[name] = uploads.get(name)?.url;
    if (model() === 'lipsync-image-multi') state.order = form.elements.order.value;
    state.resolution = form.elements.resolution.value;
    const seed = form.elements.seed.value.trim();
    if (seed !== '') state.seed = Number(seed);
    const prompt = form.elements.prompt.value.trim();
    if (prompt !== '') state.prompt = prompt;
    return state;
  }

  async function refreshEstimate() {
    const round = ++estimateRound;
    const ready = FILES_BY_MODEL[model()].every((name) => uploads.get(name)?.url);
    if (!ready) {
      estimateText.textContent = messages.estimateIdle;
      return;
    }
    estimateText.textContent = messages.estimateWorking;
    const state = formState();
    delete state.seed; // the cost does not depend on these, and a half-typed value must not hide it
    delete state.prompt;
    try {
      const estimate = await callApi('/api/v1/estimate', { method: 'POST', json: { model: model(), formState: state } });
      if (round !== estimateRound) return;
      let text = format(messages.estimateResult, {
        credits: estimate.credits,
        seconds: estimate.billedSeconds,
        resolution: estimate.resolution,
        rate: estimate.creditsPerSecond,
      });
      if (!estimate.sufficient) text += ' ' + format(messages.estimateShort, { available: estimate.available });
      estimateText.textContent = text;
    } catch (error) {
      if (round === estimateRound) estimateText.textContent = format(messages.estimateUnavailable, { message: describe(error) });
    }
  }

  async function refreshBalance() {
    try {
      const account = await callApi('/api/v1/account');
      balance.dataset.userCredits = String(account.userCredits);
      balance.textContent = numbers.format(account.userCredits);
    } catch {
      // The figure stays as it was; the credits page has the truth.
    }
  }

  async function submit() {
    showError('');
    for (const name of FILES_BY_MODEL[model()]) {
      if (!uploads.has(name)) {
        showError(format(messages.chooseFile, { field: messages[LABEL_KEYS[name]] }));
        document.getElementById(`field-${name}`).focus();
        return;
      }
    }
    submitButton.disabled = true;
    submitButton.textContent = messages.submitting;
    try {
      await Promise.all(FILES_BY_MODEL[model()].map((name) => uploads.get(name).promise));
      const failed = FILES_BY_MODEL[model()].map((name) => uploads.get(name)).find((entry) => entry.error);
      if (failed) {
        showError(failed.error);
        return;
      }
      const { id } = await callApi(`/api/v1/${model()}`, { method: 'POST', json: { formState: formState() } });
      await watch(id);
    } catch (error) {
      showError(describe(error));
    } finally {
      submitButton.disabled = false;
      submitButton.textContent = messages.submit;
    }
  }

  async function watch(id) {
    jobPanel.hidden = false;
    result.hidden = true;
    video.removeAttribute('src');
    progress.value = 0;
    document.getElementById('playground-job-link').href = `/jobs/${id}`;
    jobPanel.scrollIntoView({ block: 'nearest' });
    const job = await followJob(
      id,
      (current) => {
        progress.value = current.progress ?? 0;
        stage.textContent = stageText(messages.stages, current);
      },
      () => {
        stage.textContent = messages.networkError;
      },
    );
    if (job.status === 'completed') {
      progress.value = 1;
      stage.textContent = format(messages.completed, { seconds: Math.round((job.executionTime ?? 0) / 100) / 10, credits: job.credits ?? 0 });
      video.src = job.output;
      document.getElementById('playground-download').href = job.output;
      result.hidden = false;
      result.scrollIntoView({ block: 'nearest' });
    } else {
      const text = job.status === 'failed' ? format(messages.failed, { error: job.error }) : messages.canceled;
      stage.textContent = text;
      showError(text);
    }
    await refreshBalance();
  }


  for (const input of form.querySelectorAll('input[type="file"]')) {
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      if (file) upload(input.name, file);
      else {
        uploads.delete(input.name);
        statusLine(input.name).textContent = '';
        void refreshEstimate();
      }
    });
  }
  for (const radio of form.querySelectorAll('input[name="mode"]')) {
    radio.addEventListener('change', () => {
      showModeFields();
      void refreshEstimate();
    });
  }
  form.elements.resolution.addEventListener('change', () => void refreshEstimate());
  form.elements.order.addEventListener('change', () => void refreshEstimate());
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void submit();
  });
  showModeFields();
}

// ---- A processing job's page ----------------------------------------------------------------

function followJobPage(section) {
  const messages = readJson('job-messages');
  const progress = section.querySelector('[data-job-progress]');
  const stage = section.querySelector('[data-job-stage]');
  void followJob(
    section.dataset.jobLive,
    (job) => {
      progress.value = job.progress ?? 0;
      stage.textContent = stageText(messages.stages, job);
    },
    () => {},
  ).then(
    // The server renders the finished job (video, error, credits): show that page.
    () => window.location.reload(),
    () => {},
  );
}

const playgroundForm = document.getElementById('playground-form');
if (playgroundForm) setUpPlayground(playgroundForm);
const liveJob = document.querySelector('[data-job-live]');
if (liveJob) followJobPage(liveJob);
