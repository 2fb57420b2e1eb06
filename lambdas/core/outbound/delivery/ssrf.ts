/**
 * SSRF guard: which addresses an outbound webhook may be sent to.
 *
 * The rules, in the order they apply:
 * 1. Only `http:` and `https:` URLs without credentials. The WHATWG URL parser normalises the host
 *    first, so `http://2130706433/`, `http://0x7f.1/` and `http://0177.0.0.1/` all arrive here as 127.0.0.1.
 * 2. An IP-literal host is classified as it is; a name is resolved through the injected `Resolver` and
 *    EVERY address must pass (a name that mixes public and private addresses is refused outright).
 * 3. A configured allowed subnet wins over every refusal (internal receivers; the local stack's loopback), in
 *    the address's own family: an allowed IPv4 range never admits an IPv6 address, whatever IPv4 it embeds.
 * 4. IPv4: the ranges of the IANA IPv4 Special-Purpose Address Registry that are not globally reachable,
 *    plus multicast and 240.0.0.0/4 (reserved, including the limited broadcast address).
 * 5. IPv6 forms that embed an IPv4 address (the outbound API surface decision in docs/decisions/):
 *    - IPv4-mapped `::ffff:a.b.c.d` IS that IPv4 address on the socket: judged as IPv4, allowed ranges included;
 *    - IPv4-compatible `::a.b.c.d` is deprecated (RFC 4291 §2.5.5.1): refused, unless an IPv6 range allows it;
 *    - NAT64 `64:ff9b::/96`, 6to4 `2002::/16`, Teredo `2001::/32` are IPv6 destinations that a translator or
 *      relay turns into IPv4: refused when an IPv4 address inside is not globally reachable (the IPv4 rules
 *      WITHOUT the allowed ranges), otherwise allowed like any global IPv6 address.
 *    Everything else must be global unicast (2000::/3) outside its special blocks.
 * 6. Port 0 is refused: no receiver listens there, and a socket asked for it picks one.
 * 7. The caller connects only to the addresses returned in `checked.addresses`, so there is no window
 *    between the check and the connection for DNS rebinding (lambdas/adapters/http-sender.ts).
 *
 * @example
 * const checked = await checkUrl(endpoint.url, resolver, policy);
 * if (!checked.ok) return recordAttempt({ error: checked.error }); // 'blocked' | 'dns'
 */
import { isIPv4, isIPv6 } from 'node:net';
import { compileAllowlist, type CidrMatcher } from '../../kernel/cidr';
import type { ResolvedAddress, Resolver } from '../ports';

export type RefusalReason =
  | 'unspecified'
  | 'this-network'
  | 'loopback'
  | 'private'
  | 'carrier-grade-nat'
  | 'link-local'
  | 'ietf-protocol-assignment'
  | 'documentation'
  | 'benchmarking'
  | 'multicast'
  | 'reserved'
  | 'discard-only'
  | 'unique-local'
  | 'site-local'
  | 'nat64-local-use'
  | 'ipv4-compatible'
  | 'not-an-ip-address';

export type AddressVerdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: RefusalReason; readonly range: string };

export interface SsrfPolicy {
  /** Subnets a delivery may reach even though they are refused by default, e.g. `10.1.0.0/16`. */
  readonly allow: CidrMatcher | undefined;
}

/** The policy for a list of allowed CIDRs (empty: the default, refuse every special-purpose address). */
export function ssrfPolicy(allowedCidrs: readonly string[] = []): SsrfPolicy {
  return { allow: compileAllowlist(allowedCidrs) };
}

// ---------------------------------------------------------------------------------------------
// The refused ranges. First match wins, so the narrower entries come first.

interface Range {
  readonly cidr: string;
  readonly reason: RefusalReason;
}

/** IANA IPv4 Special-Purpose Address Registry entries that are not globally reachable, plus 224/4 and 240/4. */
const IPV4_REFUSED: readonly Range[] = [
  { cidr: '0.0.0.0/32', reason: 'unspecified' },
  { cidr: '0.0.0.0/8', reason: 'this-network' },
  { cidr: '10.0.0.0/8', reason: 'private' },
  { cidr: '100.64.0.0/10', reason: 'carrier-grade-nat' },
  { cidr: '127.0.0.0/8', reason: 'loopback' },
  { cidr: '169.254.0.0/16', reason: 'link-local' }, // includes the instance metadata service 169.254.169.254
  { cidr: '172.16.0.0/12', reason: 'private' },
  { cidr: '192.0.0.0/24', reason: 'ietf-protocol-assignment' },
  { cidr: '192.0.2.0/24', reason: 'documentation' },
  { cidr: '192.88.99.0/24', reason: 'reserved' }, // the deprecated 6to4 relay anycast prefix
  { cidr: '192.168.0.0/16', reason: 'private' },
  { cidr: '198.18.0.0/15', reason: 'benchmarking' },
  { cidr: '198.51.100.0/24', reason: 'documentation' },
  { cidr: '203.0.113.0/24', reason: 'documentation' },
  { cidr: '224.0.0.0/4', reason: 'multicast' },
  { cidr: '240.0.0.0/4', reason: 'reserved' }, // includes 255.255.255.255
];

