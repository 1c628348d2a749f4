import type { IncomingMessage } from 'node:http';

/**
 * The caller's address for aws:SourceIp and the audit log: the socket peer, or — when
 * TESSERA_TRUST_PROXY_HOPS is n > 0 — the address n hops back in X-Forwarded-For.
 */
export function clientIp(req: IncomingMessage, trustHops: number): string {
  const peer = normalize(req.socket.remoteAddress ?? '');
  if (trustHops <= 0) return peer;
  const xff = req.headers['x-forwarded-for'];
  const list = (Array.isArray(xff) ? xff.join(',') : (xff ?? ''))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const chain = [...list, peer];
  const i = chain.length - 1 - trustHops;
  return normalize(chain[Math.max(0, i)] ?? peer);
}

const normalize = (ip: string) => (ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip);
