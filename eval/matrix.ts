// The eval matrix: which faces speak which clips, in which mode. Image rows: a portrait per
// clip. Video rows: a source video (made at eval time from fixtures, see video-sources.ts) re-voiced
// per clip. Multi rows: one picture of two people, each face on its own clip, measured face by face.
// Files live in test/fixtures (see its README.md; the eval-only clips are in test/fixtures/eval,
// made by eval/make-fixtures.sh).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { SpeakerOrder } from '../src/engine/index.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/', import.meta.url));

export type EvalMode = 'image' | 'video' | 'multi';
export const MODES: readonly EvalMode[] = ['image', 'video', 'multi'];

export interface Portrait { id: string; path: string; note: string }

export interface Clip {
  id: string;
  path: string;
  note: string;
  /** JSON with `syllables[].place` / `consonantTime` (known m/b/p/f/v onsets), for M4. */
  timingsPath?: string;
}

/** How a source video for the video rows is made (video-sources.ts builds and caches it). */
export type VideoSourceRecipe =
  /** ffmpeg zoompan over a still portrait: the face moves and grows, the mouth never moves. */
  | { kind: 'zoom-pan'; portrait: string; seconds: number }
  /** The engine's image mode speaking `clip`: a source whose mouth already moves (to other words). */
  | { kind: 'talking'; portrait: string; clip: string };

export interface VideoSource { id: string; note: string; recipe: VideoSourceRecipe }

/** A picture of two people; `crop` tells which part of the output shows which face (for measuring). */
export interface MultiScene {
  id: string;
  path: string;
  note: string;
  order: SpeakerOrder;
  /** Clip ids of the left and the right face. */
  clips: [string, string];
  /** Each face lies in its half of the picture (checked by eye, test/fixtures/README.md). */
  faces: 'one-per-half';
}

interface CaseBase {
  clip: Clip;
  bilabialOnsets: number[];
  labiodentalOnsets: number[];
}
export interface ImageCase extends CaseBase { mode: 'image'; portrait: Portrait }
export interface VideoCase extends CaseBase { mode: 'video'; source: VideoSource }
/** One render, measured twice: each face against its own clip. */
export interface MultiCase { mode: 'multi'; scene: MultiScene; faces: [MultiFace, MultiFace] }
export interface MultiFace extends CaseBase { side: 'left' | 'right' }
export type EvalCase = ImageCase | VideoCase | MultiCase;

export const PORTRAITS: Portrait[] = [
  { id: 'astronaut', path: 'portrait-astronaut.jpg', note: 'woman, frontal, small face, smiling' },
  { id: 'hopper', path: 'portrait-hopper.jpg', note: 'older woman, glasses, frontal' },
  { id: 'tilted', path: 'portrait-3.jpg', note: 'man, head rolled ~23°, face fills the frame' },
  { id: 'open-mouth', path: 'portrait-open-mouth.jpg', note: 'man, mouth open at rest (teeth showing)' },
];

export const CLIPS: Clip[] = [
  { id: 'en-male', path: 'speech-en.mp3', note: 'espeak-ng en-us male, 150 wpm, 0.8 s pause' },
  { id: 'en-female', path: 'eval/en-female.mp3', note: 'espeak-ng en-us+f3 female, 150 wpm' },
  { id: 'en-fast', path: 'eval/en-fast.mp3', note: 'espeak-ng en-us male, 210 wpm' },
  { id: 'en-slow', path: 'eval/en-slow.mp3', note: 'espeak-ng en-us male, 110 wpm' },
  { id: 'it-male', path: 'speech-it.mp3', note: 'espeak-ng it male, 140 wpm' },
  { id: 'it-female', path: 'eval/it-female.mp3', note: 'espeak-ng it+f2 female, 170 wpm, many m/b/p' },
  { id: 'real-short', path: 'speech-short.wav', note: 'human recording "Front center", 1.4 s' },
  { id: 'long-pauses', path: 'speech-long-pauses.mp3', note: 'espeak-ng en-us, 1.2 s and 1.5 s pauses' },
  { id: 'bilabials', path: 'bilabials.wav', note: 'ma pa ba la mi po ka bu fa va ta, 250 ms apart', timingsPath: 'bilabials.json' },
  { id: 'labials-dense', path: 'eval/labials-dense.flac', note: '15 m/b/p/f/v syllables, 80 ms apart', timingsPath: 'eval/labials-dense.json' },
];

export const VIDEO_SOURCES: VideoSource[] = [
  {
    id: 'zoom-hopper', note: 'Hopper portrait, 8.4 s slow zoom-in (×1.1) and pan, mouth still',
    recipe: { kind: 'zoom-pan', portrait: 'portrait-hopper.jpg', seconds: 8.4 },
  },
  {
    // 5.6 s: shorter than en-male and bilabials, so those rows also run through bounce's backward half.
    id: 'talking-tilted', note: 'the tilted man speaking it-male (engine image mode), mouth moving',
    recipe: { kind: 'talking', portrait: 'portrait-3.jpg', clip: 'speech-it.mp3' },
  },
];

export const MULTI_SCENES: MultiScene[] = [
  {
    id: 'two-faces', path: 'two-faces.jpg', note: 'Hopper left, astronaut right, both voices at once',
    order: 'meanwhile', clips: ['en-male', 'it-female'], faces: 'one-per-half',
  },
];

