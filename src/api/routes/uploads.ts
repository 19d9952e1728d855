// POST /api/v1/uploads: a media file from the client's computer becomes a URL usable in any
// formState (the playground uses it; API clients may too). GET /uploads/<token> serves it back:
// like outputs, the unguessable token in the URL is the access check.
import { mkdir } from 'node:fs/promises';
import { extname } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import { Type } from 'typebox';
import { mediaTypeForExtension } from '../../jobs/uploads-media-type.js';
import {
  UnsupportedUploadError,
  UploadTooLargeError,
  uploadUrl,
  type UploadStore,
} from '../../jobs/uploads.js';
import { ApiError, invalidRequest, notFound } from '../errors.js';
import { errorResponses } from '../schemas.js';

export interface UploadRoutesOptions {
  store: UploadStore;
  /** config.publicUrl: uploads answer absolute URLs under it. */
  publicUrl: string;
  /** Largest accepted file; default 200 MB. */
  maxBytes?: number;
}

export interface UploadFileRoutesOptions {
  store: UploadStore;
}

const DEFAULT_MAX_BYTES = 200 * 1024 * 1024;
/** Multipart boundaries and part headers around the file; a request larger than this beyond the limit is refused unread. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;
const FILE_FIELD = 'file';

export const UploadResponse = Type.Object({
  id: Type.String({ description: 'The upload token (also the last segment of url).' }),
  url: Type.String({ description: 'Absolute URL of the file; use it as a formState media URL until it expires.' }),
  contentType: Type.String({ description: 'The media type found in the file (not the one the client sent).' }),
  size: Type.Integer({ description: 'Bytes stored.' }),
  expiresAt: Type.String({ format: 'date-time', description: 'When the file is deleted.' }),
});

const tooLarge = (maxBytes: number) => new ApiError(413, 'payload_too_large', new UploadTooLargeError(maxBytes).message, FILE_FIELD);
const unsupported = (message: string) => new ApiError(415, 'unsupported_media_type', message, FILE_FIELD);

export async function uploadRoutes(app: FastifyInstance, options: UploadRoutesOptions): Promise<void> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  await app.register(fastifyMultipart, {
    // One byte over the limit reaches the store, which then refuses the upload; at exactly the
    // limit busboy would silently truncate instead.
    limits: { fileSize: maxBytes + 1, files: 1, fields: 20, parts: 21 },
    throwFileSizeLimit: false,
  });
  // Any other body type reaches the handler unread, which answers 415 naming `file` (instead
  // of the JSON-only message the rest of the API gives).
  app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));

  app.post(
    '/uploads',
    {
      schema: {
        summary: 'Upload a media file',
        description:
          'Extension. multipart/form-data with one file field named `file`: an image (JPEG, PNG, WebP, GIF), audio ' +
          '(WAV, MP3, AAC, FLAC, OGG, M4A) or video (MP4, MOV, WebM, MKV), recognised from its bytes. Answers a URL ' +
          'to use in formState; the file is deleted at expiresAt.',
        tags: ['uploads'],
        consumes: ['multipart/form-data'],
        response: { 201: UploadResponse, ...errorResponses(400, 401, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const declaredLength = Number(request.headers['content-length'] ?? NaN);
      if (declaredLength > maxBytes + MULTIPART_OVERHEAD_BYTES) throw tooLarge(maxBytes);
      if (!request.isMultipart()) throw unsupported('Send the file as multipart/form-data in a field named "file"');

      const part = await request.file();
      if (!part) throw invalidRequest('The request has no file: send it in a multipart field named "file"', FILE_FIELD);
      if (part.fieldname !== FILE_FIELD) {
        part.file.resume();
        throw invalidRequest(`The file must be sent in the field "file", not "${part.fieldname}"`, FILE_FIELD);
      }
      // A client that hangs up mid-upload stops the write (the partial file is removed).
      const controller = new AbortController();
      reply.raw.once('close', () => controller.abort());
      try {
        const upload = await options.store.save(part.file, {
          accountId: request.caller.accountId,
          originalName: part.filename,
          maxBytes,
          signal: controller.signal,
        });
        request.log.info({ upload: upload.token, contentType: upload.contentType, size: upload.size }, 'upload stored');
        return reply.code(201).send({
          id: upload.token,
          url: uploadUrl(options.publicUrl, upload.token),
          contentType: upload.contentType,
          size: upload.size,
          expiresAt: new Date(upload.expiresAt).toISOString(),
        });
      } catch (error) {
        if (error instanceof UploadTooLargeError) throw tooLarge(maxBytes);
        if (error instanceof UnsupportedUploadError) throw unsupported(error.message);
        throw error;
      }
    },
  );
}

export async function uploadFileRoutes(app: FastifyInstance, options: UploadFileRoutesOptions): Promise<void> {
  await mkdir(options.store.dir, { recursive: true });
  await app.register(fastifyStatic, {
    root: options.store.dir,
    serve: false,
    cacheControl: false,
    setHeaders: (reply, path) => {
      // The stored extension came from sniffing, so it names the real type.
      const type = mediaTypeForExtension(extname(path));
      if (type) reply.header('Content-Type', type.contentType);
      // Bytes from strangers on our origin: never let a browser run them as a page.
      reply.header('X-Content-Type-Options', 'nosniff');
      reply.header('Content-Security-Policy', "default-src 'none'; sandbox");
      reply.header('Cache-Control', 'private, max-age=3600');
    },
  });
  app.get<{ Params: { token: string } }>(
    '/uploads/:token',
    {
      schema: {
        summary: 'Download an upload',
        description: 'The `url` an upload answered. Its random token is the access check: no key needed. Supports Range.',
        tags: ['uploads'],
      },
    },
    async (request, reply) => {
      const upload = await options.store.find(request.params.token);
      if (!upload) throw notFound('No such upload (it may have expired)');
      return reply.sendFile(upload.token);
    },
  );
}
