import { deflateRawSync } from 'node:zlib';
import { Errors } from '../errors/index.js';

/**
 * AWS packs the session policy, the managed session policy ARNs and the session tags into a
 * compressed binary form with its own limit, reported as PackedPolicySize (a percentage).
 * Tessera packs the same inputs with deflate and measures them against PACKED_LIMIT_BYTES.
 * Over 100% → PackedPolicyTooLarge, in AWS's words.
 */
export const PACKED_LIMIT_BYTES = 2048;

export interface PackedInputs {
  sessionPolicy?: string | undefined;
  policyArns?: readonly string[] | undefined;
  tags?: Readonly<Record<string, string>> | undefined;
  transitiveTagKeys?: readonly string[] | undefined;
}

/** The percentage, or undefined when nothing is packed (no policy, ARNs or tags). */
export function packedPolicySize(p: PackedInputs): number | undefined {
  const hasTags = p.tags !== undefined && Object.keys(p.tags).length > 0;
  if (p.sessionPolicy === undefined && !p.policyArns?.length && !hasTags) return undefined;
  let policy = p.sessionPolicy ?? '';
  try {
    if (policy) policy = JSON.stringify(JSON.parse(policy));
  } catch {
    // validated elsewhere; measure the raw text
  }
  const packed = deflateRawSync(
    Buffer.from(
      [policy, (p.policyArns ?? []).join(','), Object.entries(p.tags ?? {}).map(([k, v]) => `${k}=${v}`).join(','), (p.transitiveTagKeys ?? []).join(',')].join('\u0000'),
      'utf8',
    ),
    { level: 9 },
  );
  const pct = Math.ceil((packed.length * 100) / PACKED_LIMIT_BYTES);
  if (pct > 100) {
    throw Errors.packedPolicyTooLarge(`Packed policy consumes ${pct}% of allotted space, please use smaller policy for your request.`);
  }
  return pct;
}
