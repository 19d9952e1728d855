#!/usr/bin/env node
// Runs every test/**/*.test.ts with Node's own test runner (through tsx for TypeScript).
// Node 20's --test does not expand globs, so the file list is gathered here. Pass paths or
// substrings as arguments to run a subset: `npm test -- audio`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === 'fixtures' || name === 'node_modules') continue;
    if (statSync(path).isDirectory()) out.push(...collect(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = collect('test')
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// Human-readable progress on stdout, and a TAP copy whose totals become the closing
// "N passed, N failed" line that CI reads.
const tapFile = join(mkdtempSync(join(tmpdir(), 'mouthpiece-tests-')), 'results.tap');
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tapFile}`, ...files],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
const tap = existsSync(tapFile) ? readFileSync(tapFile, 'utf8') : '';
const total = (name) => Number([...tap.matchAll(new RegExp(`^# ${name} (\\d+)$`, "gm"))].at(-1)?.[1] ?? 0);
// A failing before/after hook fails the run without failing a counted test: count it once.
const failed = total('fail') + total('cancelled') || (result.status === 0 ? 0 : 1);
console.log(`${total('pass')} passed, ${failed} failed, ${total('skipped')} skipped`);
process.exit(result.status ?? 1);
