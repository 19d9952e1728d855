// The guide's examples are code people paste: the webhook verifiers must accept what the server
// really signs and refuse anything else.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newWebhookSecret, signedWebhookHeaders } from '../../src/jobs/webhooks/signature.js';
import { pythonVerifyExample } from '../../src/web/pages/guide-examples.js';

const HAS_PYTHON = spawnSync('python3', ['--version']).status === 0;

/** Runs the guide's verify_webhook in Python on these inputs; answers its printed result. */
function pythonVerify(secret: string, headers: Record<string, string>, body: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'mouthpiece-guide-'));
  try {
    const script = `${pythonVerifyExample()}

import json, sys
args = json.loads(sys.stdin.read())
print(verify_webhook(args["secret"], args["headers"], bytes.fromhex(args["body"])))
`;
    writeFileSync(join(dir, 'verify.py'), script);
    const result = spawnSync('python3', [join(dir, 'verify.py')], {
      input: JSON.stringify({ secret, headers, body: body.toString('hex') }),
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stderr);
    return result.stdout.trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the guide’s Python webhook verifier', { skip: HAS_PYTHON ? false : 'python3 is not installed' }, () => {
  const secret = newWebhookSecret();
  const body = Buffer.from(JSON.stringify({ id: 'job-1', status: 'completed', output: 'https://x.test/o.mp4' }));
  const headers = signedWebhookHeaders({ id: 'msg_1', timestamp: Math.floor(Date.now() / 1000), body }, [secret]);

  test('accepts a delivery signed by the server', () => {
    assert.equal(pythonVerify(secret, headers, body), 'True');
  });

  test('accepts it when a rotated-out secret signs beside the current one', () => {
    const both = signedWebhookHeaders({ id: 'msg_1', timestamp: Math.floor(Date.now() / 1000), body }, [newWebhookSecret(), secret]);
    assert.equal(pythonVerify(secret, both, body), 'True');
  });

  test('refuses a changed body, another secret and an old timestamp', () => {
    assert.equal(pythonVerify(secret, headers, Buffer.from(body.toString().replace('completed', 'failed'))), 'False');
    assert.equal(pythonVerify(newWebhookSecret(), headers, body), 'False');
    const old = signedWebhookHeaders({ id: 'msg_1', timestamp: Math.floor(Date.now() / 1000) - 3600, body }, [secret]);
    assert.equal(pythonVerify(secret, old, body), 'False');
  });
});
