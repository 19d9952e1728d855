// The worker side of analysis-thread.ts: analyses each clip it is sent and posts the result back.
import { parentPort } from 'node:worker_threads';
import { analyseSpeech } from './index.js';

interface AnalysisRequest {
  id: number;
  samples: Float32Array;
  sampleRate: number;
}

parentPort!.on('message', ({ id, samples, sampleRate }: AnalysisRequest) => {
  try {
    parentPort!.postMessage({ id, analysis: analyseSpeech(samples, sampleRate) });
  } catch (error) {
    const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
    parentPort!.postMessage({ id, error: { name, message } });
  }
});
