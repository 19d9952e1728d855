// lipsync-video end to end through the engine: a talking head re-dubbed with another voice,
// frames without a face passing through, on_no_face "fail", determinism and the prompt.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NoFaceError, prepareEngine, renderLipsyncImage, renderLipsyncVideo, type LipsyncVideoRequest } from '../../../src/engine/index.js';
import { probeMedia } from '../../../src/engine/media/index.js';
import {
  correlation, encodeVideoReference, ffmpeg, fixture, lipGapsPerFace, loudnessPerFrame, makeTempDir, meanDifference,
  probeOutput, readFrames, smooth,
} from './pipeline-fixtures.js';

const FPS = 25;
const faceGap = JSON.parse(await readFile(fixture('video-face-gap.json'), 'utf8')) as { faceAbsent: Array<{ firstFrame: number; lastFrame: number }> };

function videoRequest(video: string, audio: string, extra: Partial<LipsyncVideoRequest> = {}): LipsyncVideoRequest {
  return { video: { path: video }, audio: { path: audio }, resolution: '480p', seed: 1, syncMode: 'bounce', onNoFace: 'passthrough', ...extra };
}

/** Mean signed difference per colour channel over all frames (a colour shift shows here; noise averages out). */
function colourShift(a: Array<{ rgba: Uint8Array }>, b: Array<{ rgba: Uint8Array }>): [number, number, number] {
  const sums = [0, 0, 0];
  let n = 0;
  a.forEach((frame, i) => {
    for (let o = 0; o < frame.rgba.length; o += 4, n++) {
      for (let c = 0; c < 3; c++) sums[c] += frame.rgba[o + c] - b[i].rgba[o + c];
    }
  });
  return sums.map((s) => s / n) as [number, number, number];
}

