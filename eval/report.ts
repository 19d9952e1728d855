// Pass/fail against the issue's targets, the printed table and the machine-readable results.
import type { EvalMode } from './matrix.js';
import type { ClipMetrics } from './measure-video.js';
import type { VideoFidelity } from './video-fidelity.js';

export const TARGETS = {
  /** M2 within [−80 ms, +20 ms] (negative = mouth leads). */
  m2Ms: { min: -80, max: 20 },
  /** M1 r at least this much above the null's 95th percentile. */
  m1AboveNull: 0.2,
  m3Min: 0.9,
  m4Min: 0.9,
  m6Max: 0.15,
  /** Video modes only. */
  m7MinDb: 40,
  m8Min: 0.8,
} as const;

export type MetricName = 'M1' | 'M2' | 'M3' | 'M4' | 'M6' | 'M7' | 'M8';
const METRIC_NAMES: MetricName[] = ['M1', 'M2', 'M3', 'M4', 'M6', 'M7', 'M8'];
/** true = pass, false = fail, null = not applicable to this clip (e.g. no silence ≥ 300 ms). */
export type Verdicts = Record<MetricName, boolean | null>;

export interface CaseResult {
  mode: EvalMode;
  /** Who speaks: the portrait id, the video source id, or the scene id and the face's side. */
  subject: string;
  clip: string;
  video: string;
  contactSheet: string;
  durationSeconds: number;
  frames: number;
  framesWithoutFace: number;
  /** Frames on which the (slow) face detector ran; the rest were tracked. */
  detections: number;
  renderSeconds: number;
  measureSeconds: number;
  renderCached: boolean;
  /** Seconds of engine compute per second of video. */
  computePerVideoSecond: number;
  metrics: ClipMetrics;
  /** M7/M8 against the source video (video rows only). */
  fidelity: VideoFidelity | null;
  verdicts: Verdicts;
}

function known(value: number): boolean {
  return Number.isFinite(value);
}

export function judge(m: ClipMetrics, fidelity: VideoFidelity | null = null): Verdicts {
  return {
    M1: known(m.m1.r) && known(m.m1.nullP95) ? m.m1.r >= m.m1.nullP95 + TARGETS.m1AboveNull : null,
    // No lag with positive r means the mouth does not follow the audio at all: a fail, not n/a.
    M2: known(m.m2.ms) ? m.m2.ms >= TARGETS.m2Ms.min && m.m2.ms <= TARGETS.m2Ms.max : false,
    M3: known(m.m3.share) ? m.m3.share >= TARGETS.m3Min : null,
    M4: m.m4 && known(m.m4.share) ? m.m4.share >= TARGETS.m4Min : null,
    M6: known(m.m6) ? m.m6 <= TARGETS.m6Max : null,
    // Infinity (nothing outside the mouth changed at all) passes; NaN (nothing compared) fails.
    M7: fidelity ? fidelity.m7Db >= TARGETS.m7MinDb : null,
    M8: fidelity ? fidelity.m8 >= TARGETS.m8Min : null,
  };
}

function mark(verdict: boolean | null): string {
  return verdict === null ? ' ' : verdict ? '✓' : '✗';
}

function num(value: number, digits: number, width: number): string {
  return (known(value) ? value.toFixed(digits) : value === Number.POSITIVE_INFINITY ? '∞' : 'n/a').padStart(width);
}

const COLUMNS = [
  ['case', 34], ['dur s', 5], ['M1 r', 6], ['null95', 6], ['', 1], ['M2 ms', 6], ['', 1],
  ['M3', 5], ['', 1], ['M4', 5], ['', 1], ['M6', 5], ['', 1],
  ['M7 dB', 5], ['', 1], ['floor', 5], ['M8', 5], ['', 1], ['floor', 5], ['cmp/s', 5], ['all', 4],
] as const;
const CASE_WIDTH = COLUMNS[0][1];

/** The row's name: `astronaut × en-male`, `video zoom-hopper × en-male`, `multi two-faces/left × en-male`. */
export function rowLabel(r: Pick<CaseResult, 'mode' | 'subject' | 'clip'>): string {
  return `${r.mode === 'image' ? '' : `${r.mode} `}${r.subject} × ${r.clip}`;
}

export function formatTable(results: CaseResult[]): string {
  const header = COLUMNS.map(([name, width]) => name.padStart(width)).join(' ');
  const lines = [header, '-'.repeat(header.length)];
  for (const r of results) {
    const { m1, m2, m3, m4, m6 } = r.metrics;
    const v = r.verdicts;
    const all = Object.values(v).every((x) => x !== false);
    const f = r.fidelity;
    lines.push([
      rowLabel(r).padEnd(CASE_WIDTH).slice(0, CASE_WIDTH),
      num(r.durationSeconds, 1, 5),
      num(m1.r, 2, 6), num(m1.nullP95, 2, 6), mark(v.M1),
      num(m2.ms, 0, 6), mark(v.M2),
      num(m3.share, 2, 5), mark(v.M3),
      m4 ? num(m4.share, 2, 5) : '   - ', mark(v.M4),
      num(m6, 2, 5), mark(v.M6),
      f ? num(f.m7Db, 1, 5) : '    -', mark(v.M7), f ? num(f.m7FloorDb, 1, 5) : '    -',
      f ? num(f.m8, 2, 5) : '    -', mark(v.M8), f ? num(f.m8Floor, 2, 5) : '    -',
      num(r.computePerVideoSecond, 2, 5),
      (all ? 'ok' : 'FAIL').padStart(4),
    ].join(' '));
  }
  return lines.join('\n');
}

export function formatSummary(results: CaseResult[], wallSeconds: number): string {
  const perMetric = METRIC_NAMES.map((name) => {
    const applicable = results.filter((r) => r.verdicts[name] !== null);
    return `${name} ${applicable.filter((r) => r.verdicts[name]).length}/${applicable.length}`;
  });
  const passing = results.filter((r) => Object.values(r.verdicts).every((x) => x !== false)).length;
  return `${passing}/${results.length} cases pass every target · ${perMetric.join(' · ')} · ` +
    `targets: M1 ≥ null95+${TARGETS.m1AboveNull}, M2 in [${TARGETS.m2Ms.min}, +${TARGETS.m2Ms.max}] ms, ` +
    `M3 ≥ ${TARGETS.m3Min}, M4 ≥ ${TARGETS.m4Min}, M6 ≤ ${TARGETS.m6Max}, M7 ≥ ${TARGETS.m7MinDb} dB, M8 ≥ ${TARGETS.m8Min} ` +
    `(floor = the source through the engine's encoder, nothing changed) · ${wallSeconds.toFixed(0)} s`;
}

/** results.json: everything, with typed arrays and non-finite numbers made JSON-safe. */
export function resultsJson(results: CaseResult[], meta: Record<string, unknown>): string {
  return JSON.stringify({ ...meta, targets: TARGETS, cases: results }, (_key, value: unknown) => {
    if (typeof value === 'number' && !Number.isFinite(value)) return null;
    if (ArrayBuffer.isView(value)) return Array.from(value as Float32Array);
    return value;
  }, 2);
}