/** IPv6 blocks refused before looking for an embedded IPv4 address (they would otherwise look like one). */
const IPV6_REFUSED_FIRST: readonly Range[] = [
  { cidr: '::/128', reason: 'unspecified' },
  { cidr: '::1/128', reason: 'loopback' },
  { cidr: '64:ff9b:1::/48', reason: 'nat64-local-use' }, // RFC 8215: where the IPv4 sits is the operator's choice
];

/** IPv6 blocks refused with a specific reason; anything else outside 2000::/3 is refused as `reserved`. */
const IPV6_REFUSED: readonly Range[] = [
  { cidr: '100::/64', reason: 'discard-only' },
  { cidr: '2001::/23', reason: 'ietf-protocol-assignment' }, // after Teredo (2001::/32), handled as an embedding
  { cidr: '2001:db8::/32', reason: 'documentation' },
  { cidr: '3fff::/20', reason: 'documentation' },
  { cidr: 'fc00::/7', reason: 'unique-local' }, // includes the EC2 metadata service fd00:ec2::254
  { cidr: 'fe80::/10', reason: 'link-local' },
  { cidr: 'fec0::/10', reason: 'site-local' },
  { cidr: 'ff00::/8', reason: 'multicast' },
];

const GLOBAL_UNICAST = '2000::/3';

/**
 * IPv6 forms that carry an IPv4 address, where it is, and how the address is judged (rule 5 above):
 * `ipv4` as the IPv4 address itself, `refused` outright, or `embedded` (an IPv6 destination refused when an
 * IPv4 address inside is not globally reachable, the allowed IPv4 ranges not applying).
 */
interface Embedding {
  readonly cidr: string;
  readonly judged: 'ipv4' | 'refused' | 'embedded';
  /** The embedded IPv4 addresses (Teredo carries two: the server and the obfuscated client). */
  readonly ipv4: (value: bigint) => readonly bigint[];
}

const IPV6_EMBEDDING: readonly Embedding[] = [
  { cidr: '::ffff:0:0/96', judged: 'ipv4', ipv4: (v) => [v & 0xffffffffn] }, // IPv4-mapped
  { cidr: '::/96', judged: 'refused', ipv4: (v) => [v & 0xffffffffn] }, // IPv4-compatible; ::/128 and ::1 are caught first
  { cidr: '64:ff9b::/96', judged: 'embedded', ipv4: (v) => [v & 0xffffffffn] }, // NAT64 well-known prefix
  { cidr: '2002::/16', judged: 'embedded', ipv4: (v) => [(v >> 80n) & 0xffffffffn] }, // 6to4: bits 16..47
  // Teredo: the server, then the client (stored XOR 0xffffffff)
  { cidr: '2001::/32', judged: 'embedded', ipv4: (v) => [(v >> 64n) & 0xffffffffn, ~v & 0xffffffffn] },
];

/** The IPv4 rules without any allowed range: how the IPv4 inside an IPv6 destination is judged. */
const NO_ALLOWED_RANGES: SsrfPolicy = { allow: undefined };

// ---------------------------------------------------------------------------------------------
// Classification

/**
 * Whether an outbound request may connect to `ip` (an IPv4 or IPv6 address in text form).
 *
 * @example classifyAddress('169.254.169.254', ssrfPolicy()) // { allowed: false, reason: 'link-local', range: '169.254.0.0/16' }
 */
export function classifyAddress(ip: string, policy: SsrfPolicy): AddressVerdict {
  const address = ip.replace(/%.*$/, ''); // a zone id (fe80::1%eth0) selects an interface, not an address
  if (policy.allow?.(address)) return { allowed: true };
  if (isIPv4(address)) return classifyV4(parseV4(address), policy);
  if (isIPv6(address)) return classifyV6(parseV6(address), policy);
  return { allowed: false, reason: 'not-an-ip-address', range: '' };
}

function classifyV4(value: bigint, policy: SsrfPolicy): AddressVerdict {
  if (policy.allow?.(formatV4(value))) return { allowed: true };
  const hit = V4_TABLE.find((r) => r.contains(value));
  return hit ? { allowed: false, reason: hit.reason, range: hit.cidr } : { allowed: true };
}

