import { describe, expect, it } from 'vitest';
import {
  checkUrl,
  classifyAddress,
  ssrfPolicy,
  type RefusalReason,
} from '../../../../lambdas/core/outbound/delivery/ssrf';
import { FakeResolver } from '../../../helpers/outbound';

const DEFAULT = ssrfPolicy();

describe('classifyAddress() refuses every non-global special-purpose IPv4 range', () => {
  const refused: Array<[string, RefusalReason, string]> = [
    ['0.0.0.0', 'unspecified', '0.0.0.0/32'],
    ['0.1.2.3', 'this-network', '0.0.0.0/8'],
    ['10.0.0.1', 'private', '10.0.0.0/8'],
    ['10.255.255.255', 'private', '10.0.0.0/8'],
    ['100.64.0.1', 'carrier-grade-nat', '100.64.0.0/10'],
    ['100.127.255.254', 'carrier-grade-nat', '100.64.0.0/10'],
    ['127.0.0.1', 'loopback', '127.0.0.0/8'],
    ['127.255.255.254', 'loopback', '127.0.0.0/8'],
    ['169.254.169.254', 'link-local', '169.254.0.0/16'],
    ['169.254.0.1', 'link-local', '169.254.0.0/16'],
    ['172.16.0.1', 'private', '172.16.0.0/12'],
    ['172.31.255.255', 'private', '172.16.0.0/12'],
    ['192.0.0.9', 'ietf-protocol-assignment', '192.0.0.0/24'],
    ['192.0.2.1', 'documentation', '192.0.2.0/24'],
    ['192.88.99.1', 'reserved', '192.88.99.0/24'],
    ['192.168.1.1', 'private', '192.168.0.0/16'],
    ['198.18.0.1', 'benchmarking', '198.18.0.0/15'],
    ['198.19.255.255', 'benchmarking', '198.18.0.0/15'],
    ['198.51.100.7', 'documentation', '198.51.100.0/24'],
    ['203.0.113.9', 'documentation', '203.0.113.0/24'],
    ['224.0.0.1', 'multicast', '224.0.0.0/4'],
    ['239.255.255.250', 'multicast', '224.0.0.0/4'],
    ['240.0.0.1', 'reserved', '240.0.0.0/4'],
    ['255.255.255.255', 'reserved', '240.0.0.0/4'],
  ];
  it.each(refused)('%s is refused as %s (%s)', (ip, reason, range) => {
    expect(classifyAddress(ip, DEFAULT)).toEqual({ allowed: false, reason, range });
  });

  const allowed = [
    '1.1.1.1',
    '8.8.8.8',
    '93.184.216.34',
    '9.255.255.255',
    '11.0.0.0',
    '100.63.255.255',
    '100.128.0.0',
    '126.255.255.255',
    '128.0.0.0',
    '169.253.255.255',
    '169.255.0.0',
    '172.15.255.255',
    '172.32.0.0',
    '192.0.1.255',
    '192.31.196.1',
    '192.52.193.1',
    '192.167.255.255',
    '192.169.0.0',
    '198.17.255.255',
    '198.20.0.0',
    '223.255.255.255',
  ];
  it.each(allowed)(
    '%s (global unicast, next to a refused range or an IANA globally-reachable entry) is allowed',
    (ip) => {
      expect(classifyAddress(ip, DEFAULT)).toEqual({ allowed: true });
    },
  );
});

describe('classifyAddress() on IPv6', () => {
  const refused: Array<[string, RefusalReason]> = [
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd00:ec2::254', 'unique-local'],
    ['fec0::1', 'site-local'],
    ['ff02::1', 'multicast'],
    ['ff05::1:3', 'multicast'],
    ['100::1', 'discard-only'],
    ['2001:db8::1', 'documentation'],
    ['3fff::1', 'documentation'],
    ['2001:2::1', 'ietf-protocol-assignment'],
    ['2001:10::1', 'ietf-protocol-assignment'],
    ['64:ff9b:1::a00:1', 'nat64-local-use'],
    ['5f00::1', 'reserved'],
    ['1::1', 'reserved'],
    ['4000::1', 'reserved'],
    ['::ffff:0:0a00:1', 'reserved'], // SIIT "IPv4-translated" (::ffff:0:0:0/96): not global unicast
  ];
  it.each(refused)('%s is refused as %s', (ip, reason) => {
    expect(classifyAddress(ip, DEFAULT)).toMatchObject({ allowed: false, reason });
  });

  const allowed = ['2606:4700:4700::1111', '2001:4860:4860::8888', '2a00:1450:4001::1', '2620:4f:8000::1'];
  it.each(allowed)('%s (global unicast) is allowed', (ip) => {
    expect(classifyAddress(ip, DEFAULT)).toEqual({ allowed: true });
  });
});

