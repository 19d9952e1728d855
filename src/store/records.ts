// The domain records repositories hand out. Plain data, camelCase, already parsed (JSON columns
// are objects, 0/1 are booleans), so callers never depend on how a database stores them.

export interface Account {
  id: string;
  email: string | null;
  isAdmin: boolean;
  createdAt: number;
}

export interface ApiKeyRecord {
  keyId: string;
  secretHash: string;
  name: string;
  accountId: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export const JOB_MODELS = ['lipsync-image', 'lipsync-video', 'lipsync-image-multi'] as const;
export type JobModel = (typeof JOB_MODELS)[number];

/** `processing` covers queued and running; where it stands is `stage`. */
export type JobStatus = 'processing' | 'completed' | 'failed' | 'canceled';

export interface JobRecord {
  id: string;
  accountId: string;
  keyId: string | null;
  model: JobModel;
  status: JobStatus;
  stage: string;
  progress: number;
  input: Record<string, unknown>;
  seed: number;
  webhook: string | null;
  outputFile: string | null;
  outputToken: string;
  error: string;
  timings: Record<string, number> | null;
  executionMs: number | null;
  createdAt: number;
  startedAt: number | null;
  completedAt: number | null;
  attempts: number;
  lockedBy: string | null;
  lockedUntil: number | null;
  idempotencyKey: string | null;
  requestHash: string | null;
}

export interface NewJob {
  id: string;
  accountId: string;
  keyId: string | null;
  model: JobModel;
  input: Record<string, unknown>;
  seed: number;
  webhook: string | null;
  outputToken: string;
  createdAt: number;
  idempotencyKey?: string | null;
  requestHash?: string | null;
}

/** What a worker reports when a job ends well. */
export interface JobSuccess {
  outputFile: string;
  timings: Record<string, number>;
  executionMs: number;
  completedAt: number;
}

export interface JobFailure {
  error: string;
  timings: Record<string, number> | null;
  completedAt: number;
}
