// Jobs that never get lost, and credits that are charged once, through real crashes: the real
// server and engine, a render process killed with SIGKILL mid-render, then the whole server
// killed with SIGKILL mid-render and started again on the same data dir.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { apiClient, fixture, runCli, startMediaServer, startServer, waitFor, type RunningServer } from './harness.js';
import { topLevelBoxes } from './output-checks.js';

/** speech-en.mp3 decodes to 6.36 s: 7 s billed × 2 credits at 480p. */
const EXPECTED_CREDITS = 14;

describe('crash recovery', { timeout: 600_000 }, () => {
  let dataDir: string;
  let media: Awaited<ReturnType<typeof startMediaServer>>;
  let server: RunningServer | null = null;
  let key: string;
  const env = () => ({
    MOUTHPIECE_DATA_DIR: dataDir,
    MOUTHPIECE_ALLOW_PRIVATE_URLS: '1',
    MOUTHPIECE_WORKERS: '1',
    // A dead server's job is taken up again after this long.
    MOUTHPIECE_JOB_LEASE_SECONDS: '3',
  });

  before(async () => {
    media = await startMediaServer({
      '/portrait.jpg': { body: fixture('portrait-astronaut.jpg'), contentType: 'image/jpeg' },
      '/speech.mp3': { body: fixture('speech-en.mp3'), contentType: 'audio/mpeg' },
    });
    dataDir = await mkdtemp(join(tmpdir(), 'mouthpiece-crash-'));
    server = await startServer(env());
    const created = await runCli(['keys', 'create', '--name', 'crash'], server.env);
    assert.equal(created.code, 0, created.stderr);
    key = created.stdout.trim();
  });

  after(async () => {
    await server?.stop();
    await media.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** The job's ledger rows and attempts, read straight from the database (WAL: readers never wait). */
  function recorded(jobId: string): { movements: string[]; attempts: number } {
    const db = new SqliteDatabase(join(dataDir, 'mouthpiece.db'), { readonly: true });
    try {
      const rows = db.prepare('SELECT kind, amount FROM credit_ledger WHERE job_id = ? ORDER BY id').all(jobId) as Array<{ kind: string; amount: number }>;
      const job = db.prepare('SELECT attempts FROM jobs WHERE id = ?').get(jobId) as { attempts: number };
      return { movements: rows.map((r) => `${r.kind} ${r.amount}`), attempts: job.attempts };
    } finally {
      db.close();
    }
  }

  /** Pids of the server's render processes (its children running the render worker). */
  function renderProcesses(serverPid: number): number[] {
    const pids: number[] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
        if (parent === serverPid && cmdline.includes('render-worker')) pids.push(Number(entry));
      } catch {
        // the process ended while we looked
      }
    }
    return pids;
  }

  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  async function account(): Promise<{ apiCredits: number; heldCredits: { api: number } }> {
    const response = await fetch(`${server!.baseUrl}/api/v1/account`, { headers: { authorization: `Bearer ${key}` } });
    return (await response.json()) as { apiCredits: number; heldCredits: { api: number } };
  }

  async function submitAndWaitForRendering(): Promise<{ id: string; client: ReturnType<typeof apiClient> }> {
    const client = apiClient(server!.baseUrl, key);
    const id = await client.submit('lipsync-image', { image: `${media.baseUrl}/portrait.jpg`, audio: `${media.baseUrl}/speech.mp3` });
    // The hold is placed before the render stage starts, so a crash from here on is a crash
    // after the credits were held.
    await waitFor('the render stage', async () => ((await client.job(id)).stage === 'render' ? true : undefined), 180_000, 50);
    return { id, client };
  }

  function assertOneOutputAndOneCharge(jobId: string): void {
    const outputs = readdirSync(join(dataDir, 'outputs')).filter((name) => name.startsWith(jobId));
    assert.equal(outputs.length, 1, `one output file: ${outputs.join(', ')}`);
    const boxes = topLevelBoxes(join(dataDir, 'outputs', outputs[0]));
    assert.ok(boxes.includes('moov') && boxes.includes('mdat'), `a whole MP4: ${boxes.join(' ')}`);
    const { movements, attempts } = recorded(jobId);
    assert.equal(attempts, 2, 'the crashed attempt and the one that completed');
    assert.deepEqual(movements, [`hold -${EXPECTED_CREDITS}`, `release ${EXPECTED_CREDITS}`, `charge -${EXPECTED_CREDITS}`]);
  }

  test('a render process killed with SIGKILL mid-render: the job completes, one output, credits charged once', async () => {
    const before = await account();
    const { id, client } = await submitAndWaitForRendering();
    const [renderPid] = renderProcesses(server!.pid);
    assert.ok(renderPid, 'found the render process');
    process.kill(renderPid, 'SIGKILL');

    const done = await client.finished(id, 300_000);
    assert.equal(done.status, 'completed', JSON.stringify(done));
    assert.equal(done.credits, EXPECTED_CREDITS);
    assertOneOutputAndOneCharge(id);
    const afterwards = await account();
    assert.equal(afterwards.apiCredits, before.apiCredits - EXPECTED_CREDITS);
    assert.equal(afterwards.heldCredits.api, 0);
  });

  test('the whole server killed with SIGKILL mid-render: after a restart the job completes, one output, charged once', async () => {
    const { id } = await submitAndWaitForRendering();
    const renders = renderProcesses(server!.pid);
    await server!.kill();
    // Render processes notice their parent is gone and take their ffmpeg children with them.
    await waitFor('the orphaned render processes to exit', async () => (renders.every((pid) => !alive(pid)) ? true : undefined), 30_000, 50);
    assert.deepEqual(recorded(id).movements, [`hold -${EXPECTED_CREDITS}`], 'the hold survived the crash');

    server = await startServer(env());
    const client = apiClient(server.baseUrl, key);
    const done = await client.finished(id, 300_000);
    assert.equal(done.status, 'completed', JSON.stringify(done));
    assert.equal(done.credits, EXPECTED_CREDITS);
    assertOneOutputAndOneCharge(id);
    const video = await fetch(String(done.output));
    assert.equal(video.status, 200);
    assert.equal(video.headers.get('content-type'), 'video/mp4');
  });
});
