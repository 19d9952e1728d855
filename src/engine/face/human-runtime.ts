// Loads @vladmandic/human on the tfjs WebAssembly backend, with models and wasm read from the npm
// packages on disk. Two package quirks are handled here and nowhere else:
// - its `exports` map does not expose the node-wasm build, so it is required by file path;
// - it loads models and wasm through `fetch`, which in Node cannot read file:// URLs, so file://
//   requests are answered from disk (all other URLs pass through untouched).
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

// Minimal view of the parts of Human this engine uses (its bundled .d.ts drags in DOM types).
export interface HumanPoint extends Array<number> {}
export interface HumanFace {
  score: number;
  boxScore: number;
  faceScore: number;
  box: [number, number, number, number];
  mesh: HumanPoint[];
  rotation?: { angle: { roll: number; yaw: number; pitch: number } } | null;
}
export interface HumanTensor { dispose(): void }
/** The per-call knobs of Human's config that decide whether it reuses the previous frame's face boxes. */
export interface HumanCacheConfig {
  cacheSensitivity: number;
  face: { detector: { skipFrames: number; skipTime: number } };
}
export interface HumanInstance {
  config: HumanCacheConfig;
  load(): Promise<void>;
  detect(input: HumanTensor): Promise<{ face: HumanFace[]; error?: string | null }>;
  faceTriangulation: number[];
  tf: { tensor3d(values: Int32Array, shape: [number, number, number], dtype: 'int32'): HumanTensor };
}

const humanRoot = resolve(dirname(require.resolve('@vladmandic/human')), '..');
const wasmDist = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '..');

/** Answers file:// fetches from disk (model and wasm files); every other URL goes to the real fetch. Idempotent. */
export function installFileFetch(): void {
  const marker = Symbol.for('mouthpiece.fileFetch');
  const g = globalThis as typeof globalThis & { [k: symbol]: boolean };
  if (g[marker]) return;
  const networkFetch = globalThis.fetch;
  globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith('file://')) return networkFetch(input, init);
    const body = await readFile(fileURLToPath(url));
    const type = url.endsWith('.json') ? 'application/json' : url.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream';
    return new Response(body, { status: 200, headers: { 'content-type': type } });
  }) as typeof fetch;
  g[marker] = true;
}

function humanConfig(maxFaces: number) {
  return {
    backend: 'wasm',
    wasmPath: pathToFileURL(wasmDist + '/dist/').href,
    modelBasePath: pathToFileURL(join(humanRoot, 'models') + '/').href,
    debug: false,
    async: false,
    cacheModels: false,
    warmup: 'none',
    filter: { enabled: false },
    face: {
      enabled: true,
      detector: { rotation: true, maxDetected: maxFaces, minConfidence: 0.3, return: false, skipFrames: 0, skipTime: 0 },
      mesh: { enabled: true },
      iris: { enabled: false },
      attention: { enabled: false },
      emotion: { enabled: false },
      description: { enabled: false },
      antispoof: { enabled: false },
      liveness: { enabled: false },
    },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
  };
}

let loading: Promise<HumanInstance> | null = null;

/** The process-wide Human instance, models loaded (≈ 0.4 s the first time). */
export function humanInstance(): Promise<HumanInstance> {
  if (!loading) {
    loading = (async () => {
      installFileFetch();
      const { Human } = require(join(humanRoot, 'dist/human.node-wasm.js')) as {
        Human: new (config: unknown) => HumanInstance;
      };
      const human = new Human(humanConfig(8));
      await human.load();
      return human;
    })();
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}