describe('classifyAddress() judges IPv6 forms that embed IPv4 by the IPv4 inside', () => {
  const refused: Array<[string, string, RefusalReason]> = [
    ['IPv4-mapped, dotted', '::ffff:127.0.0.1', 'loopback'],
    ['IPv4-mapped, hex (as the URL parser writes it)', '::ffff:7f00:1', 'loopback'],
    ['IPv4-mapped metadata service', '::ffff:169.254.169.254', 'link-local'],
    ['IPv4-mapped, expanded', '0:0:0:0:0:ffff:a00:1', 'private'],
    ['IPv4-compatible (deprecated), of loopback', '::127.0.0.1', 'ipv4-compatible'],
    ['IPv4-compatible (deprecated), hex', '::a00:1', 'ipv4-compatible'],
    ['IPv4-compatible (deprecated), even of a public address', '::8.8.8.8', 'ipv4-compatible'],
    ['NAT64 well-known prefix', '64:ff9b::10.0.0.1', 'private'],
    ['NAT64 well-known prefix, hex', '64:ff9b::a9fe:a9fe', 'link-local'],
    ['6to4', '2002:7f00:1::1', 'loopback'],
    ['6to4 of a private network', '2002:c0a8:101::', 'private'],
    ['Teredo, private server', '2001:0:a00:1::1', 'private'],
    ['Teredo, loopback client (stored XOR 0xffffffff)', '2001:0:5db8:d822::80ff:fffe', 'loopback'],
  ];
  it.each(refused)('%s: %s is refused as %s', (_form, ip, reason) => {
    expect(classifyAddress(ip, DEFAULT)).toMatchObject({ allowed: false, reason });
  });

  const allowed: Array<[string, string]> = [
    ['IPv4-mapped public', '::ffff:8.8.8.8'],
    ['NAT64 of a public address', '64:ff9b::8.8.8.8'],
    ['6to4 of a public address', '2002:0808:0808::1'],
    ['Teredo with public server and client', '2001:0:5db8:d822::f7f7:f7f7'],
  ];
  it.each(allowed)('%s: %s is allowed', (_form, ip) => {
    expect(classifyAddress(ip, DEFAULT)).toEqual({ allowed: true });
  });
});

describe('an allowed IPv4 range never admits an IPv6 address', () => {
  const allow10 = ssrfPolicy(['10.1.0.0/16']);

  const refused: Array<[string, string, RefusalReason]> = [
    ['6to4 of 10.1.0.5', '2002:a01:5::', 'private'],
    ['NAT64 of 10.1.0.5', '64:ff9b::10.1.0.5', 'private'],
    ['IPv4-compatible 10.1.0.5', '::10.1.0.5', 'ipv4-compatible'],
    ['Teredo with server 10.1.0.5', '2001:0:a01:5::f7f7:f7f7', 'private'],
    ['Teredo with client 10.1.0.5 (stored XOR 0xffffffff)', '2001:0:5db8:d822::f5fe:fffa', 'private'],
  ];
  it.each(refused)('%s (%s) is refused as %s', (_form, ip, reason) => {
    expect(classifyAddress(ip, allow10)).toMatchObject({ allowed: false, reason });
  });

  it('admits the IPv4-mapped form, which is the IPv4 address itself on the socket', () => {
    expect(classifyAddress('::ffff:10.1.0.5', allow10)).toEqual({ allowed: true });
  });

  it('admits an embedding form when an IPv6 range allows it, as any IPv6 address', () => {
    const allowNat64 = ssrfPolicy(['64:ff9b::/96', '::/96']);

    expect([classifyAddress('64:ff9b::10.1.0.5', allowNat64), classifyAddress('::10.1.0.5', allowNat64)]).toEqual([
      { allowed: true },
      { allowed: true },
    ]);
  });

  it('judges the checked URL the same way: [2002:a01:5::] is blocked under allowedCidrs 10.1.0.0/16', async () => {
    const checked = await checkUrl('http://[2002:a01:5::]/hooks', new FakeResolver(), allow10);

    expect(checked).toMatchObject({ ok: false, error: 'blocked', reason: expect.stringContaining('private') });
  });
});

describe('the local stack allows loopback (127.0.0.0/8, ::1/128), and only loopback itself', () => {
  const local = ssrfPolicy(['127.0.0.0/8', '::1/128']);

  it.each([['http://127.0.0.1:4000/hooks'], ['http://[::1]:4000/hooks'], ['http://[::ffff:127.0.0.1]:4000/hooks']])(
    'accepts %s',
    async (url) => {
      expect(await checkUrl(url, new FakeResolver(), local)).toMatchObject({ ok: true });
    },
  );

  it.each([
    ['IPv4-compatible', 'http://[::127.0.0.1]:4000/hooks', 'ipv4-compatible'],
    ['NAT64', 'http://[64:ff9b::127.0.0.1]:4000/hooks', 'loopback'],
    ['6to4', 'http://[2002:7f00:1::]:4000/hooks', 'loopback'],
  ])('refuses the %s form of loopback (%s)', async (_form, url, reason) => {
    expect(await checkUrl(url, new FakeResolver(), local)).toMatchObject({
      ok: false,
      error: 'blocked',
      reason: expect.stringContaining(reason),
    });
  });
});

