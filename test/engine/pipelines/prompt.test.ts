// The prompt's style vocabulary, and what each style parameter does to the rendered face.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import sharp from 'sharp';
import { prepareEngine, renderLipsyncImage, styleFromPrompt } from '../../../src/engine/index.js';
import { detectFaces, faceMeshTriangles, topology } from '../../../src/engine/face/index.js';
import { allocatePosedFrame, buildFaceRig, idleMotion, poseFace, REST_POSE } from '../../../src/engine/render/index.js';
import { fixture, makeTempDir } from './pipeline-fixtures.js';

describe('prompt vocabulary', () => {
  test('English and Italian words map to the same style', () => {
    assert.deepEqual(styleFromPrompt('calm').style, styleFromPrompt('calmo').style);
    assert.deepEqual(styleFromPrompt('expressive').style, styleFromPrompt('espressiva').style);
    assert.deepEqual(styleFromPrompt('smile').style, styleFromPrompt('sorriso').style);
    assert.deepEqual(styleFromPrompt('still').style, styleFromPrompt('fermo').style);
    assert.deepEqual(styleFromPrompt('subtle').style, styleFromPrompt('leggero').style);
  });

  test('each word moves its parameters the documented way', () => {
    assert.ok(styleFromPrompt('calm').style.headMotion < 1 && styleFromPrompt('calm').style.articulation < 1);
    assert.ok(styleFromPrompt('expressive').style.articulation > 1 && styleFromPrompt('expressive').style.headMotion > 1);
    assert.ok(styleFromPrompt('smile').style.cornerLift > 0);
    assert.ok(styleFromPrompt('still').style.headMotion <= 0.2);
    assert.ok(styleFromPrompt('subtle').style.articulation < 1);
    assert.ok(styleFromPrompt('nervous').style.blinkRate > 1);
  });

  test('unknown words are ignored and the applied ones reported once, in prompt order', () => {
    const { style, appliedWords } = styleFromPrompt('Sorridente e CALMO, please — very calm; banana');
    assert.deepEqual(appliedWords, ['sorridente', 'calmo', 'calm']);
    assert.ok(style.cornerLift > 0);
    assert.deepEqual(styleFromPrompt('purple monkey dishwasher'), { style: styleFromPrompt(undefined).style, appliedWords: [] });
  });

  test('a word right after a negation is not applied', () => {
    assert.deepEqual(styleFromPrompt('not smiling').appliedWords, []);
    assert.equal(styleFromPrompt('non sorridente').style.cornerLift, 0);
    assert.deepEqual(styleFromPrompt('senza sorriso, calmo').appliedWords, ['calmo']);
  });

  test('effects combine and stay within bounds', () => {
    const { style } = styleFromPrompt('expressive expressive expressive strong strong');
    assert.equal(style.articulation, 1.5);
    assert.ok(styleFromPrompt('calm subtle').style.articulation < styleFromPrompt('calm').style.articulation);
  });

  test('a mode reports only the words that change something it renders', () => {
    assert.deepEqual(styleFromPrompt('calm still smile', ['articulation', 'cornerLift']).appliedWords, ['calm', 'smile']);
  });
});

describe('style parameters in the renderer', () => {
  test('smile lifts the mouth corners and leaves the eyes and the outer ring in place', async () => {
    const { data, info } = await sharp(fixture('portrait-astronaut.jpg')).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const [face] = await detectFaces({ data: new Uint8Array(data), width: info.width, height: info.height });
    const rig = buildFaceRig(face.points, await faceMeshTriangles(), info.width, info.height);
    const plain = allocatePosedFrame(rig), smiling = allocatePosedFrame(rig);
    poseFace(rig, REST_POSE, plain);
    poseFace(rig, { ...REST_POSE, cornerLift: 1 }, smiling);
    const up = (i: number) => -((smiling.points[2 * i] - plain.points[2 * i]) * rig.ey[0] + (smiling.points[2 * i + 1] - plain.points[2 * i + 1]) * rig.ey[1]);
    for (const corner of [topology.MOUTH_CORNER_LEFT, topology.MOUTH_CORNER_RIGHT]) {
      assert.ok(up(corner) > 0.05 * rig.mouthWidth, `corner ${corner} rises ${up(corner).toFixed(2)} px`);
    }
    assert.ok(Math.abs(up(13)) < 0.25 * up(topology.MOUTH_CORNER_LEFT), 'the lip centre barely moves');
    assert.ok(Math.abs(up(159)) < 0.01, 'the eyes do not move');
    const last = rig.vertexCount - 1;
    assert.equal(smiling.points[2 * last], plain.points[2 * last], 'the outer ring stays');
  });

  test('"still" shrinks the head sway and blink rate scales the blinks', () => {
    const fps = 25, frames = 60 * fps;
    const amplitude = (x: Float32Array) => Math.max(...x.map(Math.abs));
    const normal = idleMotion(3, frames, fps, 60);
    const still = idleMotion(3, frames, fps, 60, { headMotion: styleFromPrompt('still').style.headMotion });
    assert.ok(amplitude(still.headX) <= 0.21 * amplitude(normal.headX));
    const blinks = (x: Float32Array) => x.filter((v, i) => v >= 0.99 && (i === 0 || x[i - 1] < 0.99)).length;
    const nervous = idleMotion(3, frames, fps, 60, { blinkRate: 2 });
    assert.ok(blinks(nervous.blinkLeft) > 1.6 * blinks(normal.blinkLeft), `${blinks(nervous.blinkLeft)} vs ${blinks(normal.blinkLeft)} blinks a minute`);
    assert.deepEqual(idleMotion(3, 100, fps, 60, {}), idleMotion(3, 100, fps, 60), 'defaults are the unstyled motion');
  });
});

describe('prompt through lipsync-image', { timeout: 120_000 }, () => {
  before(() => prepareEngine());

  test('the result lists the words applied; without a prompt there is no list', async (t) => {
    const dir = await makeTempDir(t);
    const base = { image: { path: fixture('portrait-astronaut.jpg') }, audio: { path: fixture('speech-short.wav') }, resolution: '480p' as const, seed: 4 };
    const styled = await renderLipsyncImage({ ...base, prompt: 'sorriso, calmo, banana' }, { outputPath: join(dir, 'a.mp4'), workDir: join(dir, 'wa') });
    assert.deepEqual(styled.appliedPromptWords, ['sorriso', 'calmo']);
    const plain = await renderLipsyncImage(base, { outputPath: join(dir, 'b.mp4'), workDir: join(dir, 'wb') });
    assert.equal(plain.appliedPromptWords, undefined);
  });
});
