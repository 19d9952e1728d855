// Which rows the eval matrix runs for a selection, and how a multi conversation's voices are placed.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { caseName, CLIPS, selectCases, type EvalCase } from '../../eval/matrix.js';
import { voiceOffsets } from '../../eval/multi-faces.js';

const modes = (cases: EvalCase[]): string[] => cases.map((c) => c.mode);
const count = (cases: EvalCase[], mode: string): number => cases.filter((c) => c.mode === mode).length;

describe('eval matrix selection', () => {
  test('the full matrix has 3 portraits × every clip, 2 video sources × 3 clips and one two-face scene', async () => {
    const cases = await selectCases();
    assert.equal(count(cases, 'image'), 3 * CLIPS.length);
    assert.equal(count(cases, 'video'), 6);
    assert.equal(count(cases, 'multi'), 1);
    assert.equal(new Set(cases.map(caseName)).size, cases.length, 'every case has its own file name');
  });

  test('--quick runs three image rows and one video row', async () => {
    const cases = await selectCases({ quick: true });
    assert.deepEqual(modes(cases), ['image', 'image', 'image', 'video']);
  });

  test('--mode and --source select video rows alone', async () => {
    assert.deepEqual(modes(await selectCases({ modes: ['video'] })), Array(6).fill('video'));
    const zoom = await selectCases({ sources: ['zoom-hopper'], clips: ['bilabials'] });
    assert.deepEqual(zoom.map(caseName), ['video-zoom-hopper__bilabials']);
  });

  test('--clip filters image and video rows and keeps a scene only when both its clips are chosen', async () => {
    const bilabials = await selectCases({ clips: ['bilabials'] });
    assert.equal(count(bilabials, 'image'), 3);
    assert.equal(count(bilabials, 'video'), 2);
    assert.equal(count(bilabials, 'multi'), 0);
    assert.equal(count(await selectCases({ clips: ['en-male', 'it-female'] }), 'multi'), 1);
  });

  test('the known m/b/p onsets of a clip reach its video rows', async () => {
    const [c] = await selectCases({ sources: ['zoom-hopper'], clips: ['bilabials'] });
    assert.ok(c.mode === 'video' && c.bilabialOnsets.length >= 5);
  });

  test('refuses unknown modes and ids, naming the known ones', async () => {
    await assert.rejects(selectCases({ modes: ['audio'] }), /unknown mode audio; known: image, video, multi/);
    await assert.rejects(selectCases({ sources: ['nope'] }), /unknown video source nope/);
  });
});

describe('conversation voice placement', () => {
  test('meanwhile starts both voices at 0; left_right and right_left start the second when the first ends', () => {
    assert.deepEqual(voiceOffsets('meanwhile', 3, 5), { left: 0, right: 0 });
    assert.deepEqual(voiceOffsets('left_right', 3, 5), { left: 0, right: 3 });
    assert.deepEqual(voiceOffsets('right_left', 3, 5), { left: 5, right: 0 });
  });
});
