// Verdicts against the targets, and the table rows they print as.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { ClipMetrics } from '../../eval/measure-video.js';
import { formatTable, judge, rowLabel, type CaseResult } from '../../eval/report.js';
import type { VideoFidelity } from '../../eval/video-fidelity.js';

const metrics: ClipMetrics = {
  closedBelow: 0.05,
  m1: { r: 0.6, nullP95: 0.2, shifts: 200 },
  m2: { frames: -0.5, ms: -20, peakR: 0.6, curve: [] },
  m3: { share: 0.95, frames: 20, unguardedShare: 0.9, unguardedFrames: 30 },
  m4: null,
  m6: 0.05,
};

function fidelity(m7Db: number, m8: number): VideoFidelity {
  return {
    m7Db, m7WorstDb: m7Db - 2, m7WorstFrame: 3, m7FloorDb: 41, m8, m8P10: m8 - 0.1, m8Floor: 0.95, frames: 10, sourceMouthR: 0,
    sourceFrame: new Int32Array(10), m7PerFrameDb: new Float32Array(10),
  };
}

describe('eval report', () => {
  test('M7 and M8 are judged for video rows only, against 40 dB and 0.8', () => {
    assert.deepEqual([judge(metrics).M7, judge(metrics).M8], [null, null]);
    const pass = judge(metrics, fidelity(40.5, 0.85));
    assert.deepEqual([pass.M7, pass.M8], [true, true]);
    const fail = judge(metrics, fidelity(39.9, 0.7));
    assert.deepEqual([fail.M7, fail.M8], [false, false]);
    assert.equal(judge(metrics, fidelity(Infinity, 1)).M7, true, 'nothing changed outside the mouth at all');
    assert.equal(judge(metrics, fidelity(NaN, 1)).M7, false, 'nothing compared is not a pass');
  });

  test('names rows by mode, subject and clip, and prints a failing M7 with its floor', () => {
    assert.equal(rowLabel({ mode: 'image', subject: 'hopper', clip: 'en-male' }), 'hopper × en-male');
    assert.equal(rowLabel({ mode: 'video', subject: 'zoom-hopper', clip: 'bilabials' }), 'video zoom-hopper × bilabials');
    const f = fidelity(36.6, 1.05);
    const row: CaseResult = {
      mode: 'video', subject: 'zoom-hopper', clip: 'bilabials', video: 'v.mp4', contactSheet: 'v.png', durationSeconds: 6.1,
      frames: 153, framesWithoutFace: 0, detections: 1, renderSeconds: 7, measureSeconds: 6, renderCached: false,
      computePerVideoSecond: 1.15, metrics, fidelity: f, verdicts: judge(metrics, f),
    };
    const line = formatTable([row]).split('\n')[2];
    assert.match(line, /^video zoom-hopper × bilabials\s/);
    assert.match(line, / 36\.6 ✗  41\.0  1\.05 ✓  0\.95 .*FAIL$/);
  });
});
