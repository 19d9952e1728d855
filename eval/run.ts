// `npm run eval [-- --quick] [-- --json]`: renders the fixture matrix with the engine, measures
// every output with an independent landmark detector and prints the metrics table of issue 5.
// Always writes eval-out/results.json and one contact sheet PNG per case under eval-out/.
//
// Options: --quick (1 portrait × 3 clips, 1 video source × 1 clip), --json (results JSON on
// stdout instead of the table), --mode image|video|multi, --portrait ID, --source ID (video
// source), --clip ID (all repeatable; ids in eval/matrix.ts), --no-cache (render again even if
// the engine and inputs are unchanged), --out DIR (default eval-out), --seed N.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { prepareEngine } from '../src/engine/index.js';
import { evaluateCase } from './evaluate-case.js';
import { faceApi } from './face-api-runtime.js';
import { selectCases } from './matrix.js';
import { engineSourceHash, pruneRenderCache } from './render-cache.js';
import { formatSummary, formatTable, resultsJson, rowLabel, type CaseResult } from './report.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      mode: { type: 'string', multiple: true },
      portrait: { type: 'string', multiple: true },
      source: { type: 'string', multiple: true },
      clip: { type: 'string', multiple: true },
      'no-cache': { type: 'boolean', default: false },
      out: { type: 'string', default: 'eval-out' },
      seed: { type: 'string', default: '42' },
    },
  });
  const outDir = resolve(values.out);
  await mkdir(join(outDir, 'videos'), { recursive: true });
  const cases = await selectCases({
    quick: values.quick, modes: values.mode, portraits: values.portrait, sources: values.source, clips: values.clip,
  });
  const settings = { resolution: '480p' as const, seed: Number(values.seed) };
  const log = (line: string): void => void process.stderr.write(line + '\n');

  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort(new Error('interrupted')));
  const started = performance.now();
  // One after the other: both bring up the same tfjs wasm backend, which must not start twice at once.
  await prepareEngine();
  await faceApi();
  const results: CaseResult[] = [];
  // Sequential on purpose: the machine has 2 cores, and render and measurement each keep one busy.
  for (const [i, c] of cases.entries()) {
    const rows = await evaluateCase(c, settings, { outDir, useCache: !values['no-cache'], signal: abort.signal });
    results.push(...rows);
    for (const row of rows) {
      log(`[${i + 1}/${cases.length}] ${rowLabel(row)}: render ${row.renderSeconds.toFixed(1)} s${row.renderCached ? ' (cached)' : ''}, ` +
        `measure ${row.measureSeconds.toFixed(1)} s, ${row.frames} frames`);
    }
  }
  if (cases.length === 0) log('no case matches the selection');
  const wallSeconds = (performance.now() - started) / 1000;
  await pruneRenderCache(join(outDir, 'cache'));

  const json = resultsJson(results, {
    createdAt: new Date().toISOString(), engineSourceHash: await engineSourceHash(), ...settings, wallSeconds,
    detector: '@vladmandic/face-api 68-point landmarks (SSD MobileNet v1 + landmark68 net), tfjs wasm',
  });
  await writeFile(join(outDir, 'results.json'), json);
  if (values.json) {
    process.stdout.write(json + '\n');
  } else {
    console.log(formatTable(results));
    console.log(formatSummary(results, wallSeconds));
    console.log(`contact sheets and results.json in ${outDir}`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack ?? err.message : err);
  process.exit(1);
});
