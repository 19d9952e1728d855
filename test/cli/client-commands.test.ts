import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../src/cli/program.js';
import { AUDIO, IMAGE } from '../api/test-app.js';
import { waitFor } from '../store/temp-store.js';
import { finishJob, startWebhookBed, type WebhookBed } from '../jobs/webhooks/harness.js';

describe('mouthpiece submit / jobs (through the SDK, against a server)', () => {
  let bed: WebhookBed;
  before(async () => {
    bed = await startWebhookBed();
  });
  after(() => bed.close());

  async function cli(args: string[], env: Record<string, string> = { MOUTHPIECE_URL: bed.baseUrl, MOUTHPIECE_API_KEY: bed.t.keyA }) {
    let stdout = '';
    let stderr = '';
    const code = await runCli(args, {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
      env,
      cwd: process.cwd(),
      interactive: false,
    });
    return { code, stdout, stderr };
  }

  test('submit prints only the new job id; the job has the options given', async () => {
    const { code, stdout, stderr } = await cli(['submit', '--image', IMAGE, '--audio', AUDIO, '--resolution', '720p', '--seed', '7']);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^[0-9a-f-]{36}\n$/);
    const job = await bed.client.getJob(stdout.trim());
    assert.deepEqual(job.input, { image: IMAGE, audio: AUDIO, resolution: '720p', seed: 7 });
  });

  test('submit --wait prints the finished job as JSON', async () => {
    const running = cli(['submit', '--image', IMAGE, '--audio', AUDIO, '--wait']);
    const id = await waitFor('the submitted job', async () => {
      const page = await bed.client.listJobs({ status: 'processing', limit: 1 });
      return page.data[0]?.id;
    });
    await finishJob(bed.t.temp.store, id, 'completed');
    const { code, stdout, stderr } = await running;
    assert.equal(code, 0, stderr);
    const job = JSON.parse(stdout);
    assert.deepEqual([job.id, job.status], [id, 'completed']);
    assert.match(stderr, new RegExp(`Submitted job ${id}`));
  });

  test('jobs get prints the job object; jobs list shows it in a table or as JSON', async () => {
    const { id } = await bed.client.lipsyncImage({ image: IMAGE, audio: AUDIO });
    const got = await cli(['jobs', 'get', id]);
    assert.equal(got.code, 0, got.stderr);
    assert.deepEqual(JSON.parse(got.stdout), await bed.client.getJob(id));

    const table = await cli(['jobs', 'list', '--limit', '5']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^ID\s+MODEL\s+STATUS\s+CREATED\s+RESULT\n/);
    assert.match(table.stdout, new RegExp(`${id}\\s+lipsync-image\\s+processing`));
    const json = await cli(['jobs', 'list', '--status', 'processing', '--json']);
    const page = JSON.parse(json.stdout);
    assert.ok(page.data.some((j: { id: string }) => j.id === id));
    await finishJob(bed.t.temp.store, id, 'failed');
  });

  test('jobs wait prints a failed job and exits 1 with its error', async () => {
    const { id } = await bed.client.lipsyncImage({ image: IMAGE, audio: AUDIO });
    await finishJob(bed.t.temp.store, id, 'failed');
    const { code, stdout, stderr } = await cli(['jobs', 'wait', id]);
    assert.equal(code, 1);
    assert.equal(JSON.parse(stdout).status, 'failed');
    assert.equal(stderr, `mouthpiece: Job ${id} failed: No face found in image\n`);
  });

  test('--url and --api-key override the environment; API errors are one readable line', async () => {
    const flags = ['--url', bed.baseUrl, '--api-key', bed.t.keyB];
    const { id } = await bed.client.lipsyncImage({ image: IMAGE, audio: AUDIO });
    const foreign = await cli(['jobs', 'get', id, ...flags], {});
    assert.equal(foreign.code, 1);
    assert.equal(foreign.stderr, `mouthpiece: No job with id ${id}\n`);
    const invalid = await cli(['submit', '--image', 'ftp://x/y.png', '--audio', AUDIO]);
    assert.equal(invalid.code, 1);
    assert.equal(invalid.stderr, 'mouthpiece: formState.image must be an http or https URL (formState.image)\n');
    await finishJob(bed.t.temp.store, id, 'failed');
  });

  test('without a key it says how to get one', async () => {
    const { code, stderr } = await cli(['jobs', 'list'], { MOUTHPIECE_URL: bed.baseUrl });
    assert.equal(code, 1);
    assert.match(stderr, /No API key: set MOUTHPIECE_API_KEY or pass --api-key/);
  });
});
