// GET /outputs/<jobId>-<token>.mp4: finished videos. The random token in the name is the access
// check (like a pre-signed URL), so this route needs no API key and can be handed to players.
// @fastify/static does Range (206), HEAD, ETag and Last-Modified.
import { mkdir } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { OUTPUT_FILE_PATTERN } from '../../jobs/index.js';
import { notFound } from '../errors.js';

export interface OutputRoutesOptions {
  outputsDir: string;
}

const OUTPUT_FILE = new RegExp(OUTPUT_FILE_PATTERN);

export async function outputRoutes(app: FastifyInstance, options: OutputRoutesOptions): Promise<void> {
  await mkdir(options.outputsDir, { recursive: true });
  await app.register(fastifyStatic, {
    root: options.outputsDir,
    serve: false,
    cacheControl: false,
    // A finished output never changes; keep it out of shared caches since its URL is the secret.
    setHeaders: (reply) => {
      reply.header('Cache-Control', 'private, max-age=86400, immutable');
    },
  });
  app.get<{ Params: { file: string } }>('/outputs/:file', async (request, reply) => {
    const { file } = request.params;
    // Only names we generate; this also rules out any path tricks before the filesystem is asked.
    if (!OUTPUT_FILE.test(file)) throw notFound('No such output');
    return reply.sendFile(file);
  });
}
