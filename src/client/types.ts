// The API's data as the SDK hands it out. Declared here, not imported from the server, so the
// client stays free of server code; a type test keeps the two in step.

export type JobModel = 'lipsync-image' | 'lipsync-video' | 'lipsync-image-multi';
/** `canceled` only for jobs the caller canceled itself. */
export type JobStatus = 'processing' | 'completed' | 'failed' | 'canceled';
export type Resolution = '480p' | '720p';

interface CommonForm {
  /** The output's shorter side; aspect kept. Default 480p. */
  resolution?: Resolution;
  /** URL of a mask image (white = may be animated). */
  mask_image?: string;
  prompt?: string;
  /** -1..2147483647; absent or -1: random, reported in the job. */
  seed?: number;
}

export interface LipsyncImageForm extends CommonForm {
  image: string;
  audio: string;
}

export interface LipsyncVideoForm extends CommonForm {
  video: string;
  audio: string;
  sync_mode?: 'bounce' | 'loop' | 'cut_off' | 'silence';
  on_no_face?: 'passthrough' | 'fail';
}

export interface LipsyncImageMultiForm extends CommonForm {
  image: string;
  left_audio: string;
  right_audio: string;
  order?: 'meanwhile' | 'left_right' | 'right_left';
}

export type FormState = LipsyncImageForm | LipsyncVideoForm | LipsyncImageMultiForm;

/** The job object: `GET /api/v1/jobs/{id}` and the webhook body. */
export interface JobObject {
  id: string;
  model: JobModel;
  status: JobStatus;
  /** Absolute URL of the MP4 when completed, else null. */
  output: string | null;
  /** '' unless failed; then a sentence a user can act on. */
  error: string;
  /** Milliseconds of processing when completed, else null. */
  executionTime: number | null;
  /** Per-stage milliseconds when done, else null. */
  timings: Record<string, number> | null;
  progress: number;
  stage: string;
  createdAt: string;
  completedAt: string | null;
  seed: number;
  /** The formState as accepted. */
  input: Record<string, unknown>;
  /** Held while processing (null until the inputs are measured), charged when completed, 0 when failed or canceled. */
  credits: number | null;
  /** True once the output was purged (DELETE or the retention period). */
  outputDeleted: boolean;
}

/** The answer to a submission. */
export interface SubmittedJob {
  id: string;
  status: 'processing';
}

export interface JobPage {
  data: JobObject[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

export interface ListJobsQuery {
  status?: JobStatus;
  model?: JobModel;
  /** Jobs created at or after this time (Date or ISO string). */
  createdAfter?: Date | string;
  /** Jobs created before this time. */
  createdBefore?: Date | string;
  limit?: number;
  cursor?: string;
}

export type DeliveryState = 'no_webhook' | 'waiting_for_job' | 'not_sent' | 'pending' | 'delivered' | 'failed';

export interface DeliveryAttempt {
  attempt: number;
  at: string;
  durationMs: number;
  statusCode: number | null;
  error: string;
  nextAttemptAt: string | null;
}

/** `GET /api/v1/jobs/{id}/deliveries`: where the job's webhook stands. */
export interface DeliveryReport {
  jobId: string;
  url: string | null;
  /** The webhook-id of every attempt; null until the job finishes. */
  webhookId: string | null;
  state: DeliveryState;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  attempts: DeliveryAttempt[];
}

/** `GET /api/v1/account`. */
export interface Account {
  id: string;
  plan: string | null;
  /** Spendable API credits (holds of running jobs already subtracted). */
  apiCredits: number;
  /** Spendable user credits (the dashboard playground's). */
  userCredits: number;
  heldCredits: { api: number; user: number };
  /** whsec_…: verify webhooks with it (verifyWebhook). */
  webhookSecret: string;
}

export interface WebhookSecret {
  webhookSecret: string;
  previousSecretExpiresAt: string | null;
}

/** The contract's body of every non-2xx answer. */
export interface ErrorBody {
  error: { code: string; message: string; field: string | null };
}
