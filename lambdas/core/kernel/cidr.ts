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
  return (ip) => {
    const addr = parseIp(ip);
    if (!addr) return false;
    return ranges.some((r) => r.bits === addr.bits && (addr.value >> r.shift) === r.network);
  };
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
  if (!addr || !Number.isInteger(prefix) || prefix < 0 || prefix > addr.bits) throw new Error(`invalid CIDR ${cidr}`);
  const shift = BigInt(addr.bits - prefix);
  return { bits: addr.bits, shift, network: addr.value >> shift };
}

function parseIp(ip: string): { bits: 32 | 128; value: bigint } | undefined {
  const { isIPv4, isIPv6 } = loadValidators();
  if (isIPv4(ip)) {
    return { bits: 32, value: ip.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n) };
  }
  if (isIPv6(ip)) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
    if (mapped?.[1]) return parseIp(mapped[1]);
    const [head = '', tail = ''] = ip.split('::');
    const h = head ? head.split(':') : [];
    const t = ip.includes('::') ? (tail ? tail.split(':') : []) : [];
    const groups = ip.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
    if (groups.length !== 8) return undefined;
    return { bits: 128, value: groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || '0', 16)), 0n) };
  }
  return undefined;
}
