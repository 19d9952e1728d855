// The playground form as posted without JavaScript: one multipart request with the CSRF token,
// the choices and the files. Files are stored as uploads, and the choices become the formState
// the API's POST would take (the script path sends that formState to the API itself).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Multipart } from '@fastify/multipart';
import { MAX_SEED } from '../../jobs/index.js';
import { UnsupportedUploadError, UploadTooLargeError, uploadUrl, type UploadStore } from '../../jobs/uploads.js';
import type { JobModel } from '../../store/index.js';

export const PLAYGROUND_MODELS = ['lipsync-image', 'lipsync-video', 'lipsync-image-multi'] as const satisfies readonly JobModel[];
export type PlaygroundModel = (typeof PLAYGROUND_MODELS)[number];
export const FILE_FIELDS = ['image', 'video', 'audio', 'left_audio', 'right_audio'] as const;
export type FileField = (typeof FILE_FIELDS)[number];

/** The files each kind of video needs, in the order they are asked for. */
export const FILES_BY_MODEL: Record<PlaygroundModel, readonly FileField[]> = {
  'lipsync-image': ['image', 'audio'],
  'lipsync-video': ['video', 'audio'],
  'lipsync-image-multi': ['image', 'left_audio', 'right_audio'],
};
export const ORDERS = ['meanwhile', 'left_right', 'right_left'] as const;
export const RESOLUTIONS = ['480p', '720p'] as const;
/** As the API's formState.prompt. */
export const MAX_PROMPT_LENGTH = 2000;

/** What the reader chose, kept to fill the form in again after an error (files cannot be). */
export interface PlaygroundChoices {
  model: PlaygroundModel;
  resolution: (typeof RESOLUTIONS)[number];
  seed: string;
  prompt: string;
  order: (typeof ORDERS)[number];
}

export type PlaygroundProblem =
  | 'fileMissing'
  | 'fileTooLarge'
  | 'fileUnsupported'
  | 'seed'
  | 'prompt'
  | 'mode';
export type PlaygroundErrors = Partial<Record<FileField | 'seed' | 'prompt' | 'mode', PlaygroundProblem>>;

export type PlaygroundFormResult =
  | { type: 'csrf' }
  | { type: 'invalid'; choices: PlaygroundChoices; errors: PlaygroundErrors }
  | { type: 'ready'; choices: PlaygroundChoices; formState: Record<string, unknown>; uploads: string[] };

export const DEFAULT_CHOICES: PlaygroundChoices = { model: 'lipsync-image', resolution: '480p', seed: '', prompt: '', order: 'meanwhile' };

export interface ReadPlaygroundFormOptions {
  app: FastifyInstance;
  uploads: UploadStore;
  publicUrl: string;
  maxBytes: number;
}

/**
 * Reads the posted form part by part. The CSRF token must come first (it is the form's first
 * field), so nothing is stored for a forged request; files the chosen mode does not use are
 * skipped unread, and on any error the files stored so far are removed again.
 */