/** The default matrix leaves the open-mouth portrait out (select it with --portrait). */
const DEFAULT_PORTRAITS = ['astronaut', 'hopper', 'tilted'];
/** Video rows: a plain sentence with a pause, the bilabial syllables (M4), long pauses (M3). */
const VIDEO_CLIPS = ['en-male', 'bilabials', 'long-pauses'];
const QUICK = {
  portraits: ['astronaut'], clips: ['en-male', 'long-pauses', 'bilabials'],
  sources: ['zoom-hopper'], videoClips: ['bilabials'],
};

export interface MatrixSelection {
  quick?: boolean;
  /** Modes to run; all when empty. */
  modes?: string[];
  /** Portrait ids (exact); all of the default matrix when empty. Selecting portraits only selects image rows. */
  portraits?: string[];
  /** Video source ids; selecting sources only selects video rows. */
  sources?: string[];
  /** Clip ids, for image and video rows (multi scenes bring their own clips). */
  clips?: string[];
}

export function fixturePath(relative: string): string {
  return FIXTURES + relative;
}

interface SyllableTimings { syllables: Array<{ place: string; consonantTime?: number }> }

async function onsets(clip: Clip): Promise<{ bilabialOnsets: number[]; labiodentalOnsets: number[] }> {
  if (!clip.timingsPath) return { bilabialOnsets: [], labiodentalOnsets: [] };
  const timings = JSON.parse(await readFile(fixturePath(clip.timingsPath), 'utf8')) as SyllableTimings;
  const at = (place: string): number[] =>
    timings.syllables.filter((s) => s.place === place && typeof s.consonantTime === 'number').map((s) => s.consonantTime!);
  return { bilabialOnsets: at('bilabial'), labiodentalOnsets: at('labiodental') };
}

async function clipCase(clip: Clip): Promise<CaseBase> {
  return { clip: { ...clip, path: fixturePath(clip.path) }, ...(await onsets(clip)) };
}

function pick<T extends { id: string }>(all: readonly T[], wanted: readonly string[], kind: string): T[] {
  const unknown = wanted.filter((id) => !all.some((x) => x.id === id));
  if (unknown.length) throw new Error(`unknown ${kind} ${unknown.join(', ')}; known: ${all.map((x) => x.id).join(', ')}`);
  return all.filter((x) => wanted.includes(x.id));
}

/** Which modes a selection asks for: named ones, else those its --portrait/--source imply, else all. */
function selectedModes(selection: MatrixSelection): EvalMode[] {
  if (selection.modes?.length) {
    const unknown = selection.modes.filter((m) => !MODES.includes(m as EvalMode));
    if (unknown.length) throw new Error(`unknown mode ${unknown.join(', ')}; known: ${MODES.join(', ')}`);
    return MODES.filter((m) => selection.modes!.includes(m));
  }
  const implied: EvalMode[] = [];
  if (selection.portraits?.length) implied.push('image');
  if (selection.sources?.length) implied.push('video');
  return implied.length ? implied : [...MODES];
}

/** The cases to run: image rows portrait-major, then video rows source-major, then multi scenes. */
export async function selectCases(selection: MatrixSelection = {}): Promise<EvalCase[]> {
  const modes = selectedModes(selection);
  const cases: EvalCase[] = [];
  if (modes.includes('image')) {
    const portraitIds = selection.portraits?.length ? selection.portraits : selection.quick ? QUICK.portraits : DEFAULT_PORTRAITS;
    const clipIds = selection.clips?.length ? selection.clips : selection.quick ? QUICK.clips : CLIPS.map((c) => c.id);
    const clips = pick(CLIPS, clipIds, 'clip');
    for (const portrait of pick(PORTRAITS, portraitIds, 'portrait')) {
      for (const clip of clips) cases.push({ mode: 'image', portrait: { ...portrait, path: fixturePath(portrait.path) }, ...(await clipCase(clip)) });
    }
  }
  if (modes.includes('video')) {
    const sourceIds = selection.sources?.length ? selection.sources : selection.quick ? QUICK.sources : VIDEO_SOURCES.map((s) => s.id);
    const clipIds = selection.clips?.length ? selection.clips : selection.quick ? QUICK.videoClips : VIDEO_CLIPS;
    const clips = pick(CLIPS, clipIds, 'clip');
    for (const source of pick(VIDEO_SOURCES, sourceIds, 'video source')) {
      for (const clip of clips) cases.push({ mode: 'video', source, ...(await clipCase(clip)) });
    }
  }
  // The multi render takes as long as three image rows: left out of --quick; with --clip, a scene
  // runs when both its clips are selected.
  if (modes.includes('multi') && !selection.quick) {
    const wanted = (scene: MultiScene): boolean => !selection.clips?.length || scene.clips.every((id) => selection.clips!.includes(id));
    for (const scene of MULTI_SCENES.filter(wanted)) {
      const [left, right] = await Promise.all(scene.clips.map((id) => clipCase(pick(CLIPS, [id], 'clip')[0])));
      cases.push({
        mode: 'multi', scene: { ...scene, path: fixturePath(scene.path) },
        faces: [{ side: 'left', ...left }, { side: 'right', ...right }],
      });
    }
  }
  return cases;
}

/** How a case is named in the table, file names and logs. */
export function caseName(c: EvalCase): string {
  switch (c.mode) {
    case 'image': return `${c.portrait.id}__${c.clip.id}`;
    case 'video': return `video-${c.source.id}__${c.clip.id}`;
    case 'multi': return `multi-${c.scene.id}__${c.faces[0].clip.id}+${c.faces[1].clip.id}`;
  }
}