describe('classifyAddress() with allowed subnets', () => {
  it('allows an address inside a configured subnet', () => {
    expect(classifyAddress('10.1.2.3', ssrfPolicy(['10.1.0.0/16']))).toEqual({ allowed: true });
  });

  it('still refuses an address of the same range outside the configured subnet', () => {
    expect(classifyAddress('10.2.0.1', ssrfPolicy(['10.1.0.0/16']))).toMatchObject({
      allowed: false,
      reason: 'private',
    });
  });

  it('allows loopback when the local stack allows 127.0.0.0/8, in its IPv4-mapped form too', () => {
    const local = ssrfPolicy(['127.0.0.0/8', '::1/128']);

    expect([
      classifyAddress('127.0.0.1', local),
      classifyAddress('::ffff:7f00:1', local),
      classifyAddress('::1', local),
    ]).toEqual([{ allowed: true }, { allowed: true }, { allowed: true }]);
  });

  it('refuses text that is not an IP address', () => {
    expect(classifyAddress('localhost', DEFAULT)).toMatchObject({ allowed: false, reason: 'not-an-ip-address' });
  });
});

describe('checkUrl()', () => {
  const resolver = new FakeResolver({
    'receiver.example': ['93.184.216.34', '2606:2800:220:1::1'],
    'internal.example': ['10.0.0.5'],
    'mixed.example': ['93.184.216.34', '192.168.0.10'],
    'metadata.example': ['fd00:ec2::254'],
    'empty.example': [],
  });

  it('passes a public name and returns every checked address, for the sender to connect to', async () => {
    const checked = await checkUrl('https://receiver.example/hooks', resolver, DEFAULT);

    expect(checked).toMatchObject({
      ok: true,
      hostname: 'receiver.example',
      addresses: [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:2800:220:1::1', family: 6 },
      ],
    });
  });

  it('blocks a name that resolves to a private address', async () => {
    expect(await checkUrl('https://internal.example/', resolver, DEFAULT)).toMatchObject({
      ok: false,
      error: 'blocked',
    });
  });

  it('blocks a name when any one of its addresses is refused', async () => {
    expect(await checkUrl('https://mixed.example/', resolver, DEFAULT)).toMatchObject({
      ok: false,
      error: 'blocked',
      reason: expect.stringContaining('192.168.0.10'),
    });
  });

  it('blocks a name that resolves to the IPv6 metadata service', async () => {
    expect(await checkUrl('http://metadata.example/latest', resolver, DEFAULT)).toMatchObject({
      ok: false,
      error: 'blocked',
    });
  });

  it.each([
    ['decimal', 'http://2130706433/'],
    ['hex', 'http://0x7f.1/'],
    ['octal', 'http://0177.0.0.1/'],
    ['short', 'http://127.1/'],
    ['IPv6 literal', 'http://[::1]:8080/'],
    ['IPv4-mapped literal', 'http://[::ffff:127.0.0.1]/'],
    ['metadata service', 'http://169.254.169.254/latest/meta-data/'],
  ])('blocks a %s IP-literal host without resolving it (%s)', async (_form, url) => {
    const local = new FakeResolver();

    const checked = await checkUrl(url, local, DEFAULT);

    expect(checked).toMatchObject({ ok: false, error: 'blocked' });
    expect(local.lookups).toEqual([]);
  });

  it.each([
    ['file:///etc/passwd', 'scheme'],
    ['gopher://receiver.example/', 'scheme'],
    ['ftp://receiver.example/', 'scheme'],
    ['https://user:pass@receiver.example/', 'credentials'],
    ['https://receiver.example:0/hooks', 'port 0'],
    ['not a url', 'valid URL'],
  ])('blocks %s (%s)', async (url, why) => {
    expect(await checkUrl(url, resolver, DEFAULT)).toMatchObject({
      ok: false,
      error: 'blocked',
      reason: expect.stringContaining(why),
    });
  });

  it('reports a name that does not resolve as a dns error', async () => {
    expect(await checkUrl('https://nowhere.example/', resolver, DEFAULT)).toMatchObject({ ok: false, error: 'dns' });
  });

  it('reports a name with no address as a dns error', async () => {
    expect(await checkUrl('https://empty.example/', resolver, DEFAULT)).toMatchObject({ ok: false, error: 'dns' });
  });

  it('passes a private name when its subnet is allowed', async () => {
    expect(await checkUrl('https://internal.example/', resolver, ssrfPolicy(['10.0.0.0/24']))).toMatchObject({
      ok: true,
    });
  });
});
