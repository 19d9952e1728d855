// Where a job's files live under the data dir. Output names carry a random token so their URLs
// are unguessable: the URL alone grants access, like a pre-signed link.
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';

/** 24 random bytes = 192 bits, base64url: 32 characters. */
const OUTPUT_TOKEN_BYTES = 24;

/** `<uuid>-<token>.mp4`; the only names the outputs route will serve. */
export const OUTPUT_FILE_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-[A-Za-z0-9_-]{32}\\.mp4$';

export function newOutputToken(): string {
  return randomBytes(OUTPUT_TOKEN_BYTES).toString('base64url');
}

export function outputFileName(jobId: string, token: string): string {
  return `${jobId}-${token}.mp4`;
}

export function outputsDir(dataDir: string): string {
  return join(dataDir, 'outputs');
}

/** Scratch space of one job; removed when the job ends, reset when it is claimed again. */
export function jobWorkDir(dataDir: string, jobId: string): string {
  return join(dataDir, 'work', jobId);
}

/** Absolute URL clients download an output from. */
export function outputUrl(publicUrl: string, outputFile: string): string {
  return `${publicUrl}/outputs/${outputFile}`;
}

/** Removes an output file; one that is already gone is fine. */
export async function removeOutputFile(outputsDirectory: string, fileName: string): Promise<void> {
  await rm(join(outputsDirectory, fileName), { force: true });
}
