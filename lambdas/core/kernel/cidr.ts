/** Minimal CIDR matching for the source-IP allowlist (IPv4 and IPv6), without dependencies. */
import type * as net from 'node:net';

/**
 * node:net's address validators, loaded only when an allowlist is compiled: most sources have none,
 * and loading node:net (with the stream and DNS modules it pulls in) is cold-start time.
 */
let validators: Pick<typeof net, 'isIPv4' | 'isIPv6'> | undefined;
const loadValidators = () => (validators ??= process.getBuiltinModule('node:net'));

export type CidrMatcher = (ip: string) => boolean;

export function compileAllowlist(cidrs: readonly string[]): CidrMatcher | undefined {
  if (cidrs.length === 0) return undefined;
  loadValidators();
  const ranges = cidrs.map(parseCidr);
  const inRange = (addr: Address) => ranges.some((r) => r.bits === addr.bits && addr.value >> r.shift === r.network);
  return (ip) => {
    const addr = parseIp(ip);
    if (!addr) return false;
    // An IPv4-mapped IPv6 address (::ffff:a.b.c.d, in any spelling) is also that IPv4 address.
    const v4 =
      addr.bits === 128 && addr.value >> 32n === 0xffffn
        ? { bits: 32 as const, value: addr.value & 0xffffffffn }
        : undefined;
    return inRange(addr) || (v4 !== undefined && inRange(v4));
  };
}

interface Address {
  readonly bits: 32 | 128;
  readonly value: bigint;
}

interface Range {
  readonly bits: 32 | 128;
  readonly shift: bigint;
  readonly network: bigint;
}

function parseCidr(cidr: string): Range {
  const [ip = '', prefixText = ''] = cidr.split('/');
  const addr = parseIp(ip);
  const prefix = Number(prefixText);
  if (!addr || prefixText === '' || !Number.isInteger(prefix) || prefix < 0 || prefix > addr.bits)
    throw new Error(`invalid CIDR ${cidr}`);
  const shift = BigInt(addr.bits - prefix);
  return { bits: addr.bits, shift, network: addr.value >> shift };
}

const ipv4Value = (ip: string) => ip.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);

/** node:net validates the text; this only computes its value. An IPv6 address may end in a dotted IPv4 tail. */
function parseIp(ip: string): Address | undefined {
  const { isIPv4, isIPv6 } = loadValidators();
  if (isIPv4(ip)) return { bits: 32, value: ipv4Value(ip) };
  if (!isIPv6(ip)) return undefined;
  let text = ip;
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (dotted) {
    const v = ipv4Value(dotted[2]!);
    text = `${dotted[1]}${(v >> 16n).toString(16)}:${(v & 0xffffn).toString(16)}`;
  }
  const [head = '', tail = ''] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = text.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = text.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  if (groups.length !== 8) return undefined;
  return { bits: 128, value: groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || '0', 16)), 0n) };
}