describe('lipsync-video', { timeout: 600_000 }, () => {
  before(() => prepareEngine());

  test('re-dubs a talking head: the mouth follows the new voice, not the one it was made with', async (t) => {
    const dir = await makeTempDir(t);
    // Voice A: the Italian clip starting 1.2 s late, so its pauses fall elsewhere than voice B's.
    const voiceA = join(dir, 'voice-a.wav');
    await ffmpeg(['-i', fixture('speech-it.mp3'), '-af', 'adelay=1200', '-ac', '1', voiceA]);
    const voiceB = fixture('speech-en.mp3');
    const talking = join(dir, 'talking-a.mp4');
    await renderLipsyncImage(
      { image: { path: fixture('portrait-astronaut.jpg') }, audio: { path: voiceA }, resolution: '480p', seed: 5 },
      { outputPath: talking, workDir: join(dir, 'work-a') },
    );
    const redubbed = join(dir, 'redubbed-b.mp4');
    const result = await renderLipsyncVideo(videoRequest(talking, voiceB), { outputPath: redubbed, workDir: join(dir, 'work-b') });

    const frames = result.frames;
    const [before] = await lipGapsPerFace(talking, 1);
    const [after] = await lipGapsPerFace(redubbed, 1);
    const envelopeA = smooth(await loudnessPerFrame(voiceA, FPS, frames), 2);
    const envelopeB = smooth(await loudnessPerFrame(voiceB, FPS, frames), 2);
    const r = {
      sourceA: correlation(before, envelopeA), sourceB: correlation(before, envelopeB),
      dubbedA: correlation(after, envelopeA), dubbedB: correlation(after, envelopeB),
    };
    const report = `correlation of the inner-lip gap with each voice's loudness: ${JSON.stringify(r, (_, v) => (typeof v === 'number' ? +v.toFixed(3) : v))}`;
    process.stderr.write(`# ${report}\n`);
    assert.ok(r.sourceA > 0.35 && r.sourceA > r.sourceB + 0.2, `the measurement sees voice A in the source; ${report}`);
    assert.ok(r.dubbedB > 0.35, `the re-dubbed mouth follows voice B; ${report}`);
    assert.ok(r.dubbedB > r.dubbedA + 0.15, `…and follows B clearly more than A; ${report}`);
    assert.ok(r.dubbedA < r.sourceA - 0.2, `…and much less A than the source did; ${report}`);
  });

  test('frames without the face pass through unchanged, cross-faded, while the others are dubbed', async (t) => {
    const dir = await makeTempDir(t);
    const output = join(dir, 'gap.mp4');
    const result = await renderLipsyncVideo(
      videoRequest(fixture('video-face-gap.mp4'), fixture('speech-en.mp3'), { syncMode: 'cut_off' }),
      { outputPath: output, workDir: join(dir, 'work') },
    );
    assert.equal(result.frames, 75);
    // The reference: the source frames, unchanged, along the same path through encoder and decoder.
    const reference = join(dir, 'reference.mp4');
    await encodeVideoReference(fixture('video-face-gap.mp4'), reference, { width: result.width, height: result.height, fps: FPS, frames: result.frames });
    const out = await readFrames(output);
    const ref = await readFrames(reference);
    const { width, height } = out[0];
    // The mouth area of the face (from frame 0); the testsrc2 frames have no face there.
    const [x0, x1, y0, y1] = [Math.round(width * 0.35), Math.round(width * 0.65), Math.round(height * 0.3), Math.round(height * 0.5)];
    const diff = out.map((f, i) => meanDifference(f.rgba, ref[i].rgba, width, height, x0, x1, y0, y1));
    const { firstFrame, lastFrame } = faceGap.faceAbsent[0];
    const absent = diff.slice(firstFrame, lastFrame + 1);
    const report = `mean |output − reference| in the mouth area per frame: ${diff.map((d) => d.toFixed(1)).join(' ')}`;
    assert.ok(Math.max(...absent) < 0.6, `frames without the face equal the source within encoding noise; ${report}`);
    assert.ok(Math.max(...diff.slice(0, firstFrame - 6)) > 3, `frames with the face are dubbed; ${report}`);
    // Fading out before the gap: the last dubbed frames change less and less.
    assert.ok(diff[firstFrame - 1] < diff[firstFrame - 6] || diff[firstFrame - 6] < 1, `the dub fades out into the gap; ${report}`);
  });

  test('keeps the colours of BT.601 and full-range sources: away from the face the output matches the source', async (t) => {
    const dir = await makeTempDir(t);
    const sources = {
      'BT.601': ['-colorspace', 'smpte170m', '-color_primaries', 'smpte170m', '-color_trc', 'smpte170m', '-color_range', 'tv'],
      'full range': ['-pix_fmt', 'yuvj420p'],
    };
    for (const [name, tags] of Object.entries(sources)) {
      const source = join(dir, `${name}.mp4`);
      await ffmpeg(['-i', fixture('video-astronaut.mp4'), '-an', '-c:v', 'libx264', '-crf', '12', ...tags, source]);
      const output = join(dir, `${name}-dubbed.mp4`);
      const result = await renderLipsyncVideo(
        videoRequest(source, fixture('speech-short.wav'), { syncMode: 'cut_off' }),
        { outputPath: output, workDir: join(dir, `work-${name}`) },
      );
      const tagged = (await probeMedia(output)).video!.colour.space;
      assert.equal(tagged, name === 'BT.601' ? 'smpte170m' : 'bt709', `${name}: a BT.601 source's samples are kept and tagged so, others converted to BT.709`);
      // The source as an RGBA decode shows it, and the reference: the source along the same path
      // through encoder and decoder, nothing dubbed.
      const shown = (await readFrames(source, result.width)).slice(0, result.frames);
      const reference = join(dir, `${name}-reference.mp4`);
      await encodeVideoReference(source, reference, { width: result.width, height: result.height, fps: FPS, frames: result.frames });
      const out = await readFrames(output);
      const ref = await readFrames(reference);
      const { width, height } = out[0];
      // Away from the face (it spans x 0.3–0.6 and y 0.05–0.45): the flag, the suit, the background.
      const away = (a: Uint8Array, b: Uint8Array) => (
        meanDifference(a, b, width, height, 0, Math.round(width * 0.25))
        + meanDifference(a, b, width, height, Math.round(width * 0.7), width)
        + meanDifference(a, b, width, height, Math.round(width * 0.25), Math.round(width * 0.7), Math.round(height * 0.55), height)
      ) / 3;
      const diff = out.map((f, i) => away(f.rgba, ref[i].rgba));
      const fromSource = out.map((f, i) => away(f.rgba, shown[i].rgba));
      const shift = colourShift(out, shown);
      const referenceShift = colourShift(ref, shown);
      const report = `${name}: mean |output − reference| away from the face per frame: ${diff.map((d) => d.toFixed(2)).join(' ')}; ` +
        `|output − source| ${fromSource.map((d) => d.toFixed(2)).join(' ')}; mean output − source per channel: ${shift.map((d) => d.toFixed(2)).join(' ')}` +
        ` (reference − source: ${referenceShift.map((d) => d.toFixed(2)).join(' ')})`;
      process.stderr.write(`# ${report}\n`);
      // Encoding noise grows from frame to frame as the dubbed face steers the encoder differently;
      // a colour shift (≈ 3–7 for BT.601 read as BT.709) shows from the first frame on, and in the
      // mean, where noise cancels. Against the source as ffmpeg's RGBA decode scales it, the engine's
      // path itself, with or without the dub, is up to ≈ 1.2 levels darker: for BT.601 ≈ 0.6 in red
      // and blue (it scales the YUV planes, that decode scales after converting to RGB), for full
      // range ≈ 1 in every channel (two more swscale conversions). The dub adds nothing to that.
      assert.ok(diff[0] < 0.5 && Math.max(...diff) < 3, report);
      assert.ok(Math.max(...fromSource) < 3, report);
      assert.ok(shift.every((d, c) => Math.abs(d) < 1.5 && Math.abs(d - referenceShift[c]) < 0.3), report);
    }
  });

  test('on_no_face "fail" fails with the time range where the face was lost', async (t) => {
    const dir = await makeTempDir(t);
    await assert.rejects(
      renderLipsyncVideo(
        videoRequest(fixture('video-face-gap.mp4'), fixture('speech-short.wav'), { onNoFace: 'fail', syncMode: 'silence' }),
        { outputPath: join(dir, 'out.mp4'), workDir: join(dir, 'work') },
      ),
      (error: Error) => error instanceof NoFaceError && /lost in the video at 1\.00 s–2\.00 s/.test(error.message),
    );
  });

  test('a video without any face fails with "No face found in video"', async (t) => {
    const dir = await makeTempDir(t);
    const noFace = join(dir, 'pattern.mp4');
    await ffmpeg(['-f', 'lavfi', '-i', 'color=c=steelblue:size=160x120:rate=25:duration=1', '-pix_fmt', 'yuv420p', noFace]);
    await assert.rejects(
      renderLipsyncVideo(videoRequest(noFace, fixture('speech-short.wav')), { outputPath: join(dir, 'out.mp4'), workDir: join(dir, 'work') }),
      { name: 'NoFaceError', message: 'No face found in video' },
    );
  });

  test('the same inputs and seed give the same bytes; the job reports the prompt words it applied', async (t) => {
    const dir = await makeTempDir(t);
    const request = videoRequest(fixture('video-astronaut.mp4'), fixture('speech-short.wav'), { prompt: 'calm, smiling, fermo, purple' });
    const first = await renderLipsyncVideo(request, { outputPath: join(dir, 'a.mp4'), workDir: join(dir, 'work-a') });
    await renderLipsyncVideo({ ...request, seed: 99 }, { outputPath: join(dir, 'b.mp4'), workDir: join(dir, 'work-b') });
    assert.ok((await readFile(join(dir, 'a.mp4'))).equals(await readFile(join(dir, 'b.mp4'))), 'identical MP4 bytes (a video has no idle motion for the seed to change)');
    // "fermo" (head still) does nothing to a video, which keeps its own motion; "purple" is not in the vocabulary.
    assert.deepEqual(first.appliedPromptWords, ['calm', 'smiling']);
    const facts = await probeOutput(join(dir, 'a.mp4'));
    assert.equal(facts.fps, '25/1');
    assert.equal(facts.frames, first.frames);
  });
});
