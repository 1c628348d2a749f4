import { isIPv4, isIPv6 } from 'node:net';

/**
 * What the per-source-address sign-in throttle counts: an IPv4 address as is, an IPv6 address by
 * its /64 prefix. One IPv6 host (one subscriber, one VM) is routinely given a whole /64, so
 * counting full addresses would give an attacker 2^64 fresh counters; spellings of one address
 * (`2001:db8::1`, `2001:0DB8:0:0::1`, IPv4-mapped) are one key. Anything else (not an address) is
 * kept as it is, bounded.
 */
export function addressKey(ip: string): string {
  const a = ip.trim().replace(/%.*$/, '');
  if (isIPv4(a)) return a;
  if (!isIPv6(a)) return a.slice(0, 64);
  const groups = expandIPv6(a);
  // IPv4-mapped (::ffff:a.b.c.d): the IPv4 address.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return `${groups[6]! >> 8}.${groups[6]! & 255}.${groups[7]! >> 8}.${groups[7]! & 255}`;
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}

function expandIPv6(a: string): number[] {
  let s = a.toLowerCase();
  // A dotted IPv4 tail becomes two groups.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (dotted) {
    const [b0, b1, b2, b3] = dotted.slice(1).map(Number) as [number, number, number, number];
    s = `${s.slice(0, dotted.index)}${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? (s.split('::') as [string, string]) : [s, undefined];
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const fill = tail === undefined ? [] : Array<string>(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].map((g) => parseInt(g, 16));
}
