// Request and response schemas of the public API, declared once: Fastify validates with them,
// handlers get their static types, and the OpenAPI document (next) is generated from them.
import { Type, type Static } from 'typebox';
import { MAX_SEED } from '../jobs/index.js';

const URL_MAX_LENGTH = 8192;

/** A public http(s) URL. Whether it may point at private addresses is checked when fetched. */
const HttpUrl = (description: string) =>
  Type.String({ format: 'uri', pattern: '^[Hh][Tt][Tt][Pp][Ss]?://', maxLength: URL_MAX_LENGTH, description });

const Resolution = Type.Enum(['480p', '720p'], {
  default: '480p',
  description: "The output's shorter side in pixels; aspect ratio kept, even dimensions.",
});
const Seed = Type.Integer({
  minimum: -1,
  maximum: MAX_SEED,
  description: 'Same inputs + same seed = the same output bytes. Absent or -1: random, reported in the job.',
});
const MaskImage = HttpUrl('Mask image URL: white = may be animated. Limits lipsync to the area inside it.');
const Prompt = Type.String({ maxLength: 2000, description: 'Style guidance text (documented vocabulary).' });

const SharedFields = {
  resolution: Type.Optional(Resolution),
  mask_image: Type.Optional(MaskImage),
  prompt: Type.Optional(Prompt),
  seed: Type.Optional(Seed),
};

// Unknown formState fields are rejected (they are usually typos): additionalProperties false.
export const LipsyncImageForm = Type.Object(
  {
    image: HttpUrl('Portrait image URL (PNG, JPEG, WebP).'),
    audio: HttpUrl('Speech audio URL (MP3, WAV, M4A/AAC, OGG/Opus, FLAC).'),
    ...SharedFields,
  },
  { additionalProperties: false },
);

export const LipsyncVideoForm = Type.Object(
  {
    video: HttpUrl('Source video URL (MP4, MOV, WebM, MKV...).'),
    audio: HttpUrl('Speech audio URL.'),
    ...SharedFields,
    sync_mode: Type.Optional(
      Type.Enum(['bounce', 'loop', 'cut_off', 'silence'], {
        default: 'bounce',
        description:
          'Extension. What to do when audio and video lengths differ: bounce (default: forwards then backwards until the audio ends), ' +
          'loop, cut_off (stop at the shorter), silence (keep the whole video, pad the audio with silence).',
      }),
    ),
    on_no_face: Type.Optional(
      Type.Enum(['passthrough', 'fail'], {
        default: 'passthrough',
        description:
          'Extension. Frames where the face is lost: passthrough (default: copied unchanged, with a short cross-fade) or fail the job.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const LipsyncImageMultiForm = Type.Object(
  {
    image: HttpUrl('Image URL with two people.'),
    left_audio: HttpUrl('Speech of the person on the left.'),
    right_audio: HttpUrl('Speech of the person on the right.'),
    order: Type.Optional(
      Type.Enum(['meanwhile', 'left_right', 'right_left'], {
        default: 'meanwhile',
        description: 'meanwhile: both tracks from the start, mixed; left_right / right_left: one after the other.',
      }),
    ),
    ...SharedFields,
  },
  { additionalProperties: false },
);

/** The request body of all three POSTs; unknown top-level fields are ignored, not rejected. */
const submitBody = <T extends typeof LipsyncImageForm | typeof LipsyncVideoForm | typeof LipsyncImageMultiForm>(form: T) =>
  Type.Object({
    webhook: Type.Optional(HttpUrl('HTTPS URL the finished job object is POSTed to.')),
    formState: form,
  });

export const LipsyncImageBody = submitBody(LipsyncImageForm);
export const LipsyncVideoBody = submitBody(LipsyncVideoForm);
export const LipsyncImageMultiBody = submitBody(LipsyncImageMultiForm);
export type SubmitBody = Static<typeof LipsyncImageBody> | Static<typeof LipsyncVideoBody> | Static<typeof LipsyncImageMultiBody>;

/** Idempotency-Key: printable ASCII, as long as a UUID or a client's own composite key needs. */
export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: '^[\\x21-\\x7E]+$',
      'x-format-sentence': 'must be printable ASCII without spaces',
      description:
        'Extension: the same key with the same body within 24 h answers the first request’s job (same id, 200, ' +
        'header Idempotent-Replayed: true); with a different body, 422.',
    }),
  ),
});

export const SubmitResponse = Type.Object({
  id: Type.String({ format: 'uuid' }),
  status: Type.Literal('processing'),
});

export const JobParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

/** The contract's job object plus our extensions. Serialization drops anything not listed. */
export const JobObjectSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  model: Type.Enum(['lipsync-image', 'lipsync-video', 'lipsync-image-multi']),
  status: Type.Enum(['processing', 'completed', 'failed', 'canceled']),
  output: Nullable(Type.String({ description: 'Absolute URL of the MP4 when completed.' })),
  error: Type.String({ description: 'Empty unless failed; then a sentence a user can act on.' }),
  executionTime: Nullable(Type.Integer({ description: 'Milliseconds of processing, when completed.' })),
  timings: Nullable(Type.Record(Type.String(), Type.Number(), { description: 'Per-stage milliseconds, when done.' })),
  progress: Type.Number({ minimum: 0, maximum: 1 }),
  stage: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  completedAt: Nullable(Type.String({ format: 'date-time' })),
  seed: Type.Integer(),
  input: Type.Record(Type.String(), Type.Unknown(), { description: 'The formState as accepted.' }),
  credits: Nullable(
    Type.Integer({
      description:
        'Credits of the job: held while processing (null until the inputs are measured), charged when completed, 0 when failed or canceled.',
    }),
  ),
  outputDeleted: Type.Boolean({
    description: 'True once the output was purged (DELETE /api/v1/jobs/{id}, or the retention period ended); output is then null.',
  }),
});

/** The contract's error body, the same for every non-2xx answer. */
export const ErrorSchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable machine-readable reason, e.g. invalid_request, unauthorized, not_found.' }),
      message: Type.String({ description: 'A sentence for people; names the field when one is at fault.' }),
      field: Nullable(Type.String({ description: 'The request field at fault (formState.audio), or null.' })),
    }),
  },
  { description: 'Error' },
);

/** Response schemas for the error statuses a route can answer, for the OpenAPI document. */
export function errorResponses(...statuses: number[]): Record<number, typeof ErrorSchema> {
  return Object.fromEntries(statuses.map((status) => [status, { ...ErrorSchema, description: ERROR_DESCRIPTIONS[status] ?? 'Error' }]));
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed JSON, or a missing, unknown or invalid field (the message names it)',
  401: 'No, malformed, unknown or revoked API key',
  402: 'Not enough credits to start the job',
  404: 'No such job for this account',
  409: 'The job is not in a state that allows this',
  413: 'Request body too large',
  422: 'Idempotency-Key reused with a different body, or media that cannot be measured',
  429: 'Rate limit or concurrency limit hit; see the Retry-After header',
};
