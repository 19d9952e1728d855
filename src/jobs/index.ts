// The job system: accepting jobs, the client-facing job object, and the render worker pool.
export { JobService, resolveSeed, MAX_SEED, type SubmitJob } from './job-service.js';
export { toJobObject, type JobObject } from './job-object.js';
export { WorkerPool, type WorkerPoolOptions } from './worker-pool.js';
export { crashedTooOftenMessage } from './job-run.js';
export { OUTPUT_FILE_PATTERN, outputsDir, outputFileName, outputUrl } from './outputs.js';
