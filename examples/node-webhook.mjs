// Using the lipsync API from Node, the two usual ways:
//
//   1. Webhook (default): an Express app receives the finished job at POST /webhooks/lipsync, and
//      a submit function sends the job with `webhook` pointing there. No polling.
//   2. Polling (`--poll`): submit without `webhook`, then GET /jobs/{id} every 5 s until done.
//
// Plain `fetch` and a Bearer key, nothing Mouthpiece-specific: the same code works against any
// server with this API; only BASE_URL and API_KEY change.
//
//   BASE_URL=https://lipsync.example.com/api/v1 API_KEY=sk_… \
//   WEBHOOK_URL=https://your-app.example.com/webhooks/lipsync \
//   IMAGE_URL=https://…/face.jpg AUDIO_URL=https://…/voice.mp3 node examples/node-webhook.mjs
//
// Optional: WEBHOOK_SECRET=whsec_… (from GET /api/v1/account) makes the receiver check each
// webhook's signature (Standard Webhooks) and answer 401 to anything not signed with it.
import { createHmac, timingSafeEqual } from 'node:crypto';
import express from 'express';

const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:8080/api/v1';
const API_KEY = process.env.API_KEY ?? 'sk_your_key_here';
const PORT = Number(process.env.PORT ?? 3000);
// Where the API can reach this app: in production a public HTTPS URL (a tunnel while developing).
const WEBHOOK_URL = process.env.WEBHOOK_URL ?? `http://localhost:${PORT}/webhooks/lipsync`;
const IMAGE_URL = process.env.IMAGE_URL ?? 'https://example.com/face.jpg';
const AUDIO_URL = process.env.AUDIO_URL ?? 'https://example.com/voice.mp3';
const WEBHOOK_SECRET = process.env.WEBHOOK_SECRET;
const POLL_INTERVAL_MS = 5000;

// ---- 1. Webhook flow ----------------------------------------------------------------------

const app = express();
// Keep the raw bytes too: the signature covers the body exactly as sent.
app.use(express.json({ verify: (req, _res, buf) => { req.rawBody = buf; } }));

app.post('/webhooks/lipsync', (req, res) => {
  if (WEBHOOK_SECRET && !hasValidSignature(req)) {
    return res.status(401).json({ received: false });
  }
  const { id, status, output, error, model } = req.body;
  if (status === 'completed') {
    console.log(`Job ${id} (${model}) completed. Video: ${output}`);
  } else if (status === 'failed') {
    console.log(`Job ${id} (${model}) failed: ${error}`);
  }
  res.status(200).json({ received: true });
});

async function submitLipsync() {
  const res = await fetch(`${BASE_URL}/lipsync-image`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'Authorization': `Bearer ${API_KEY}`,
    },
    body: JSON.stringify({
      webhook: WEBHOOK_URL,
      formState: { image: IMAGE_URL, audio: AUDIO_URL, resolution: '720p' },
    }),
  });
  const data = await res.json();
  if (!res.ok) throw new Error(`Submit failed (${res.status}): ${data.error?.message}`);
  console.log(`Job submitted: ${data.id}`);
  return data;
}

/** Standard Webhooks: HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}", key = base64 after "whsec_". */
function hasValidSignature(req) {
  const id = req.get('webhook-id');
  const timestamp = req.get('webhook-timestamp');
  const signatures = req.get('webhook-signature');
  if (!id || !timestamp || !signatures || !req.rawBody) return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false; // a replay
  const key = Buffer.from(WEBHOOK_SECRET.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(req.rawBody).digest();
  return signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    const given = Buffer.from(signature ?? '', 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

// ---- 2. Polling flow ----------------------------------------------------------------------

async function submitAndPoll() {
  const res = await fetch(`${BASE_URL}/lipsync-image`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Authorization': `Bearer ${API_KEY}` },
    body: JSON.stringify({ formState: { image: IMAGE_URL, audio: AUDIO_URL, resolution: '720p' } }),
  });
  const { id, error } = await res.json();
  if (!res.ok) throw new Error(`Submit failed (${res.status}): ${error?.message}`);
  console.log(`Job submitted: ${id}`);

  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    const job = await (await fetch(`${BASE_URL}/jobs/${id}`, { headers: { 'Authorization': `Bearer ${API_KEY}` } })).json();
    if (job.status === 'completed') return console.log(`Job ${id} (${job.model}) completed. Video: ${job.output}`);
    if (job.status === 'failed') return console.log(`Job ${id} (${job.model}) failed: ${job.error}`);
    console.log(`Job ${id}: ${job.status}`);
  }
}

if (process.argv.includes('--poll')) {
  await submitAndPoll();
} else {
  app.listen(PORT, () => {
    console.log(`Webhook receiver listening on port ${PORT}`);
    submitLipsync().catch((err) => {
      console.error(err.message);
      process.exit(1);
    });
  });
}
