// Decides whether a media URL may be fetched from a given IP address (SSRF guard): only public
// unicast addresses, unless the operator allows private ones. IPv6 forms that embed an IPv4
// address (mapped, NAT64, 6to4) are judged by the IPv4 address inside.
import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { AbortedError, BlockedAddressError, FetchError } from '../errors.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** Cloud instance-metadata endpoints, named separately because they are the classic SSRF target. */
const METADATA_ADDRESSES = ['169.254.169.254', 'fd00:ec2::254', '100.100.100.200'].map((a) => ipaddr.parse(a).toNormalizedString());

const RANGE_WORDS: Record<string, string> = {
  loopback: 'a loopback address',
  private: 'a private network address',
  linkLocal: 'a link-local address',
  carrierGradeNat: 'a carrier-grade NAT address',
  uniqueLocal: 'a private (unique-local) IPv6 address',
  multicast: 'a multicast address',
  unspecified: 'an unspecified address',
  broadcast: 'a broadcast address',
  ipv4Compatible: 'an IPv4-compatible IPv6 address',
  teredo: 'a Teredo tunnel address',
};

/**
 * Why `address` must not be fetched from, in words ("a loopback address"), or null when it is a
 * public unicast address. Throws FetchError if `address` is not an IP address.
 */
export function blockedAddressReason(address: string): string | null {
  if (!ipaddr.isValid(address)) throw new FetchError(`Not an IP address: ${address}`);
  const parsed = embeddedIPv4(ipaddr.parse(address));
  if (METADATA_ADDRESSES.includes(parsed.toNormalizedString())) return 'a cloud metadata address';
  const range = rangeOf(parsed);
  if (range === 'unicast') return null;
  return RANGE_WORDS[range] ?? `a reserved address (${range})`;
}

function rangeOf(address: Address): string {
  if (address.kind() === 'ipv6') {
    const parts = (address as ipaddr.IPv6).parts;
    // ::a.b.c.d (deprecated IPv4-compatible form) has no range of its own in ipaddr.js.
    if (parts.slice(0, 6).every((p) => p === 0) && (parts[6] !== 0 || parts[7] > 1)) return 'ipv4Compatible';
  }
  return address.range();
}

/** The IPv4 address an IPv6 address stands for when it is only a wrapper around one. */
function embeddedIPv4(address: Address): Address {
  if (address.kind() === 'ipv4') return address;
  const v6 = address as ipaddr.IPv6;
  const range = v6.range();
  const fromWords = (high: number, low: number): ipaddr.IPv4 =>
    new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
  if (range === 'ipv4Mapped') return v6.toIPv4Address();
  if (range === 'rfc6145' || range === 'rfc6052') return fromWords(v6.parts[6], v6.parts[7]);
  if (range === '6to4') return fromWords(v6.parts[1], v6.parts[2]);
  return v6;
}

/** Parses operator-given addresses or CIDR ranges ("10.0.0.5", "10.0.0.0/8", "fd00::/8"). */
function parseAllowList(entries: readonly string[]): Array<[Address, number]> {
  return entries.map((entry) => {
    if (entry.includes('/')) return ipaddr.parseCIDR(entry);
    const address = ipaddr.parse(entry);
    return [address, address.kind() === 'ipv4' ? 32 : 128];
  });
}

function isAllowListed(address: string, allowList: Array<[Address, number]>): boolean {
  const parsed = embeddedIPv4(ipaddr.parse(address));
  return allowList.some(([range, bits]) => range.kind() === parsed.kind() && parsed.match(range, bits));
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Hostname → addresses. The default asks the system resolver (getaddrinfo, so /etc/hosts counts). */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: HostResolver = async (hostname) => {
  const results = await lookup(hostname, { all: true, verbatim: true });
  return results.map((r) => ({ address: r.address, family: r.family === 6 ? 6 : 4 }));
};

export interface AddressPolicy {
  allowPrivate: boolean;
  /** Addresses or CIDR ranges ("10.0.0.5", "10.20.0.0/16") allowed even when `allowPrivate` is false. */
  allowAddresses?: readonly string[];
  resolve?: HostResolver;
  signal?: AbortSignal;
}

/**
 * Resolves `hostname` (or takes it as an IP literal) and returns the one address to connect to.
 * Refuses with BlockedAddressError if ANY address it resolves to is blocked: a name that mixes
 * public and private answers is an attack, not a reason to pick the public one.
 */
export async function resolveAllowedAddress(hostname: string, field: string, policy: AddressPolicy): Promise<ResolvedAddress> {
  const bare = hostname.replace(/^\[(.*)\]$/, '$1');
  const addresses = ipaddr.isValid(bare)
    ? [{ address: bare, family: ipaddr.parse(bare).kind() === 'ipv6' ? 6 : 4 } as ResolvedAddress]
    : await resolveName(bare, field, policy);
  if (addresses.length === 0) throw new FetchError(`Could not fetch ${field}: ${bare} has no addresses`);
  if (!policy.allowPrivate) {
    const allowList = parseAllowList(policy.allowAddresses ?? []);
    for (const { address } of addresses) {
      const reason = blockedAddressReason(address);
      if (reason && !isAllowListed(address, allowList)) {
        const what = address === bare ? address : `${bare} (${address})`;
        throw new BlockedAddressError(`${field} points to ${what}, ${reason}; media URLs must be public`);
      }
    }
  }
  return addresses[0];
}

async function resolveName(hostname: string, field: string, policy: AddressPolicy): Promise<ResolvedAddress[]> {
  const signal = policy.signal;
  signal?.throwIfAborted();
  // getaddrinfo cannot be cancelled; stop waiting for it instead.
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal?.reason ?? new AbortedError('The job was cancelled'));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([(policy.resolve ?? systemResolver)(hostname), aborted]);
  } catch (error) {
    if (signal?.aborted) throw signal.reason ?? error;
    throw new FetchError(`Could not fetch ${field}: the host name ${hostname} could not be resolved`, { cause: error });
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}
