// The OpenAPI 3.1 document, generated from the same TypeBox schemas that validate requests, at
// /api/v1/openapi.json, and a reference page at /docs. Swagger UI's assets come from the npm
// package and a Content-Security-Policy of 'self' keeps the page from loading anything else.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { ErrorSchema } from './schemas.js';

const DESCRIPTION = `
Self-hosted lipsync API: a portrait (or video) and a voice track become an MP4 of the face speaking.

**Authentication.** Every \`/api/v1\` call sends \`Authorization: Bearer sk_<keyId>_<secret>\`.

**Jobs.** The three POSTs answer \`{"id", "status": "processing"}\` at once; poll \`GET /api/v1/jobs/{id}\`
(or receive the job object at your \`webhook\`). \`status\` is \`processing\`, \`completed\` or \`failed\`
(\`canceled\` only for jobs you canceled).

**Errors.** Every non-2xx answer has the same body:
\`{"error": {"code": "invalid_request", "message": "formState.audio is required", "field": "formState.audio"}}\`.

**Credits.** API calls spend API credits: 2 per second of output at 480p, 4 at 720p, at least 5 s, seconds
rounded up. The exact cost is held when the inputs are measured, charged on completion, released on failure
or cancel. A submit answers 402 when the balance is below the minimum charge.

**Extensions** beyond the hosted contract: \`formState.sync_mode\` and \`formState.on_no_face\` (lipsync-video),
the job fields \`progress\`, \`stage\`, \`createdAt\`, \`completedAt\`, \`seed\`, \`input\`, \`credits\`,
\`outputDeleted\`, the \`Idempotency-Key\` header, \`GET /api/v1/jobs\`, cancel, delete, estimate and account.
`.trim();

const TAGS = [
  { name: 'lipsync', description: 'Submit jobs' },
  { name: 'jobs', description: 'Read, list, cancel and purge jobs' },
  { name: 'billing', description: 'Credits and estimates' },
  { name: 'webhooks', description: 'Signed webhook deliveries (Standard Webhooks): attempts, replays, the signing secret' },
  { name: 'outputs', description: 'Finished videos' },
  { name: 'uploads', description: 'Media files uploaded from a computer, usable as formState URLs' },
  { name: 'operations', description: 'Health' },
];

/** The reference page's top-bar logo: our name, inline, instead of the plugin's own logo. */
const LOGO_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="260" height="40" viewBox="0 0 260 40">' +
  '<text x="0" y="29" font-family="sans-serif" font-size="26" font-weight="700" fill="#fff">Mouthpiece API</text></svg>';

/** Content-Security-Policy of /docs: only this server's own scripts, styles and images. */
const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'self'";

export const openApiDocs = fp<{ publicUrl: string }>(
  async (app: FastifyInstance, { publicUrl }) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: { title: 'Mouthpiece API', version: '1', description: DESCRIPTION },
        servers: [{ url: publicUrl }],
        tags: TAGS,
        components: {
          securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'sk_<keyId>_<secret>' } },
          schemas: { Error: ErrorSchema as unknown as Record<string, unknown> },
        },
      },
      transform: ({ schema, url }) => ({ schema: documented(url, (schema ?? {}) as Record<string, unknown>), url }),
    });
    await app.register(swaggerUi, {
      routePrefix: '/docs',
      staticCSP: DOCS_CSP,
      theme: { title: 'Mouthpiece API reference' },
      logo: { type: 'image/svg+xml', content: Buffer.from(LOGO_SVG), href: '/docs', target: '_self' },
      uiConfig: { deepLinking: true, defaultModelsExpandDepth: 0 },
    });
    app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'openapi-docs' },
);

/** Adds what route files leave out: the key requirement of /api/v1 and the two key-less routes. */
function documented(url: string, schema: Record<string, unknown>): Record<string, unknown> {
  if (url.startsWith('/api/v1/')) return { ...schema, security: [{ apiKey: [] }] };
  if (url.startsWith('/outputs/')) {
    return {
      ...schema,
      summary: 'Download an output',
      description: 'The URL in a completed job’s `output`. Its random token is the access check: no key needed. Supports Range.',
      tags: ['outputs'],
    };
  }
  if (url.startsWith('/uploads/')) {
    return {
      ...schema,
      summary: 'Download an upload',
      description: 'The URL POST /api/v1/uploads answered. Its random token is the access check: no key needed. Supports Range.',
      tags: ['uploads'],
    };
  }
  if (url === '/healthz') return { ...schema, summary: 'Readiness: 200 when jobs can be taken, 503 otherwise', tags: ['operations'] };
  // The dashboard's pages, its static files and the reference page itself are not API.
  return { ...schema, hide: true };
}
