import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ffmpegPath, ffprobePath } from '../../../src/engine/media/index.js';
import { makeTempDir } from './media-fixtures.js';

const run = promisify(execFile);
const binariesModule = new URL('../../../src/engine/media/binaries.ts', import.meta.url).href;

/** Resolves the tool paths in a fresh Node process, since each process resolves them only once. */
async function resolveIn(env: NodeJS.ProcessEnv): Promise<{ ffmpeg: string; ffprobe: string }> {
  const script = `const m = await import(${JSON.stringify(binariesModule)}); console.log(JSON.stringify({ ffmpeg: m.ffmpegPath(), ffprobe: m.ffprobePath() }));`;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env });
  return JSON.parse(stdout) as { ffmpeg: string; ffprobe: string };
}

describe('ffmpegPath and ffprobePath', () => {
  test('find working binaries', async () => {
    assert.match((await run(ffmpegPath(), ['-version'])).stdout, /^ffmpeg version/);
    assert.match((await run(ffprobePath(), ['-version'])).stdout, /^ffprobe version/);
  });

  test('prefer FFMPEG_PATH and FFPROBE_PATH', async (t) => {
    const dir = await makeTempDir(t);
    await symlink(ffmpegPath(), join(dir, 'my-ffmpeg'));
    await symlink(ffprobePath(), join(dir, 'my-ffprobe'));
    const found = await resolveIn({ ...process.env, FFMPEG_PATH: join(dir, 'my-ffmpeg'), FFPROBE_PATH: join(dir, 'my-ffprobe') });
    assert.deepEqual(found, { ffmpeg: join(dir, 'my-ffmpeg'), ffprobe: join(dir, 'my-ffprobe') });
  });

  test('then look on PATH', async (t) => {
    const dir = await makeTempDir(t);
    await symlink(ffmpegPath(), join(dir, 'ffmpeg'));
    await symlink(ffprobePath(), join(dir, 'ffprobe'));
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}` };
    delete env.FFMPEG_PATH;
    delete env.FFPROBE_PATH;
    assert.deepEqual(await resolveIn(env), { ffmpeg: join(dir, 'ffmpeg'), ffprobe: join(dir, 'ffprobe') });
  });

  test('fall back to the npm packages', async (t) => {
    const dir = await makeTempDir(t);
    // A PATH with node only, so no system ffmpeg can be found.
    await symlink(process.execPath, join(dir, 'node'));
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: dir };
    delete env.FFMPEG_PATH;
    delete env.FFPROBE_PATH;
    const found = await resolveIn(env);
    assert.match(found.ffmpeg, /@ffmpeg-installer/);
    assert.match(found.ffprobe, /@ffprobe-installer/);
  });
});