function classifyV6(value: bigint, policy: SsrfPolicy): AddressVerdict {
  const special = V6_FIRST_TABLE.find((r) => r.contains(value));
  if (special) return { allowed: false, reason: special.reason, range: special.cidr };
  const embedding = EMBEDDING_TABLE.find((e) => e.contains(value));
  if (embedding?.judged === 'ipv4') return classifyV4(embedding.ipv4(value)[0]!, policy);
  if (embedding?.judged === 'refused') return { allowed: false, reason: 'ipv4-compatible', range: embedding.cidr };
  if (embedding) {
    for (const v4 of embedding.ipv4(value)) {
      const verdict = classifyV4(v4, NO_ALLOWED_RANGES);
      if (!verdict.allowed) return verdict;
    }
    return { allowed: true };
  }
  const hit = V6_TABLE.find((r) => r.contains(value));
  if (hit) return { allowed: false, reason: hit.reason, range: hit.cidr };
  return GLOBAL.contains(value)
    ? { allowed: true }
    : { allowed: false, reason: 'reserved', range: `outside ${GLOBAL_UNICAST}` };
}

// ---------------------------------------------------------------------------------------------
// URLs

export type UrlCheck =
  | { readonly ok: true; readonly url: URL; readonly hostname: string; readonly addresses: readonly ResolvedAddress[] }
  | { readonly ok: false; readonly error: 'blocked' | 'dns'; readonly reason: string };

/**
 * Checks a delivery URL: scheme, credentials, then every address its host resolves to.
 * Used at registration and again before every delivery attempt.
 */
export async function checkUrl(rawUrl: string, resolver: Resolver, policy: SsrfPolicy): Promise<UrlCheck> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { ok: false, error: 'blocked', reason: 'not a valid URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { ok: false, error: 'blocked', reason: `scheme ${url.protocol} is not http or https` };
  if (url.username !== '' || url.password !== '')
    return { ok: false, error: 'blocked', reason: 'credentials in the URL are not accepted' };
  if (url.port === '0') return { ok: false, error: 'blocked', reason: 'port 0 is not a port a receiver listens on' };

  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  let addresses: readonly ResolvedAddress[];
  if (isIPv4(hostname)) addresses = [{ address: hostname, family: 4 }];
  else if (isIPv6(hostname)) addresses = [{ address: hostname, family: 6 }];
  else {
    try {
      addresses = await resolver.resolve(hostname);
    } catch {
      return { ok: false, error: 'dns', reason: `${hostname} did not resolve` };
    }
    if (addresses.length === 0) return { ok: false, error: 'dns', reason: `${hostname} has no address` };
  }
  for (const { address } of addresses) {
    const verdict = classifyAddress(address, policy);
    if (!verdict.allowed)
      return {
        ok: false,
        error: 'blocked',
        reason: `${hostname} → ${address} is ${verdict.reason} (${verdict.range})`,
      };
  }
  return { ok: true, url, hostname, addresses };
}

// ---------------------------------------------------------------------------------------------
// Parsing (inputs are validated by node:net's isIPv4/isIPv6 first)

function parseV4(ip: string): bigint {
  return ip.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
}

function formatV4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
}

function parseV6(ip: string): bigint {
  // A trailing dotted quad (::ffff:1.2.3.4) is the last two 16-bit groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  const text = dotted?.[1] ? ip.slice(0, -dotted[1].length) + hexGroups(parseV4(dotted[1])) : ip;
  const [head = '', tail = ''] = text.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = !text.includes('::') || tail === '' ? [] : tail.split(':');
  const groups = text.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

function hexGroups(v4: bigint): string {
  return `${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
}

interface CompiledRange extends Range {
  readonly contains: (value: bigint) => boolean;
}

function compile(cidr: string, bits: 32 | 128): (value: bigint) => boolean {
  const [ip = '', prefix = ''] = cidr.split('/');
  const shift = BigInt(bits - Number(prefix));
  const network = (bits === 32 ? parseV4(ip) : parseV6(ip)) >> shift;
  return (value) => value >> shift === network;
}

const V4_TABLE: readonly CompiledRange[] = IPV4_REFUSED.map((r) => ({ ...r, contains: compile(r.cidr, 32) }));
const V6_FIRST_TABLE: readonly CompiledRange[] = IPV6_REFUSED_FIRST.map((r) => ({
  ...r,
  contains: compile(r.cidr, 128),
}));
const V6_TABLE: readonly CompiledRange[] = IPV6_REFUSED.map((r) => ({ ...r, contains: compile(r.cidr, 128) }));
const EMBEDDING_TABLE = IPV6_EMBEDDING.map((e) => ({ ...e, contains: compile(e.cidr, 128) }));
const GLOBAL = { contains: compile(GLOBAL_UNICAST, 128) };
