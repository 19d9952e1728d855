// `mouthpiece submit` and `mouthpiece jobs get|list|wait`: the API from the terminal, through the
// SDK, against any Mouthpiece server (MOUTHPIECE_URL / MOUTHPIECE_API_KEY or --url / --api-key).
// Results go to stdout as JSON (or a table for `jobs list`), progress to stderr.
import { InvalidArgumentError, type Command } from 'commander';
import { MouthpieceClient, MouthpieceError, type JobObject, type JobStatus, type LipsyncImageForm } from '../client/index.js';
import { MAX_SEED } from '../jobs/job-service.js';
import { CliError, type CliIo } from './io.js';

interface ConnectionOptions {
  url?: string;
  apiKey?: string;
}

interface SubmitOptions extends ConnectionOptions {
  image: string;
  audio: string;
  resolution?: '480p' | '720p';
  seed?: number;
  webhook?: string;
  wait?: boolean;
}

interface ListOptions extends ConnectionOptions {
  status?: JobStatus;
  limit?: number;
  json?: boolean;
}

const STATUSES: readonly JobStatus[] = ['processing', 'completed', 'failed', 'canceled'];

export function registerClientCommands(program: Command, io: CliIo): void {
  withConnection(
    program
      .command('submit')
      .description('submit a lipsync-image job to a server; prints the job id (or, with --wait, the finished job)')
      .requiredOption('--image <url>', 'portrait URL (PNG, JPEG, WebP)')
      .requiredOption('--audio <url>', 'speech URL (MP3, WAV, M4A/AAC, OGG/Opus, FLAC)')
      .option('--resolution <480p|720p>', "output's shorter side (server default 480p)", parseResolution)
      .option('--seed <n>', `-1..${MAX_SEED}; same inputs + seed = same video`, parseSeed)
      .option('--webhook <url>', 'HTTPS URL the finished job is POSTed to')
      .option('--wait', 'wait for the job to finish and print it; exit 1 unless it completed'),
  ).action((options: SubmitOptions) => guarded(io, () => submit(options, io)));

  const jobs = program.command('jobs').description('look at jobs on a server');
  withConnection(jobs.command('get').description('print a job as JSON').argument('<id>', 'job id')).action(
    (id: string, options: ConnectionOptions) =>
      guarded(io, async () => io.stdout(json(await clientFor(options, io).getJob(id)))),
  );
  withConnection(
    jobs
      .command('list')
      .description('list your jobs, newest first')
      .option('--status <status>', STATUSES.join(' | '), parseStatus)
      .option('--limit <n>', 'how many (default: the server’s page size)', parseLimit)
      .option('--json', 'print the page as JSON instead of a table'),
  ).action((options: ListOptions) => guarded(io, () => list(options, io)));
  withConnection(
    jobs.command('wait').description('wait for a job to finish and print it; exit 1 unless it completed').argument('<id>', 'job id'),
  ).action((id: string, options: ConnectionOptions) => guarded(io, () => waitAndPrint(clientFor(options, io), id, io)));
}

function withConnection(command: Command): Command {
  return command
    .option('--url <url>', 'server URL (default: $MOUTHPIECE_URL, else http://127.0.0.1:$PORT)')
    .option('--api-key <key>', 'API key sk_… (default: $MOUTHPIECE_API_KEY)');
}

async function submit(options: SubmitOptions, io: CliIo): Promise<void> {
  const client = clientFor(options, io);
  const form: LipsyncImageForm = { image: options.image, audio: options.audio };
  if (options.resolution !== undefined) form.resolution = options.resolution;
  if (options.seed !== undefined) form.seed = options.seed;
  const { id } = await client.lipsyncImage(form, { webhook: options.webhook });
  if (!options.wait) {
    io.stdout(`${id}\n`);
    return;
  }
  io.stderr(`Submitted job ${id}\n`);
  await waitAndPrint(client, id, io);
}

async function list(options: ListOptions, io: CliIo): Promise<void> {
  const page = await clientFor(options, io).listJobs({ status: options.status, limit: options.limit });
  if (options.json) {
    io.stdout(json(page));
    return;
  }
  io.stdout(formatJobTable(page.data));
  if (page.nextCursor) io.stderr(`More jobs: use the API's cursor ${page.nextCursor}\n`);
}

async function waitAndPrint(client: MouthpieceClient, id: string, io: CliIo): Promise<void> {
  const controller = new AbortController();
  const onInterrupt = () => controller.abort(new CliError('Stopped waiting (the job goes on running)', 130));
  process.once('SIGINT', onInterrupt);
  let lastStage = '';
  try {
    const job = await client.waitForJob(id, {
      signal: controller.signal,
      onPoll: (polled) => {
        if (polled.stage !== lastStage) io.stderr(`${polled.stage}…\n`);
        lastStage = polled.stage;
      },
    });
    io.stdout(json(job));
    if (job.status !== 'completed') throw new CliError(`Job ${id} ${job.status}${job.error ? `: ${job.error}` : ''}`);
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

function clientFor(options: ConnectionOptions, io: CliIo): MouthpieceClient {
  const apiKey = options.apiKey ?? io.env.MOUTHPIECE_API_KEY;
  if (!apiKey) throw new CliError('No API key: set MOUTHPIECE_API_KEY or pass --api-key (create one with `mouthpiece keys create`)');
  const baseUrl = options.url ?? io.env.MOUTHPIECE_URL ?? `http://127.0.0.1:${io.env.PORT?.trim() || '8080'}`;
  return new MouthpieceClient({ baseUrl, apiKey });
}

/** API and connection errors are for the person at the terminal: their message, no stack. */
async function guarded(io: CliIo, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (error instanceof MouthpieceError) {
      const field = 'field' in error && error.field ? ` (${String(error.field)})` : '';
      throw new CliError(`${error.message}${field}`);
    }
    throw error;
  }
}

function formatJobTable(jobs: JobObject[]): string {
  if (jobs.length === 0) return 'No jobs.\n';
  const rows = [
    ['ID', 'MODEL', 'STATUS', 'CREATED', 'RESULT'],
    ...jobs.map((j) => [j.id, j.model, j.status, j.createdAt.slice(0, 19).replace('T', ' '), j.output ?? j.error ?? '']),
  ];
  const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
  return rows.map((row) => row.map((cell, col) => cell.padEnd(widths[col])).join('  ').trimEnd()).join('\n') + '\n';
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function parseResolution(value: string): '480p' | '720p' {
  if (value !== '480p' && value !== '720p') throw new InvalidArgumentError('must be 480p or 720p');
  return value;
}

function parseSeed(value: string): number {
  const seed = Number(value);
  if (!/^-?\d+$/.test(value) || seed < -1 || seed > MAX_SEED) throw new InvalidArgumentError(`must be an integer from -1 to ${MAX_SEED}`);
  return seed;
}

function parseStatus(value: string): JobStatus {
  if (!(STATUSES as readonly string[]).includes(value)) throw new InvalidArgumentError(`must be one of ${STATUSES.join(', ')}`);
  return value as JobStatus;
}

function parseLimit(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('must be a positive whole number');
  return Number(value);
}
