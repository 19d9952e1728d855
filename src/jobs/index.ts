// The job system: accepting jobs, the client-facing job object, and the render worker pool.
export {
  JobService,
  resolveSeed,
  hashSubmission,
  MAX_SEED,
  IDEMPOTENCY_WINDOW_MS,
  type SubmitJob,
  type SubmittedJob,
  type JobServiceOptions,
  type JobPage,
} from './job-service.js';
export * from './submit-errors.js';
export { jobObjectJson, toJobObject, type JobObject } from './job-object.js';
export { WorkerPool, type WorkerPoolOptions } from './worker-pool.js';
export { OutputRetentionSweep, type OutputRetentionOptions } from './output-retention.js';
export { crashedTooOftenMessage } from './job-run.js';
export { OUTPUT_FILE_PATTERN, outputsDir, outputFileName, outputUrl } from './outputs.js';
