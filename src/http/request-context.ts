import type { IncomingMessage } from 'node:http';
import type { RequestInfo } from '../protocols/operation.js';
import type { Services } from '../services.js';
import { clientIp } from './client-ip.js';

/**
 * The request context every HTTP adapter gives its operations (the Query endpoint,
 * /oauth2/token, and the console and JSON adapters to come), built by one rule:
 * - requestId: a fresh UUID; now: the clock, read once;
 * - sourceIp: the socket peer, or n hops back in X-Forwarded-For when TESSERA_TRUST_PROXY_HOPS
 *   is n > 0 (client-ip.ts);
 * - secureTransport (aws:SecureTransport): TLS on the socket, or — only behind a trusted proxy
 *   (trust-proxy hops > 0) — X-Forwarded-Proto: https from it;
 * - userAgent: at most 1024 characters; region: us-east-1 until SigV4 says otherwise.
 */
export function requestInfo(req: IncomingMessage, services: Pick<Services, 'config' | 'now' | 'random'>): RequestInfo {
  const hops = services.config.trustProxyHops;
  return {
    requestId: services.random.uuid(),
    now: services.now(),
    sourceIp: clientIp(req, hops),
    userAgent: String(req.headers['user-agent'] ?? '').slice(0, 1024),
    region: 'us-east-1',
    secureTransport: (req.socket as { encrypted?: boolean }).encrypted === true || (hops > 0 && req.headers['x-forwarded-proto'] === 'https'),
  };
}
