import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BlockedAddressError } from '../../../src/engine/errors.js';
import { blockedAddressReason, resolveAllowedAddress, type HostResolver } from '../../../src/engine/media/index.js';

describe('blockedAddressReason', () => {
  const blocked: Array<[string, RegExp]> = [
    ['127.0.0.1', /loopback/],
    ['127.8.9.10', /loopback/],
    ['::1', /loopback/],
    ['10.1.2.3', /private/],
    ['172.16.5.4', /private/],
    ['192.168.1.1', /private/],
    ['169.254.169.254', /metadata/],
    ['fd00:ec2::254', /metadata/],
    ['169.254.1.1', /link-local/],
    ['fe80::1', /link-local/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['fc00::1', /unique-local/],
    ['224.0.0.1', /multicast/],
    ['ff02::1', /multicast/],
    ['0.0.0.0', /unspecified/],
    ['::', /unspecified/],
    ['255.255.255.255', /broadcast/],
    ['240.0.0.1', /reserved/],
  ];
  for (const [address, reason] of blocked) {
    test(`refuses ${address}`, () => {
      assert.match(blockedAddressReason(address) ?? 'allowed', reason);
    });
  }

  test('judges IPv6 wrappers by the IPv4 address inside them', () => {
    assert.match(blockedAddressReason('::ffff:127.0.0.1') ?? 'allowed', /loopback/); // IPv4-mapped
    assert.match(blockedAddressReason('::ffff:169.254.169.254') ?? 'allowed', /metadata/);
    assert.match(blockedAddressReason('64:ff9b::a01:203') ?? 'allowed', /private/); // NAT64 of 10.1.2.3
    assert.match(blockedAddressReason('2002:7f00:1::') ?? 'allowed', /loopback/); // 6to4 of 127.0.0.1
    assert.match(blockedAddressReason('::7f00:1') ?? 'allowed', /IPv4-compatible/);
    assert.equal(blockedAddressReason('::ffff:8.8.8.8'), null);
  });

  test('allows public unicast addresses', () => {
    for (const address of ['8.8.8.8', '1.1.1.1', '93.184.216.34', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e']) {
      assert.equal(blockedAddressReason(address), null, address);
    }
  });
});

describe('resolveAllowedAddress', () => {
  const resolverOf = (table: Record<string, string[]>): HostResolver => async (hostname) =>
    (table[hostname] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

  test('refuses a host name when any of its addresses is private, even if another is public', async () => {
    const resolve = resolverOf({ 'media.example.com': ['93.184.216.34', '10.0.0.7'] });
    await assert.rejects(
      resolveAllowedAddress('media.example.com', 'formState.audio', { allowPrivate: false, resolve }),
      (error: unknown) => error instanceof BlockedAddressError && /formState\.audio points to media\.example\.com \(10\.0\.0\.7\), a private network address/.test(error.message),
    );
  });

  test('returns the checked address of a public host name', async () => {
    const resolve = resolverOf({ 'media.example.com': ['93.184.216.34'] });
    const target = await resolveAllowedAddress('media.example.com', 'formState.audio', { allowPrivate: false, resolve });
    assert.deepEqual(target, { address: '93.184.216.34', family: 4 });
  });

  test('checks IP literals without asking the resolver, brackets and all', async () => {
    const resolve: HostResolver = async () => assert.fail('the resolver must not be asked about an IP literal');
    await assert.rejects(resolveAllowedAddress('[::1]', 'formState.image', { allowPrivate: false, resolve }), BlockedAddressError);
    const target = await resolveAllowedAddress('[2606:4700:4700::1111]', 'formState.image', { allowPrivate: false, resolve });
    assert.equal(target.family, 6);
  });

  test('lets an operator allow-list a private range', async () => {
    const resolve = resolverOf({ 'media.internal': ['10.20.30.40'] });
    const allowAddresses = ['10.20.0.0/16'];
    const target = await resolveAllowedAddress('media.internal', 'formState.audio', { allowPrivate: false, allowAddresses, resolve });
    assert.equal(target.address, '10.20.30.40');
    await assert.rejects(
      resolveAllowedAddress('10.21.0.1', 'formState.audio', { allowPrivate: false, allowAddresses, resolve }),
      BlockedAddressError,
    );
  });

  test('allows private addresses when the limits allow private URLs', async () => {
    const target = await resolveAllowedAddress('127.0.0.1', 'formState.audio', { allowPrivate: true });
    assert.equal(target.address, '127.0.0.1');
  });
});
