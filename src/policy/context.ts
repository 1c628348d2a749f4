/**
 * The request context, normalized once per request: keys lower-cased (condition key names are
 * case-insensitive), values turned into strings (numbers and booleans by their JSON text),
 * arrays kept as arrays (multivalued keys).
 */
import type { ContextValues } from './types.js';

export type NormalizedValue = string | readonly string[];

export interface ContextLookup {
  /** The value, or undefined when the key is absent. */
  get(lowerKey: string): NormalizedValue | undefined;
  /** The value as a single string; undefined when absent or multivalued with other than one value. */
  single(lowerKey: string): string | undefined;
}

const str = (v: string | number | boolean): string => (typeof v === 'string' ? v : String(v));

export function normalizeContext(values: ContextValues | undefined): ContextLookup {
  const map = new Map<string, NormalizedValue>();
  if (values) {
    for (const key of Object.keys(values)) {
      const v = values[key];
      if (v === undefined || v === null) continue;
      map.set(key.toLowerCase(), Array.isArray(v) ? (v as readonly (string | number | boolean)[]).map(str) : str(v as string | number | boolean));
    }
  }
  return {
    get: (k) => map.get(k),
    single: (k) => {
      const v = map.get(k);
      if (v === undefined) return undefined;
      if (typeof v === 'string') return v;
      return v.length === 1 ? v[0] : undefined;
    },
  };
}
