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
        description: 'What to do when audio and video lengths differ.',
      }),
    ),
    on_no_face: Type.Optional(
      Type.Enum(['passthrough', 'fail'], {
        default: 'passthrough',
        description: 'Frames where the face is lost: copy them unchanged, or fail the job.',
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
});
