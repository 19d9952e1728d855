// The job as clients see it (GET /api/v1/jobs/{id}, and the webhook body next): the contract's
// fields exactly, then our extensions. Built in one place so both always agree.
import type { JobModel, JobRecord, JobView } from '../store/index.js';
import { outputUrl } from './outputs.js';

export interface JobObject {
  id: string;
  model: JobModel;
  /** A canceled job is shown as such only to the client that canceled it (its own account). */
  status: 'processing' | 'completed' | 'failed' | 'canceled';
  output: string | null;
  error: string;
  executionTime: number | null;
  timings: Record<string, number> | null;
  // Extensions.
  progress: number;
  stage: string;
  createdAt: string;
  completedAt: string | null;
  seed: number;
  input: Record<string, unknown>;
  /**
   * Credits of this job: held while processing (null until its inputs are measured), charged
   * when completed, 0 when failed or canceled (the hold was released).
   */
  credits: number | null;
  /** True once the output was purged (DELETE /api/v1/jobs/{id} or the retention period). */
  outputDeleted: boolean;
}

export function toJobObject(job: JobRecord, publicUrl: string): JobObject {
  const done = job.status !== 'processing';
  return {
    id: job.id,
    model: job.model,
    status: job.status,
    output: job.status === 'completed' && job.outputFile ? outputUrl(publicUrl, job.outputFile) : null,
    error: job.status === 'failed' ? job.error : '',
    executionTime: job.status === 'completed' && job.executionMs !== null ? Math.round(job.executionMs) : null,
    timings: done ? (job.timings ?? {}) : null,
    progress: job.progress,
    stage: job.stage,
    createdAt: new Date(job.createdAt).toISOString(),
    completedAt: job.completedAt === null ? null : new Date(job.completedAt).toISOString(),
    seed: job.seed,
    input: job.input,
    credits: creditsOf(job),
    outputDeleted: job.outputDeletedAt !== null,
  };
}

/**
 * `JSON.stringify(toJobObject(job))` for a job read as a JobView (the poll), without parsing its
 * stored JSON (input, timings) only to write it out again. The parse, toJobObject and the schema
 * serializer this skips were ≈ 10 % of a poll's CPU in a profile under bench/api.ts (the bench's
 * rate moved within its noise). test/jobs/job-object.test.ts holds the two to the same text in
 * every state of a job; a field added to one must be added to both.
 */
export function jobObjectJson(job: JobView, publicUrl: string): string {
  const done = job.status !== 'processing';
  const output = job.status === 'completed' && job.outputFile ? JSON.stringify(outputUrl(publicUrl, job.outputFile)) : 'null';
  const executionTime = job.status === 'completed' && job.executionMs !== null ? String(Math.round(job.executionMs)) : 'null';
  const timings = done ? (job.timingsJson ?? '{}') : 'null';
  const completedAt = job.completedAt === null ? 'null' : `"${new Date(job.completedAt).toISOString()}"`;
  const credits = creditsOf(job);
  return `{"id":${JSON.stringify(job.id)},"model":"${job.model}","status":"${job.status}","output":${output},` +
    `"error":${job.status === 'failed' ? JSON.stringify(job.error) : '""'},"executionTime":${executionTime},` +
    `"timings":${timings},"progress":${job.progress},"stage":${JSON.stringify(job.stage)},` +
    `"createdAt":"${new Date(job.createdAt).toISOString()}","completedAt":${completedAt},"seed":${job.seed},` +
    `"input":${job.inputJson},"credits":${credits === null ? 'null' : credits},"outputDeleted":${job.outputDeletedAt !== null}}`;
}

function creditsOf(job: Pick<JobRecord, 'status' | 'credits'>): number | null {
  switch (job.status) {
    case 'processing':
    case 'completed':
      return job.credits;
    case 'failed':
    case 'canceled':
      return 0;
  }
}
