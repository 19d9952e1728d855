// The guide's code samples, as text, with this server's public URL in them. Code is not
// translated: its identifiers are the API's, and its comments stay in English like the API.

/** `https://host/base` without a trailing slash. */
function base(publicUrl: string): string {
  return publicUrl.replace(/\/+$/, '');
}

export function curlExample(publicUrl: string): string {
  const api = `${base(publicUrl)}/api/v1`;
  return `export MOUTHPIECE_API_KEY=sk_…   # from the API keys page

# Submit a job (add "webhook": "https://your-app.example.com/webhooks/lipsync" to be called back)
curl -s ${api}/lipsync-image \\
  -H "Authorization: Bearer $MOUTHPIECE_API_KEY" \\
  -H 'Content-Type: application/json' \\
  -d '{"formState":{"image":"https://example.com/face.jpg","audio":"https://example.com/voice.mp3","resolution":"720p","seed":42}}'
# → {"id":"6f1c…","status":"processing"}

# Read the job until "status" is "completed" (then "output" is the MP4's URL) or "failed"
curl -s ${api}/jobs/JOB_ID -H "Authorization: Bearer $MOUTHPIECE_API_KEY"

# What it will cost, without running it
curl -s ${api}/estimate \\
  -H "Authorization: Bearer $MOUTHPIECE_API_KEY" \\
  -H 'Content-Type: application/json' \\
  -d '{"model":"lipsync-image","formState":{"image":"https://example.com/face.jpg","audio":"https://example.com/voice.mp3"}}'

# Your credits and webhook secret
curl -s ${api}/account -H "Authorization: Bearer $MOUTHPIECE_API_KEY"`;
}

/** The repository's examples/node-webhook.mjs, defaulting to this server instead of localhost. */
export function nodeExample(publicUrl: string, exampleSource: string): string {
  return exampleSource.replace(/'http:\/\/127\.0\.0\.1:8080\/api\/v1'/g, `'${base(publicUrl)}/api/v1'`);
}

export function sdkVerifyExample(): string {
  return `import express from 'express';
import { verifyWebhook } from 'mouthpiece/client';

const app = express();

// express.raw: the signature covers the body exactly as sent, so do not parse it first.
app.post('/webhooks/lipsync', express.raw({ type: 'application/json' }), async (req, res) => {
  let job;
  try {
    job = await verifyWebhook(process.env.WEBHOOK_SECRET, req.headers, req.body);
  } catch {
    return res.status(401).json({ received: false });
  }
  if (job.status === 'completed') console.log(\`Job \${job.id} completed. Video: \${job.output}\`);
  else console.log(\`Job \${job.id} failed: \${job.error}\`);
  res.json({ received: true });
});

app.listen(3000);`;
}

export function pythonExample(publicUrl: string): string {
  return `import os
import time

import requests

BASE_URL = "${base(publicUrl)}/api/v1"
API_KEY = os.environ["MOUTHPIECE_API_KEY"]  # sk_… from the API keys page
HEADERS = {"Authorization": f"Bearer {API_KEY}"}

response = requests.post(
    f"{BASE_URL}/lipsync-image",
    headers=HEADERS,
    json={
        "formState": {
            "image": "https://example.com/face.jpg",
            "audio": "https://example.com/voice.mp3",
            "resolution": "720p",
        }
    },
    timeout=30,
)
if not response.ok:
    raise SystemExit(f"Submit failed ({response.status_code}): {response.json()['error']['message']}")
job_id = response.json()["id"]
print("Job submitted:", job_id)

while True:
    time.sleep(5)
    job = requests.get(f"{BASE_URL}/jobs/{job_id}", headers=HEADERS, timeout=30).json()
    if job["status"] == "completed":
        print("Video:", job["output"])
        break
    if job["status"] == "failed":
        print("Failed:", job["error"])
        break
    print(job["status"], job.get("stage"), job.get("progress"))`;
}

export function pythonVerifyExample(): string {
  return `import base64
import hashlib
import hmac
import time


def verify_webhook(secret: str, headers, body: bytes, tolerance_s: int = 300) -> bool:
    """True when a Standard Webhooks signature of \`secret\` (whsec_…) matches the raw \`body\`."""
    msg_id = headers.get("webhook-id")
    timestamp = headers.get("webhook-timestamp")
    signatures = headers.get("webhook-signature")
    if not msg_id or not timestamp or not signatures:
        return False
    if abs(time.time() - int(timestamp)) > tolerance_s:
        return False  # too old or from the future: a replay
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    for candidate in signatures.split(" "):
        version, _, signature = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(signature, expected):
            return True
    return False


# Flask, for example:  verify_webhook(SECRET, request.headers, request.get_data())`;
}
