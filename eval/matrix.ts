// The eval matrix: which portraits speak which clips. Files live in test/fixtures (see its
// README.md; the eval-only clips are in test/fixtures/eval, made by eval/make-fixtures.sh).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/', import.meta.url));

export interface Portrait { id: string; path: string; note: string }

export interface Clip {
  id: string;
  path: string;
  note: string;
  /** JSON with `syllables[].place` / `consonantTime` (known m/b/p/f/v onsets), for M4. */
  timingsPath?: string;
}

export interface EvalCase { portrait: Portrait; clip: Clip; bilabialOnsets: number[]; labiodentalOnsets: number[] }

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

/** The default matrix leaves the open-mouth portrait out (select it with --portrait). */
const DEFAULT_PORTRAITS = ['astronaut', 'hopper', 'tilted'];
const QUICK = { portraits: ['astronaut'], clips: ['en-male', 'long-pauses', 'bilabials'] };

export interface MatrixSelection {
  quick?: boolean;
  /** Portrait ids (exact); all of the default matrix when empty. */
  portraits?: string[];
  clips?: string[];
}

export function fixturePath(relative: string): string {
  return FIXTURES + relative;
}

interface SyllableTimings { syllables: Array<{ place: string; consonantTime?: number }> }

async function onsets(clip: Clip): Promise<{ bilabial: number[]; labiodental: number[] }> {
  if (!clip.timingsPath) return { bilabial: [], labiodental: [] };
  const timings = JSON.parse(await readFile(fixturePath(clip.timingsPath), 'utf8')) as SyllableTimings;
  const at = (place: string): number[] =>
    timings.syllables.filter((s) => s.place === place && typeof s.consonantTime === 'number').map((s) => s.consonantTime!);
  return { bilabial: at('bilabial'), labiodental: at('labiodental') };
}

function pick<T extends { id: string }>(all: T[], wanted: string[], kind: string): T[] {
  const unknown = wanted.filter((id) => !all.some((x) => x.id === id));
  if (unknown.length) throw new Error(`unknown ${kind} ${unknown.join(', ')}; known: ${all.map((x) => x.id).join(', ')}`);
  return all.filter((x) => wanted.includes(x.id));
}

/** The cases to run, portrait-major (so one face's clips sit together in the table). */
export async function selectCases(selection: MatrixSelection = {}): Promise<EvalCase[]> {
  const portraitIds = selection.portraits?.length ? selection.portraits : selection.quick ? QUICK.portraits : DEFAULT_PORTRAITS;
  const clipIds = selection.clips?.length ? selection.clips : selection.quick ? QUICK.clips : CLIPS.map((c) => c.id);
  const portraits = pick(PORTRAITS, portraitIds, 'portrait');
  const clips = pick(CLIPS, clipIds, 'clip');
  const cases: EvalCase[] = [];
  for (const portrait of portraits) {
    for (const clip of clips) {
      const { bilabial, labiodental } = await onsets(clip);
      cases.push({
        portrait: { ...portrait, path: fixturePath(portrait.path) },
        clip: { ...clip, path: fixturePath(clip.path) },
        bilabialOnsets: bilabial,
        labiodentalOnsets: labiodental,
      });
    }
  }
  return cases;
}
