// One webhook attempt: POST the body to the vetted address of the receiver, with a deadline,
// without following redirects, and say what came of it in words an API client can act on.
import type { LookupFunction } from 'node:net';
import { Agent, request } from 'undici';
import type { ResolvedAddress } from '../../engine/media/address-guard.js';
import { parseRetryAfter } from './schedule.js';
import { resolveWebhookTarget, WebhookRefusedError, type WebhookTargetPolicy } from './target.js';

/** The most of a receiver's answer read before it is dropped (the body is never used). */
const MAX_RESPONSE_BYTES = 64 * 1024;

export interface WebhookPost {
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  timeoutMs: number;
  policy: WebhookTargetPolicy;
  /** Aborts the attempt (shutdown); the abort reason is thrown, nothing is reported. */
  signal?: AbortSignal;
}

export interface WebhookPostResult {
  /** True for a 2xx answer. */
  delivered: boolean;
  /** The receiver's status code; null when no answer came. */
  statusCode: number | null;
  /** '' when delivered; otherwise why not, for the deliveries log. */
  error: string;
  /** Further attempts are pointless: 410 Gone, or a URL that may not be called. */
  permanent: boolean;
  /** The receiver's Retry-After, in ms from now. */
  retryAfterMs: number | null;
}

export async function postWebhook(post: WebhookPost): Promise<WebhookPostResult> {
  const deadline = AbortSignal.timeout(post.timeoutMs);
  const signal = post.signal ? AbortSignal.any([post.signal, deadline]) : deadline;
  const url = new URL(post.url);
  let agent: Agent | undefined;
  try {
    const target = await resolveWebhookTarget(url, post.policy);
    agent = pinnedAgent(url.hostname, target);
    const response = await request(url, { method: 'POST', headers: post.headers, body: post.body, dispatcher: agent, signal });
    // Read (a bounded part of) the answer so the exchange completes, then drop it.
    await response.body.dump({ limit: MAX_RESPONSE_BYTES }).catch(() => {});
    return fromStatus(response.statusCode, response.headers);
  } catch (error) {
    if (post.signal?.aborted) throw post.signal.reason ?? error;
    if (error instanceof WebhookRefusedError) return noAnswer(error.message, true);
    if (deadline.aborted) return noAnswer(`No answer within ${Math.round(post.timeoutMs / 100) / 10} s`, false);
    return noAnswer(connectionProblem(error, url), false);
  } finally {
    await agent?.destroy().catch(() => {});
  }
}

function fromStatus(status: number, headers: Record<string, string | string[] | undefined>): WebhookPostResult {
  const retryAfterMs = parseRetryAfter(headers['retry-after'], Date.now());
  const answered = { statusCode: status, retryAfterMs };
  if (status >= 200 && status < 300) return { ...answered, delivered: true, error: '', permanent: false };
  if (status === 410) {
    return { ...answered, delivered: false, error: 'The receiver answered 410 Gone; no more attempts', permanent: true };
  }
  if (status >= 300 && status < 400) {
    const location = headers.location ? ` to ${String(headers.location)}` : '';
    const error = `The receiver answered ${status} (a redirect${location}); redirects are not followed, answer 2xx at the webhook URL itself`;
    return { ...answered, delivered: false, error, permanent: false };
  }
  return { ...answered, delivered: false, error: `The receiver answered ${status}`, permanent: false };
}

function noAnswer(error: string, permanent: boolean): WebhookPostResult {
  return { delivered: false, statusCode: null, error, permanent, retryAfterMs: null };
}

/**
 * An agent whose DNS lookup can only answer the address the guard approved, so a second DNS
 * answer (rebinding) is never connected to. TLS still verifies the certificate for the host name.
 */
function pinnedAgent(hostname: string, target: ResolvedAddress): Agent {
  const host = hostname.replace(/^\[(.*)\]$/, '$1');
  const lookup: LookupFunction = (name, options, callback) => {
    if (name !== hostname && name !== host) {
      callback(new Error(`refusing to connect to unexpected host ${name}`), '', 4);
    } else if (options.all) {
      (callback as unknown as (e: null, all: ResolvedAddress[]) => void)(null, [target]);
    } else {
      callback(null, target.address, target.family);
    }
  };
  return new Agent({ connect: { lookup }, connections: 1, pipelining: 1 });
}

function connectionProblem(error: unknown, url: URL): string {
  const code = (error as { code?: string; cause?: { code?: string } }).cause?.code ?? (error as { code?: string }).code;
  const host = url.host;
  switch (code) {
    case 'ECONNREFUSED':
      return `The connection to ${host} was refused`;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return `The connection to ${host} was closed before an answer came`;
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `${host} did not accept the connection`;
    case 'CERT_HAS_EXPIRED':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `The TLS certificate of ${host} is not valid (${code})`;
    default: {
      const message = error instanceof Error ? error.message : String(error);
      return `${host} could not be reached (${message})`;
    }
  }
}
