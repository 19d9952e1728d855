import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findUpwards, nodeWebhookExample, staticDir } from '../../src/web/assets.js';

describe('dashboard assets', () => {
  test('finds web/static from the source tree', () => {
    assert.ok(existsSync(join(staticDir(), 'app.css')));
    assert.ok(existsSync(join(staticDir(), 'copy.js')));
  });

  test('finds a folder from deeper below the root too, as from dist/src/web after the build', () => {
    const root = mkdtempSync(join(tmpdir(), 'mouthpiece-assets-'));
    try {
      mkdirSync(join(root, 'web', 'static'), { recursive: true });
      mkdirSync(join(root, 'dist', 'src', 'web'), { recursive: true });
      assert.equal(findUpwards(join('web', 'static'), join(root, 'dist', 'src', 'web')), join(root, 'web', 'static'));
      assert.equal(findUpwards(join('no', 'such', 'folder'), join(root, 'dist', 'src', 'web')), null);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('reads the Node example the guide shows', () => {
    assert.match(nodeWebhookExample() ?? '', /app\.post\('\/webhooks\/lipsync'/);
  });
});
