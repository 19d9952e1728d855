// Loads @vladmandic/face-api (68-point landmarks) on the tfjs WebAssembly backend, with weights and
// wasm read from the npm packages on disk. It is the harness's *independent* detector: the engine
// uses Human's 468-point mesh, so measuring with face-api does not grade the engine by its own eyes.
// Three package quirks are handled here and nowhere else:
// - the node-wasm build does `require('@tensorflow/tfjs')`, the umbrella package, which is not
//   installed; it gets tfjs-core + tfjs-converter instead (the parts face-api calls), so the
//   process keeps one tfjs-core shared with the engine rather than a second copy;
// - face-api calls chained tensor methods (`t.as3D()`), which only the umbrella package registers;
// - the wasm backend loads its .wasm through `fetch`, which in Node cannot read file:// URLs.
import { installFileFetch } from '../src/engine/face/human-runtime.js';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';

const require = createRequire(import.meta.url);

export interface FaceApiPoint { x: number; y: number }
export interface FaceApiBox { x: number; y: number; width: number; height: number }
export interface FaceApiTensor { dispose(): void }

/** The parts of face-api and tfjs-core the harness calls (face-api's bundled .d.ts drags in DOM types). */
export interface FaceApi {
  /** Faces found by SSD MobileNet v1, best first. */
  detectFaces(image: RgbImage, minConfidence: number): Promise<Array<{ box: FaceApiBox; score: number }>>;
  /** 68 landmarks (iBUG 300-W order) of the face inside `crop`, in the crop's pixel coordinates. */
  landmarks68(crop: RgbImage): Promise<FaceApiPoint[]>;
}

/** Packed RGB, 3 bytes per pixel. */
export interface RgbImage { data: Uint8Array; width: number; height: number }

interface TfCore {
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  getBackend(): string;
  tensor3d(values: Int32Array, shape: [number, number, number], dtype: 'int32'): FaceApiTensor;
}

interface FaceApiModule {
  nets: {
    ssdMobilenetv1: { loadFromDisk(dir: string): Promise<void> };
    faceLandmark68Net: {
      loadFromDisk(dir: string): Promise<void>;
      detectLandmarks(input: FaceApiTensor): Promise<{ positions: FaceApiPoint[] }>;
    };
  };
  SsdMobilenetv1Options: new (opts: { minConfidence: number; maxResults: number }) => unknown;
  detectAllFaces(input: FaceApiTensor, options: unknown): Promise<Array<{ box: FaceApiBox; score: number }>>;
}

const faceApiRoot = join(dirname(require.resolve('@vladmandic/face-api/package.json')));
const wasmDist = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '..', 'dist');

/** Evaluates face-api's CommonJS node-wasm build with a `require` that maps the umbrella tfjs package. */
function loadFaceApiModule(): FaceApiModule {
  const tfjsUmbrella = { ...require('@tensorflow/tfjs-core'), ...require('@tensorflow/tfjs-converter') };
  const file = join(faceApiRoot, 'dist', 'face-api.node-wasm.js');
  const factory = vm.compileFunction(readFileSync(file, 'utf8'), ['exports', 'require', 'module', '__filename', '__dirname'], { filename: file });
  const module = { exports: {} as FaceApiModule };
  const requireWithTfjs = (id: string): unknown => (id === '@tensorflow/tfjs' ? tfjsUmbrella : require(id));
  factory(module.exports, requireWithTfjs, module, file, dirname(file));
  return module.exports;
}

function toTensor(tf: TfCore, image: RgbImage): FaceApiTensor {
  const values = new Int32Array(image.data.length);
  for (let i = 0; i < values.length; i++) values[i] = image.data[i];
  return tf.tensor3d(values, [image.height, image.width, 3], 'int32');
}

async function createFaceApi(): Promise<FaceApi> {
  installFileFetch();
  const tf = require('@tensorflow/tfjs-core') as TfCore;
  require('@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops');
  const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(prefix: string): void };
  // The engine's Human may have brought the backend up already (same tfjs-core); setting the
  // same path again is harmless, and setBackend is then a no-op switch.
  if (tf.getBackend() !== 'wasm') {
    wasm.setWasmPaths(pathToFileURL(wasmDist).href + '/');
    if (!(await tf.setBackend('wasm'))) throw new Error('face-api: the tfjs wasm backend did not start');
  }
  await tf.ready();
  const faceapi = loadFaceApiModule();
  const models = join(faceApiRoot, 'model');
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(models);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(models);
  return {
    async detectFaces(image, minConfidence) {
      const tensor = toTensor(tf, image);
      try {
        const found = await faceapi.detectAllFaces(tensor, new faceapi.SsdMobilenetv1Options({ minConfidence, maxResults: 4 }));
        return found
          .map((d) => ({ box: { x: d.box.x, y: d.box.y, width: d.box.width, height: d.box.height }, score: d.score }))
          .sort((a, b) => b.score - a.score);
      } finally {
        tensor.dispose();
      }
    },
    async landmarks68(crop) {
      const tensor = toTensor(tf, crop);
      try {
        const result = await faceapi.nets.faceLandmark68Net.detectLandmarks(tensor);
        return result.positions.map((p) => ({ x: p.x, y: p.y }));
      } finally {
        tensor.dispose();
      }
    },
  };
}

let loading: Promise<FaceApi> | null = null;

/** The process-wide face-api, models loaded (≈ 0.7 s the first time). */
export function faceApi(): Promise<FaceApi> {
  if (!loading) {
    loading = createFaceApi();
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}
