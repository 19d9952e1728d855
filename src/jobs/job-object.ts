// The job as clients see it (GET /api/v1/jobs/{id}, and the webhook body next): the contract's
// fields exactly, then our extensions. Built in one place so both always agree.
import type { JobModel, JobRecord } from '../store/index.js';
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
}

export function toJobObject(job: JobRecord, publicUrl: string): JobObject {
  const done = job.status !== 'processing';
  return {
    id: job.id,
    model: job.model,
    status: job.status,
    output: job.status === 'completed' && job.outputFile ? outputUrl(publicUrl, job.outputFile) : null,
    error: job.status === 'failed' ? job.error : '',
    executionTime: job.status === 'completed' ? job.executionMs : null,
    timings: done ? (job.timings ?? {}) : null,
    progress: job.progress,
    stage: job.stage,
    createdAt: new Date(job.createdAt).toISOString(),
    completedAt: job.completedAt === null ? null : new Date(job.completedAt).toISOString(),
    seed: job.seed,
    input: job.input,
  };
}