export async function readPlaygroundForm(
  request: FastifyRequest,
  reply: FastifyReply,
  options: ReadPlaygroundFormOptions,
): Promise<PlaygroundFormResult> {
  const accountId = request.viewer!.account.id;
  const fields: Record<string, string> = {};
  const stored: Partial<Record<FileField, string>> = {};
  const errors: PlaygroundErrors = {};
  let checkedCsrf = false;

  for await (const part of request.parts()) {
    if (!checkedCsrf) {
      if (part.type !== 'field' || part.fieldname !== '_csrf' || !(await csrfTokenIsValid(options.app, request, reply, String(part.value)))) {
        if (part.type === 'file') part.file.resume();
        await removeAll(options.uploads, stored);
        return { type: 'csrf' };
      }
      checkedCsrf = true;
      continue;
    }
    if (part.type === 'field') {
      fields[part.fieldname] = String(part.value);
      continue;
    }
    await storeFile(part, { options, accountId, model: modelOf(fields.mode), stored, errors });
  }
  if (!checkedCsrf) return { type: 'csrf' };

  const choices = choicesFrom(fields);
  if (!isModel(fields.mode)) errors.mode = 'mode';
  for (const name of FILES_BY_MODEL[choices.model]) if (!stored[name] && !errors[name]) errors[name] = 'fileMissing';
  if (choices.seed !== '' && !isSeed(choices.seed)) errors.seed = 'seed';
  if (choices.prompt.length > MAX_PROMPT_LENGTH) errors.prompt = 'prompt';
  if (Object.keys(errors).length > 0) {
    await removeAll(options.uploads, stored);
    return { type: 'invalid', choices, errors };
  }

  const formState: Record<string, unknown> = {};
  for (const name of FILES_BY_MODEL[choices.model]) formState[name] = uploadUrl(options.publicUrl, stored[name]!);
  if (choices.model === 'lipsync-image-multi') formState.order = choices.order;
  formState.resolution = choices.resolution;
  if (choices.seed !== '') formState.seed = Number(choices.seed);
  if (choices.prompt.trim() !== '') formState.prompt = choices.prompt.trim();
  return { type: 'ready', choices, formState, uploads: Object.values(stored) };
}

async function storeFile(
  part: Extract<Multipart, { type: 'file' }>,
  context: {
    options: ReadPlaygroundFormOptions;
    accountId: string;
    model: PlaygroundModel;
    stored: Partial<Record<FileField, string>>;
    errors: PlaygroundErrors;
  },
): Promise<void> {
  const name = part.fieldname as FileField;
  // An empty file input still sends a part (no name, no bytes); a file for another mode is not needed.
  if (!part.filename || !FILES_BY_MODEL[context.model].includes(name) || context.stored[name]) {
    part.file.resume();
    return;
  }
  try {
    const upload = await context.options.uploads.save(part.file, {
      accountId: context.accountId,
      originalName: part.filename,
      maxBytes: context.options.maxBytes,
    });
    context.stored[name] = upload.token;
  } catch (error) {
    part.file.resume();
    if (error instanceof UploadTooLargeError) context.errors[name] = 'fileTooLarge';
    else if (error instanceof UnsupportedUploadError) context.errors[name] = 'fileUnsupported';
    else throw error;
  }
}

/**
 * @fastify/csrf-protection reads the token from a parsed body or a header; a multipart body is
 * read here, part by part, so the token is handed to it as the body it expects. Its failure
 * path answers through `reply.send`; a stand-in reply turns that into `false`.
 */
function csrfTokenIsValid(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, token: string): Promise<boolean> {
  request.body = { _csrf: token };
  return new Promise((resolve) => {
    const probe = Object.create(reply) as FastifyReply;
    probe.send = () => {
      resolve(false);
      return probe;
    };
    app.csrfProtection(request, probe, () => resolve(true));
  });
}

async function removeAll(uploads: UploadStore, stored: Partial<Record<FileField, string>>): Promise<void> {
  await Promise.all(Object.values(stored).map((token) => uploads.remove(token)));
}

function choicesFrom(fields: Record<string, string>): PlaygroundChoices {
  const pick = <T extends string>(value: string | undefined, allowed: readonly T[], fallback: T): T =>
    (allowed as readonly string[]).includes(value ?? '') ? (value as T) : fallback;
  return {
    model: modelOf(fields.mode),
    resolution: pick(fields.resolution, RESOLUTIONS, DEFAULT_CHOICES.resolution),
    seed: (fields.seed ?? '').trim(),
    prompt: fields.prompt ?? '',
    order: pick(fields.order, ORDERS, DEFAULT_CHOICES.order),
  };
}

function isModel(value: string | undefined): value is PlaygroundModel {
  return (PLAYGROUND_MODELS as readonly string[]).includes(value ?? '');
}

function modelOf(value: string | undefined): PlaygroundModel {
  return isModel(value) ? value : DEFAULT_CHOICES.model;
}

function isSeed(text: string): boolean {
  if (!/^-?\d{1,10}$/.test(text)) return false;
  const seed = Number(text);
  return seed >= -1 && seed <= MAX_SEED;
}
