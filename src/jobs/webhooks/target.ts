// Which webhook URLs may be called: HTTPS only, and only hosts that resolve to public addresses
// (the media fetcher's SSRF rules), unless the operator allows private URLs. Checked once at
// submit for what is certain without DNS (scheme, literal IPs) and again on every attempt after
// DNS, where the answer is then the only address connected to.
import ipaddr from 'ipaddr.js';
import { blockedAddressReason, systemResolver, type HostResolver, type ResolvedAddress } from '../../engine/media/address-guard.js';

export interface WebhookTargetPolicy {
  /** MOUTHPIECE_ALLOW_PRIVATE_URLS: plain http and private addresses allowed. */
  allowPrivate: boolean;
  /** Host name resolution; the system resolver unless replaced (tests). */
  resolve?: HostResolver;
}

/** The URL may never be called (scheme, blocked address): retrying cannot help. */
export class WebhookRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookRefusedError';
  }
}

/**
 * What is wrong with `webhook` as far as can be told without DNS, or null. A host name is not
 * resolved here: its addresses can change before delivery, so the attempt checks them.
 */
export function webhookUrlProblem(webhook: string, allowPrivate: boolean): string | null {
  let url: URL;
  try {
    url = new URL(webhook);
  } catch {
    return 'webhook must be an https URL';
  }
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) return 'webhook must be an https URL';
  if (allowPrivate) return null;
  const host = bareHost(url.hostname);
  if (!ipaddr.isValid(host)) return null;
  const reason = blockedAddressReason(host);
  return reason ? `webhook points to ${host}, ${reason}; webhook URLs must be public` : null;
}

/**
 * The one address an attempt may connect to. Throws WebhookRefusedError when the URL is not
 * allowed or ANY address of the host is blocked (a mix of public and private answers is an
 * attack); a name that does not resolve throws a plain Error (worth retrying: DNS recovers).
 */
export async function resolveWebhookTarget(url: URL, policy: WebhookTargetPolicy): Promise<ResolvedAddress> {
  const problem = webhookUrlProblem(url.href, policy.allowPrivate);
  if (problem) throw new WebhookRefusedError(problem);
  const host = bareHost(url.hostname);
  if (ipaddr.isValid(host)) return { address: host, family: ipaddr.parse(host).kind() === 'ipv6' ? 6 : 4 };

  let addresses: ResolvedAddress[];
  try {
    addresses = await (policy.resolve ?? systemResolver)(host);
  } catch (error) {
    throw new Error(`the host name ${host} could not be resolved`, { cause: error });
  }
  if (addresses.length === 0) throw new Error(`the host name ${host} has no addresses`);
  if (!policy.allowPrivate) {
    for (const { address } of addresses) {
      const reason = blockedAddressReason(address);
      if (reason) throw new WebhookRefusedError(`webhook points to ${host} (${address}), ${reason}; webhook URLs must be public`);
    }
  }
  return addresses[0];
}

/** `[::1]` → `::1`: URL keeps the brackets of IPv6 literals. */
function bareHost(hostname: string): string {
  return hostname.replace(/^\[(.*)\]$/, '$1');
}
